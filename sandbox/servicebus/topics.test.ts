import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor, codeOf, rejectionOf, waitFor } from './test-support.js';

describe('topics and subscriptions', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        topics: [
          {
            name: 'readings',
            subscriptions: [
              { name: 'all' },
              { name: 'archive' },
              { name: 'meter-7', rules: [{ name: 'only-7', filter: { correlation: { applicationProperties: { meterId: 7 } } } }] },
              { name: 'alarms', rules: [{ name: 'alarm', filter: { correlation: { subject: 'alarm' } } }] },
            ],
          },
          { name: 'streamed', subscriptions: [{ name: 'handler' }] },
        ],
      },
    });
    client = clientFor(emulator.connectionString);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('gives every subscription its own copy, numbered once by the topic, and applies correlation filters', async () => {
    const sender = client.createSender('readings');
    await sender.sendMessages([
      { body: 'r1', applicationProperties: { meterId: 7 } },
      { body: 'r2', applicationProperties: { meterId: 8 }, subject: 'alarm' },
    ]);
    const receive = async (subscription: string, count: number): Promise<ServiceBusReceivedMessage[]> => {
      const receiver = client.createReceiver('readings', subscription, { receiveMode: 'receiveAndDelete' });
      const messages = await receiver.receiveMessages(count, { maxWaitTimeInMs: 5000 });
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toEqual([]);
      await receiver.close();
      return messages;
    };
    const all = await receive('all', 2);
    const archive = await receive('archive', 2);
    expect(all.map((m) => m.body)).toEqual(['r1', 'r2']);
    expect(archive.map((m) => m.body)).toEqual(['r1', 'r2']);
    expect(archive.map((m) => m.sequenceNumber!.toNumber())).toEqual(all.map((m) => m.sequenceNumber!.toNumber()));
    expect((await receive('meter-7', 1)).map((m) => m.body)).toEqual(['r1']);
    expect((await receive('alarms', 1)).map((m) => m.body)).toEqual(['r2']);
    await sender.close();
  });

  it('refuses receiving from a topic itself', async () => {
    const receiver = client.createReceiver('readings');
    const error = await rejectionOf(receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 }));
    expect(codeOf(error)).toBe('GeneralError');
    expect(error.message).toMatch(/InvalidOperationError: Cannot receive from topic 'readings'/);
    await receiver.close();
  });

  it('dead-letters into the subscription DLQ', async () => {
    const sender = client.createSender('readings');
    await sender.sendMessages({ body: 'to dlq', applicationProperties: { meterId: 7 } });
    const receiver = client.createReceiver('readings', 'meter-7');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Rejected', deadLetterErrorDescription: 'by test' });
    const deadLetters = client.createReceiver('readings', 'meter-7', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead!.body).toBe('to dlq');
    expect(dead!.deadLetterReason).toBe('Rejected');
    // The other subscriptions still hold their copies.
    expect(emulator.entities.stats().find((s) => s.path === 'readings/Subscriptions/all')!.active).toBe(1);
    await Promise.all([receiver.close(), deadLetters.close(), sender.close()]);
  });

  it('streams to subscribe() handlers, reporting handler errors to processError and redelivering', async () => {
    const sender = client.createSender('streamed');
    const receiver = client.createReceiver('streamed', 'handler');
    const seen: Array<{ body: unknown; deliveryCount: number | undefined }> = [];
    const errors: Error[] = [];
    const subscription = receiver.subscribe(
      {
        processMessage: async (message) => {
          seen.push({ body: message.body, deliveryCount: message.deliveryCount });
          if (message.body === 'fail once' && message.deliveryCount === 0) throw new Error('handler failed');
        },
        processError: async (args) => {
          errors.push(args.error);
        },
      },
      // One at a time: rhea 3 (client side) merges the dispositions of two adjacent deliveries settled in the
      // same tick into one frame with the first one's outcome, which can turn an abandon into a complete.
      { maxConcurrentCalls: 1 },
    );
    await sender.sendMessages([{ body: 'ok 1' }, { body: 'fail once' }, { body: 'ok 2' }]);
    await waitFor(() => seen.length >= 4, 'all deliveries');
    await waitFor(() => emulator.entities.stats().find((s) => s.path === 'streamed/Subscriptions/handler')!.locked === 0, 'auto-completion');
    expect(seen.filter((s) => s.body === 'fail once').map((s) => s.deliveryCount)).toEqual([0, 1]);
    expect(errors.map((e) => e.message)).toContain('handler failed');
    await subscription.close();
    await Promise.all([receiver.close(), sender.close()]);
  });
});
