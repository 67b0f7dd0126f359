import type { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor, codeOf, rejectionOf, sleep, waitFor } from './test-support.js';

describe('settlement, locks, dead-lettering and TTL', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        queues: [
          { name: 'defer' },
          { name: 'dlq' },
          { name: 'poison', maxDeliveryCount: 2 },
          { name: 'renew', lockDurationInMs: 1000 },
          { name: 'short-lock', lockDurationInMs: 300 },
          { name: 'ttl' },
          { name: 'ttl-dlq', deadLetteringOnMessageExpiration: true },
          { name: 'default-ttl', defaultMessageTimeToLiveInMs: 60_000 },
        ],
      },
    });
    client = clientFor(emulator.connectionString);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('defers a message and gets it back by sequence number, counting deliveries like Azure', async () => {
    const sender = client.createSender('defer');
    await sender.sendMessages({ body: 'later', messageId: 'deferred-1' });
    const receiver = client.createReceiver('defer');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message!.deliveryCount).toBe(0);
    await receiver.deferMessage(message!, { deferredBy: 'test' });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);

    const [deferred] = await receiver.receiveDeferredMessages(message!.sequenceNumber!);
    expect(deferred!.messageId).toBe('deferred-1');
    expect(deferred!.state).toBe('deferred');
    expect(deferred!.deliveryCount).toBe(1);
    expect(deferred!.applicationProperties).toEqual({ deferredBy: 'test' });
    expect(deferred!.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());

    // Abandoning a deferred message leaves it deferred (settled through $management, not a link).
    await receiver.abandonMessage(deferred!);
    const [again] = await receiver.receiveDeferredMessages(message!.sequenceNumber!);
    expect(again!.deliveryCount).toBe(2);
    await receiver.completeMessage(again!);
    const gone = await rejectionOf(receiver.receiveDeferredMessages(message!.sequenceNumber!));
    expect(codeOf(gone)).toBe('MessageNotFound');
    await receiver.close();
    await sender.close();
  });

  it('dead-letters with reason and description; the DLQ receiver sees them', async () => {
    const sender = client.createSender('dlq');
    await sender.sendMessages({ body: 'bad', applicationProperties: { kind: 'reading' } });
    const receiver = client.createReceiver('dlq');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Unparseable', deadLetterErrorDescription: 'missing meter id', extra: 'x' });

    const deadLetters = client.createReceiver('dlq', { subQueueType: 'deadLetter' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead!.body).toBe('bad');
    expect(dead!.deadLetterReason).toBe('Unparseable');
    expect(dead!.deadLetterErrorDescription).toBe('missing meter id');
    expect(dead!.applicationProperties).toMatchObject({ kind: 'reading', extra: 'x' });
    expect(dead!.deliveryCount).toBe(0);
    await deadLetters.completeMessage(dead!);
    expect(await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    await Promise.all([deadLetters.close(), receiver.close(), sender.close()]);
  });

  it('moves a message to the DLQ once it used up its max delivery count', async () => {
    const sender = client.createSender('poison');
    await sender.sendMessages({ body: 'poison' });
    const receiver = client.createReceiver('poison');
    for (let attempt = 0; attempt < 2; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(message!.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message!);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    const deadLetters = client.createReceiver('poison', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead!.body).toBe('poison');
    expect(dead!.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead!.deliveryCount).toBe(2);
    await Promise.all([deadLetters.close(), receiver.close(), sender.close()]);
  });

  it('renews a message lock', async () => {
    const sender = client.createSender('renew');
    await sender.sendMessages({ body: 'hold' });
    const receiver = client.createReceiver('renew', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const firstLock = message!.lockedUntilUtc!.getTime();
    await sleep(20);
    const renewed = await receiver.renewMessageLock(message!);
    expect(renewed.getTime()).toBeGreaterThan(firstLock);
    expect(message!.lockedUntilUtc!.getTime()).toBe(renewed.getTime());
    await receiver.completeMessage(message!);
    await receiver.close();
    await sender.close();
  });

  it('auto-renews locks while a handler holds a message longer than the lock duration', async () => {
    const sender = client.createSender('renew');
    await sender.sendMessages({ body: 'slow' });
    const receiver = client.createReceiver('renew', { maxAutoLockRenewalDurationInMs: 10_000 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    // 1.5 lock durations: without renewal the lock would be gone and completion would fail.
    await sleep(1500);
    await receiver.completeMessage(message!);
    expect(emulator.entities.stats().find((s) => s.path === 'renew')).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
    await sender.close();
  });

  it('redelivers a message whose lock expired; settling with the old lock fails with MessageLockLost', async () => {
    const sender = client.createSender('short-lock');
    await sender.sendMessages({ body: 'expiring' });
    const receiver = client.createReceiver('short-lock', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const [redelivered] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(redelivered!.messageId).toBe(message!.messageId);
    expect(redelivered!.deliveryCount).toBe(1);
    const error = await rejectionOf(receiver.completeMessage(message!));
    expect(codeOf(error)).toBe('MessageLockLost');
    await receiver.completeMessage(redelivered!);
    await receiver.close();
    await sender.close();
  });

  it('reports a failed and a successful settlement of adjacent deliveries separately', async () => {
    const sender = client.createSender('short-lock');
    await sender.sendMessages([{ body: 'a' }, { body: 'b' }]);
    const receiver = client.createReceiver('short-lock', { maxAutoLockRenewalDurationInMs: 0 });
    const stale = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    emulator.faults.expireLocks({ entityPath: 'short-lock' });
    const fresh = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    // The stale lock of the second message and the fresh lock of the first have adjacent delivery ids.
    const [staleResult, freshResult] = await Promise.allSettled([receiver.completeMessage(stale[1]!), receiver.completeMessage(fresh[0]!)]);
    expect(staleResult.status).toBe('rejected');
    expect(codeOf((staleResult as PromiseRejectedResult).reason)).toBe('MessageLockLost');
    expect(freshResult.status).toBe('fulfilled');
    await receiver.completeMessage(fresh[1]!);
    await receiver.close();
    await sender.close();
  });

  it('drops messages whose time to live passed', async () => {
    const sender = client.createSender('ttl');
    await sender.sendMessages([{ body: 'short', timeToLive: 100 }, { body: 'long', timeToLive: 60_000 }]);
    await waitFor(() => emulator.entities.stats().find((s) => s.path === 'ttl')!.active === 1, 'the short-lived message to expire');
    const receiver = client.createReceiver('ttl', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 300 });
    expect(messages.map((m) => m.body)).toEqual(['long']);
    expect(messages[0]!.timeToLive).toBe(60_000);
    expect(messages[0]!.expiresAtUtc!.getTime()).toBe(messages[0]!.enqueuedTimeUtc!.getTime() + 60_000);
    await receiver.close();
    await sender.close();
  });

  it('dead-letters expired messages when the entity asks for it, and applies the entity default TTL', async () => {
    const sender = client.createSender('ttl-dlq');
    await sender.sendMessages({ body: 'stale', timeToLive: 100 });
    const deadLetters = client.createReceiver('ttl-dlq', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead!.body).toBe('stale');
    expect(dead!.deadLetterReason).toBe('TTLExpiredException');

    // The entity default applies to messages without a TTL and caps longer ones, as in Azure.
    const defaultTtl = client.createSender('default-ttl');
    await defaultTtl.sendMessages([{ body: 'inherits' }, { body: 'capped', timeToLive: 120_000 }, { body: 'own', timeToLive: 30_000 }]);
    const peeked = await client.createReceiver('default-ttl').peekMessages(3);
    expect(peeked.map((m) => m.timeToLive)).toEqual([60_000, 60_000, 30_000]);
    await Promise.all([deadLetters.close(), sender.close(), defaultTtl.close()]);
  });
});
