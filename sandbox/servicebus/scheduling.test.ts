import type { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor } from './test-support.js';

describe('scheduled messages and peek', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        queues: [{ name: 'scheduled' }, { name: 'cancelled' }, { name: 'peeked' }],
        topics: [{ name: 'scheduled-topic', subscriptions: [{ name: 'a' }, { name: 'b' }] }],
      },
    });
    client = clientFor(emulator.connectionString);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('holds a scheduled message until its time, visible to peek as scheduled', async () => {
    const sender = client.createSender('scheduled');
    const farAway = new Date(Date.now() + 60_000);
    const [farNumber] = await sender.scheduleMessages({ body: 'next minute', messageId: 'far' }, farAway);
    expect(farNumber!.toNumber()).toBe(1);
    const receiver = client.createReceiver('scheduled');
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked!.state).toBe('scheduled');
    expect(peeked!.scheduledEnqueueTimeUtc!.getTime()).toBe(farAway.getTime());
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toEqual([]);

    const [soonNumber] = await sender.scheduleMessages({ body: 'wake me', messageId: 'soon' }, new Date(Date.now() + 300));
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message!.messageId).toBe('soon');
    expect(message!.state).toBe('active');
    expect(message!.sequenceNumber!.toNumber()).toBe(soonNumber!.toNumber());
    await receiver.completeMessage(message!);
    await sender.cancelScheduledMessages(farNumber!);
    await Promise.all([receiver.close(), sender.close()]);
  });

  it('honours scheduledEnqueueTimeUtc on a plain send', async () => {
    const sender = client.createSender('scheduled');
    await sender.sendMessages({ body: 'via send', scheduledEnqueueTimeUtc: new Date(Date.now() + 300) });
    const receiver = client.createReceiver('scheduled', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message!.body).toBe('via send');
    expect(message!.scheduledEnqueueTimeUtc).toBeInstanceOf(Date);
    await Promise.all([receiver.close(), sender.close()]);
  });

  it('cancels scheduled messages', async () => {
    const sender = client.createSender('cancelled');
    const later = new Date(Date.now() + 60_000);
    const numbers = await sender.scheduleMessages([{ body: 'x' }, { body: 'y' }], later);
    await sender.cancelScheduledMessages(numbers[0]!);
    const receiver = client.createReceiver('cancelled');
    expect((await receiver.peekMessages(10)).map((m) => m.body)).toEqual(['y']);
    await sender.cancelScheduledMessages(numbers[1]!);
    expect(await receiver.peekMessages(10)).toEqual([]);
    await Promise.all([receiver.close(), sender.close()]);
  });

  it('schedules on a topic: every subscription gets it, and cancelling removes it everywhere', async () => {
    const sender = client.createSender('scheduled-topic');
    const [kept] = await sender.scheduleMessages({ body: 'kept' }, new Date(Date.now() + 60_000));
    const [dropped] = await sender.scheduleMessages({ body: 'dropped' }, new Date(Date.now() + 60_000));
    await sender.cancelScheduledMessages(dropped!);
    for (const name of ['a', 'b']) {
      const peeker = client.createReceiver('scheduled-topic', name);
      const peeked = await peeker.peekMessages(10);
      expect(peeked.map((m) => [m.body, m.sequenceNumber!.toNumber()])).toEqual([['kept', kept!.toNumber()]]);
      await peeker.close();
    }
    await sender.close();
  });

  it('peeks without locking, continues where the last peek stopped, and includes locked and deferred messages', async () => {
    const sender = client.createSender('peeked');
    await sender.sendMessages([1, 2, 3, 4, 5].map((n) => ({ body: n })));
    const receiver = client.createReceiver('peeked');
    const [locked] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const [toDefer] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deferMessage(toDefer!);

    const peeker = client.createReceiver('peeked');
    const firstPage = await peeker.peekMessages(3);
    const secondPage = await peeker.peekMessages(3);
    expect(firstPage.map((m) => m.body)).toEqual([1, 2, 3]);
    expect(secondPage.map((m) => m.body)).toEqual([4, 5]);
    expect(firstPage[1]!.state).toBe('deferred');
    expect(firstPage.every((m) => m.lockToken === undefined)).toBe(true);
    expect(await peeker.peekMessages(3)).toEqual([]);
    const fromStart = await peeker.peekMessages(2, { fromSequenceNumber: firstPage[0]!.sequenceNumber! });
    expect(fromStart.map((m) => m.body)).toEqual([1, 2]);

    await receiver.completeMessage(locked!);
    await Promise.all([peeker.close(), receiver.close(), sender.close()]);
  });
});
