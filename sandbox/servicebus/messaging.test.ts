import type { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor, codeOf, rejectionOf } from './test-support.js';

describe('sending and receiving with the real @azure/service-bus client', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        queues: [{ name: 'orders' }, { name: 'batches' }, { name: 'rad' }, { name: 'abandon' }, { name: 'small', maxMessageSizeInBytes: 4096 }],
      },
    });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeAll(() => {
    client = clientFor(emulator.connectionString);
  });
  afterAll(async () => {
    await client.close();
  });

  it('delivers a single message in peek-lock mode with broker-assigned id, sequence number, enqueued time and lock', async () => {
    const before = Date.now();
    const sender = client.createSender('orders');
    await sender.sendMessages({ body: { orderId: 42 }, applicationProperties: { tenant: 't1', priority: 3 }, contentType: 'application/json' });
    const receiver = client.createReceiver('orders');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });

    expect(message).toBeDefined();
    expect(message!.body).toEqual({ orderId: 42 });
    expect(message!.applicationProperties).toEqual({ tenant: 't1', priority: 3 });
    expect(message!.contentType).toBe('application/json');
    expect(message!.messageId).toMatch(/^[0-9a-f]{32}$/);
    expect(message!.sequenceNumber!.toNumber()).toBe(1);
    expect(message!.enqueuedTimeUtc!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(message!.deliveryCount).toBe(0);
    expect(message!.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(message!.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());
    expect(message!.state).toBe('active');

    await receiver.completeMessage(message!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('keeps a message id the sender chose and numbers messages in order', async () => {
    const sender = client.createSender('orders');
    await sender.sendMessages({ body: 'a', messageId: 'my-id', correlationId: 'c-1', subject: 'greeting' });
    await sender.sendMessages({ body: 'b' });
    const receiver = client.createReceiver('orders', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    expect(messages.map((m) => m.body)).toEqual(['a', 'b']);
    expect(messages[0]!.messageId).toBe('my-id');
    expect(messages[0]!.correlationId).toBe('c-1');
    expect(messages[0]!.subject).toBe('greeting');
    expect(messages[1]!.sequenceNumber!.toNumber()).toBe(messages[0]!.sequenceNumber!.toNumber() + 1);
    await receiver.close();
    await sender.close();
  });

  it('accepts arrays and batches (one transfer each) and reports the link max message size', async () => {
    const sender = client.createSender('batches');
    await sender.sendMessages([{ body: 'one' }]);
    await sender.sendMessages([{ body: 'two' }, { body: 'three' }]);
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(262_144);
    for (const body of ['four', 'five', 'six']) expect(batch.tryAddMessage({ body })).toBe(true);
    await sender.sendMessages(batch);

    const receiver = client.createReceiver('batches', { receiveMode: 'receiveAndDelete' });
    const received: unknown[] = [];
    while (received.length < 6) {
      const messages = await receiver.receiveMessages(6 - received.length, { maxWaitTimeInMs: 5000 });
      received.push(...messages.map((m) => m.body));
    }
    expect(received).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    await receiver.close();
    await sender.close();
  });

  it('rejects a message larger than the entity allows with MessageSizeExceeded', async () => {
    const sender = client.createSender('small');
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(4096);
    const error = await rejectionOf(sender.sendMessages({ body: Buffer.alloc(8000) }));
    expect(codeOf(error)).toBe('MessageSizeExceeded');
    await sender.sendMessages({ body: 'still fine' });
    await sender.close();
  });

  it('receive-and-delete removes messages on delivery', async () => {
    const sender = client.createSender('rad');
    await sender.sendMessages([{ body: 1 }, { body: 2 }]);
    const receiver = client.createReceiver('rad', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    expect(messages.map((m) => m.body)).toEqual([1, 2]);
    expect(messages[0]!.lockToken).toBeUndefined();
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    expect(emulator.entities.stats().find((s) => s.path === 'rad')).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
    await sender.close();
  });

  it('answers drain so an empty receive returns and the link stays usable', async () => {
    const receiver = client.createReceiver('rad');
    expect(await receiver.receiveMessages(3, { maxWaitTimeInMs: 200 })).toEqual([]);
    const sender = client.createSender('rad');
    await sender.sendMessages({ body: 'after drain' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe('after drain');
    await receiver.completeMessage(message!);
    await receiver.close();
    await sender.close();
  });

  it('redelivers an abandoned message with a higher delivery count and merged properties', async () => {
    const sender = client.createSender('abandon');
    await sender.sendMessages({ body: 'retry me', applicationProperties: { attempt: 0 } });
    const receiver = client.createReceiver('abandon');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.abandonMessage(first!, { attempt: 1, reason: 'busy' });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(second!.messageId).toBe(first!.messageId);
    expect(second!.sequenceNumber!.toNumber()).toBe(first!.sequenceNumber!.toNumber());
    expect(second!.deliveryCount).toBe(1);
    expect(second!.applicationProperties).toEqual({ attempt: 1, reason: 'busy' });
    expect(second!.lockToken).not.toBe(first!.lockToken);
    await receiver.completeMessage(second!);
    await receiver.close();
    await sender.close();
  });

  it('shares a queue between competing receivers', async () => {
    const sender = client.createSender('orders');
    const a = client.createReceiver('orders');
    const b = client.createReceiver('orders');
    await sender.sendMessages(Array.from({ length: 4 }, (_, i) => ({ body: i })));
    const fromA = await a.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    const fromB = await b.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    expect([...fromA, ...fromB].map((m) => m.body).sort()).toEqual([0, 1, 2, 3]);
    for (const m of fromA) await a.completeMessage(m);
    for (const m of fromB) await b.completeMessage(m);
    await Promise.all([a.close(), b.close(), sender.close()]);
  });

  it('refuses unknown entities with MessagingEntityNotFound', async () => {
    const sender = client.createSender('no-such-queue');
    const error = await rejectionOf(sender.sendMessages({ body: 'x' }));
    expect(codeOf(error)).toBe('MessagingEntityNotFound');
    await sender.close();
  });

  it('creates entities on first use when auto-create is on', async () => {
    const auto = await startServiceBusEmulator({ autoCreateEntities: true });
    const autoClient = clientFor(auto.connectionString);
    try {
      const sender = autoClient.createSender('made-up');
      await sender.sendMessages({ body: 'hello' });
      const receiver = autoClient.createReceiver('made-up', { receiveMode: 'receiveAndDelete' });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(message?.body).toBe('hello');
      const subscriber = autoClient.createReceiver('made-up-topic', 'sub', { receiveMode: 'receiveAndDelete' });
      expect(await subscriber.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
      const topicSender = autoClient.createSender('made-up-topic');
      await topicSender.sendMessages({ body: 'fan' });
      const [fanned] = await subscriber.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(fanned?.body).toBe('fan');
    } finally {
      await autoClient.close();
      await auto.close();
    }
  });
});
