import type { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { clientFor, codeOf, rejectionOf, sleep } from './test-support.js';

describe('sessions', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({
      entities: {
        queues: [
          { name: 'ordered', requiresSession: true },
          { name: 'next', requiresSession: true },
          { name: 'state', requiresSession: true },
          { name: 'short', requiresSession: true, lockDurationInMs: 300 },
          { name: 'plain' },
        ],
      },
    });
    client = clientFor(emulator.connectionString);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('delivers a named session in order and only its messages; peek sees only that session', async () => {
    const sender = client.createSender('ordered');
    await sender.sendMessages([
      { body: 'a1', sessionId: 'meter-a' },
      { body: 'b1', sessionId: 'meter-b' },
      { body: 'a2', sessionId: 'meter-a' },
      { body: 'a3', sessionId: 'meter-a' },
    ]);
    const session = await client.acceptSession('ordered', 'meter-a');
    expect(session.sessionId).toBe('meter-a');
    expect(session.sessionLockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());
    expect((await session.peekMessages(10)).map((m) => m.body)).toEqual(['a1', 'a2', 'a3']);
    const messages = await session.receiveMessages(3, { maxWaitTimeInMs: 5000 });
    expect(messages.map((m) => m.body)).toEqual(['a1', 'a2', 'a3']);
    expect(messages.every((m) => m.sessionId === 'meter-a')).toBe(true);
    for (const message of messages) await session.completeMessage(message);
    await session.close();

    const other = await client.acceptSession('ordered', 'meter-b', { receiveMode: 'receiveAndDelete' });
    expect((await other.receiveMessages(1, { maxWaitTimeInMs: 5000 })).map((m) => m.body)).toEqual(['b1']);
    await other.close();
    await sender.close();
  });

  it('locks a session to one receiver: a second one gets SessionCannotBeLocked until it is released', async () => {
    const first = await client.acceptSession('ordered', 'busy');
    const error = await rejectionOf(client.acceptSession('ordered', 'busy'));
    expect(codeOf(error)).toBe('SessionCannotBeLocked');
    await first.close();
    const second = await client.acceptSession('ordered', 'busy');
    expect(second.sessionId).toBe('busy');
    await second.close();
  });

  it('accepts the next session with messages, oldest first', async () => {
    const sender = client.createSender('next');
    await sender.sendMessages([{ body: 'x', sessionId: 's-1' }, { body: 'y', sessionId: 's-2' }]);
    const first = await client.acceptNextSession('next');
    const second = await client.acceptNextSession('next');
    expect([first.sessionId, second.sessionId]).toEqual(['s-1', 's-2']);
    for (const session of [first, second]) {
      const [message] = await session.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      await session.completeMessage(message!);
      await session.close();
    }
    await sender.close();
  });

  it('makes accept-next-session wait for a session, and time out with ServiceTimeout when none comes', async () => {
    // The wait is bounded by the client's operation timeout, which it sends along with the attach.
    const impatient = clientFor(emulator.connectionString, { retryOptions: { timeoutInMs: 300 } });
    const error = await rejectionOf(impatient.acceptNextSession('next'));
    expect(codeOf(error)).toBe('ServiceTimeout');
    await impatient.close();

    const waiting = client.acceptNextSession('next');
    const sender = client.createSender('next');
    await sender.sendMessages({ body: 'wake up', sessionId: 'late' });
    const session = await waiting;
    expect(session.sessionId).toBe('late');
    const [message] = await session.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message!.body).toBe('wake up');
    await session.completeMessage(message!);
    await session.close();
    await sender.close();
  });

  it('stores session state and renews the session lock', async () => {
    const session = await client.acceptSession('state', 'device-9');
    expect(await session.getSessionState()).toBeNull();
    await session.setSessionState({ cursor: 17 });
    expect(await session.getSessionState()).toEqual({ cursor: 17 });
    const before = session.sessionLockedUntilUtc!.getTime();
    await sleep(20);
    await session.renewSessionLock();
    expect(session.sessionLockedUntilUtc!.getTime()).toBeGreaterThan(before);
    await session.close();

    const later = await client.acceptSession('state', 'device-9');
    expect(await later.getSessionState()).toEqual({ cursor: 17 });
    await later.close();
  });

  it('returns unsettled messages when the session lock expires, counting the failed delivery', async () => {
    const sender = client.createSender('short');
    await sender.sendMessages({ body: 'held', sessionId: 'slow' });
    const session = await client.acceptSession('short', 'slow', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await session.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await sleep(600);
    const error = await rejectionOf(session.completeMessage(message!));
    expect(codeOf(error)).toBe('SessionLockLost');
    await session.close();

    const again = await client.acceptSession('short', 'slow', { receiveMode: 'receiveAndDelete' });
    const [redelivered] = await again.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(redelivered!.body).toBe('held');
    expect(redelivered!.deliveryCount).toBe(1);
    await again.close();
    await sender.close();
  });

  it('refuses messages without a session id and non-session receivers on a session queue, and sessions on a plain queue', async () => {
    const sender = client.createSender('ordered');
    const sendError = await rejectionOf(sender.sendMessages({ body: 'no session' }));
    expect(sendError.message).toMatch(/SessionId was not set/);

    const receiver = client.createReceiver('ordered');
    const receiveError = await rejectionOf(receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 }));
    expect(receiveError.message).toMatch(/requires sessions/);

    // The client checks the attach reply before it reads the detach error, so it reports its own message here.
    const sessionError = await rejectionOf(client.acceptSession('plain', 'x'));
    expect(codeOf(sessionError)).toBe('SessionCannotBeLocked');
    await Promise.all([receiver.close(), sender.close()]);
  });
});
