import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor, codeOf, rejectionOf, waitFor } from './test-support.js';

// Clients that must ride out faults get a few quick retries, as a production client would have slower ones.
const RESILIENT = { retryOptions: { maxRetries: 5, retryDelayInMs: 100, timeoutInMs: 5_000 } };

describe('fault injection', () => {
  let emulator: ServiceBusEmulator;
  const clients: ServiceBusClient[] = [];

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        queues: [{ name: 'dropped' }, { name: 'refused' }, { name: 'busy' }, { name: 'busy-send' }, { name: 'locks' }, { name: 'admin' }],
      },
    });
  });
  afterEach(() => {
    emulator.faults.reset();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.close();
  });

  function client(options = RESILIENT): ServiceBusClient {
    const created = clientFor(emulator.connectionString, options);
    clients.push(created);
    return created;
  }

  // errors holds "code: message" of everything processError saw.
  function collect(receiverClient: ServiceBusClient, queue: string): { bodies: unknown[]; errors: string[]; close(): Promise<void> } {
    const bodies: unknown[] = [];
    const errors: string[] = [];
    const receiver = receiverClient.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const subscription = receiver.subscribe({
      processMessage: async (message: ServiceBusReceivedMessage) => {
        bodies.push(message.body);
      },
      processError: async (args) => {
        errors.push(`${codeOf(args.error) ?? args.error.name}: ${args.error.message}`);
      },
    });
    return {
      bodies,
      errors,
      close: async () => {
        await subscription.close();
        await receiver.close();
      },
    };
  }

  it('drops every connection; the client reconnects and keeps receiving', async () => {
    const consumer = collect(client(), 'dropped');
    const sender = client().createSender('dropped');
    await sender.sendMessages({ body: 'before' });
    await waitFor(() => consumer.bodies.includes('before'), 'the first message');

    expect(emulator.faults.dropConnections()).toBe(2);
    // A send issued before the client has noticed the cut would wait out its operation timeout, on Azure too.
    await waitFor(() => emulator.connectionCount >= 1, 'the streaming receiver to reconnect');
    await sender.sendMessages({ body: 'after hard drop' });
    await waitFor(() => consumer.bodies.includes('after hard drop'), 'delivery after the drop');

    expect(emulator.faults.dropConnections({ graceful: true })).toBe(2);
    await sender.sendMessages({ body: 'after graceful drop' });
    await waitFor(() => consumer.bodies.includes('after graceful drop'), 'delivery after the graceful drop');
    await consumer.close();
  });

  it('refuses new connections for a while: clients fail fast with ECONNRESET, and get through after', async () => {
    const consumer = collect(client(), 'refused');
    const sender = client().createSender('refused');
    await sender.sendMessages({ body: 'before' });
    await waitFor(() => consumer.bodies.includes('before'), 'the first message');

    emulator.faults.refuseConnections({ durationInMs: 60_000 });
    emulator.faults.dropConnections();
    await waitFor(() => consumer.errors.some((e) => /ECONNRESET/.test(e)), 'the receiver to be refused');
    // 7.9.5 does not retry a failed connect (ECONNRESET/ECONNREFUSED become a non-retryable GeneralError).
    const fresh = client().createSender('refused');
    const refused = await rejectionOf(fresh.sendMessages({ body: 'refused' }));
    expect(codeOf(refused)).toBe('GeneralError');
    expect(refused.message).toMatch(/ECONNRESET/);

    emulator.faults.reset();
    await waitFor(() => emulator.connectionCount >= 1, 'the streaming receiver to reconnect by itself');
    await fresh.sendMessages({ body: 'after the window' });
    await waitFor(() => consumer.bodies.includes('after the window'), 'delivery after the refusal window');
    await consumer.close();
  });

  it('detaches receivers with server-busy: processError sees ServiceBusy, then the client re-attaches', async () => {
    const consumer = collect(client(), 'busy');
    const sender = client().createSender('busy');
    await sender.sendMessages({ body: 'one' });
    await waitFor(() => consumer.bodies.includes('one'), 'the first message');

    expect(emulator.faults.serverBusy({ entityPath: 'busy' })).toBe(2);
    await waitFor(() => consumer.errors.some((e) => e.startsWith('ServiceBusy:')), 'ServiceBusy in processError');
    await sender.sendMessages({ body: 'two' });
    await waitFor(() => consumer.bodies.includes('two'), 'delivery after re-attaching');
    await consumer.close();
  });

  it('keeps an entity busy for a while: attaches and sends fail with ServiceBusy, and succeed after', async () => {
    const impatient = client({ retryOptions: { maxRetries: 0, retryDelayInMs: 50, timeoutInMs: 5_000 } });
    emulator.faults.serverBusy({ entityPath: 'busy-send', durationInMs: 60_000 });
    const sender = impatient.createSender('busy-send');
    const error = await rejectionOf(sender.sendMessages({ body: 'refused' }));
    expect(codeOf(error)).toBe('ServiceBusy');
    expect(error.name).toBe('ServiceBusError');
    emulator.faults.reset();
    await sender.sendMessages({ body: 'accepted again' });
    expect(emulator.entities.stats().find((s) => s.path === 'busy-send')!.active).toBe(1);
  });

  it('retries through a short busy window (ServiceBusy is retryable)', async () => {
    emulator.faults.serverBusy({ entityPath: 'busy-send', durationInMs: 250 });
    const sender = client().createSender('busy-send');
    await sender.sendMessages({ body: 'eventually' });
  });

  it('expires locks early: settling fails with MessageLockLost and the message comes back', async () => {
    const sender = client().createSender('locks');
    await sender.sendMessages({ body: 'locked' });
    const receiver = client().createReceiver('locks', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(emulator.faults.expireLocks({ entityPath: 'locks' })).toBe(1);
    const error = await rejectionOf(receiver.completeMessage(message!));
    expect(codeOf(error)).toBe('MessageLockLost');
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again!.messageId).toBe(message!.messageId);
    expect(again!.deliveryCount).toBe(1);
    await receiver.completeMessage(again!);
  });

  it('exposes the same faults over the loopback admin HTTP interface', async () => {
    const post = async (path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const response = await fetch(`${emulator.adminUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    expect(new URL(emulator.adminUrl).hostname).toBe('127.0.0.1');
    expect(await (await fetch(`${emulator.adminUrl}/health`)).json()).toMatchObject({ status: 'ok' });

    const sender = client().createSender('admin');
    await sender.sendMessages({ body: 'via admin' });
    const receiver = client().createReceiver('admin', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(await post('/faults/expire-locks', { entityPath: 'admin' })).toEqual({ status: 200, json: { ok: true, affected: 1 } });
    expect(codeOf(await rejectionOf(receiver.completeMessage(message!)))).toBe('MessageLockLost');

    expect((await post('/faults/server-busy?entityPath=admin&durationInMs=60000')).status).toBe(200);
    const busySender = client({ retryOptions: { maxRetries: 0, retryDelayInMs: 50, timeoutInMs: 5_000 } }).createSender('admin');
    expect(codeOf(await rejectionOf(busySender.sendMessages({ body: 'x' })))).toBe('ServiceBusy');
    expect((await post('/faults/reset')).status).toBe(200);
    await busySender.sendMessages({ body: 'not busy any more' });

    expect((await post('/faults/refuse-connections', { durationInMs: 1 })).status).toBe(200);
    expect((await post('/faults/drop-connections')).json.affected).toBeGreaterThanOrEqual(1);
    const entities = (await (await fetch(`${emulator.adminUrl}/entities`)).json()) as { entities: Array<{ path: string }> };
    expect(entities.entities.map((e) => e.path)).toContain('admin/$DeadLetterQueue');

    expect((await post('/faults/refuse-connections', { durationInMs: 'soon' })).status).toBe(400);
    expect((await post('/faults/nothing')).status).toBe(404);
  });
});
