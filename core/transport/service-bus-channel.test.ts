import { ServiceBusClient } from '@azure/service-bus';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeProperties, type Envelope } from '../../contracts/envelope.js';
import { createSasToken, startServiceBusEmulator, type ServiceBusEmulator } from '../../sandbox/servicebus/index.js';
import { createSelfSignedCertificate } from '../../sandbox/servicebus/self-signed-certificate.js';
import { HybridError, isHybridError } from '../sdk/index.js';
import { ServiceBusChannel } from './service-bus-channel.js';

const KEY = { keyName: 'ohs', primaryKey: 'ohs-test-key-not-a-secret', rights: ['Send', 'Listen'] as Array<'Send' | 'Listen' | 'Manage'> };
const ROOT = { keyName: 'RootManageSharedAccessKey', primaryKey: 'root-test-key', rights: ['Manage', 'Send', 'Listen'] as Array<'Send' | 'Listen' | 'Manage'> };

function envelopes(count: number, prefix: string, bodyBytes = 1024): Envelope[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: `${prefix}-${i}`,
    properties: envelopeProperties('acme', 'feed.records', { adapterId: 'owoc', feed: 'readings' }),
    body: { n: i, pad: 'x'.repeat(bodyBytes) },
  }));
}

async function collect(channel: ServiceBusChannel, entity: string, expected: number, errors: HybridError[] = [], timeoutInMs = 20_000): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscription = await channel.subscribe(
    entity,
    async (envelope) => {
      seen.set(envelope.messageId, (seen.get(envelope.messageId) ?? 0) + 1);
      if (seen.size >= expected) done();
    },
    { processError: (e) => errors.push(e), maxConcurrentCalls: 8 },
  );
  const timer = setTimeout(done, timeoutInMs);
  await finished;
  clearTimeout(timer);
  await subscription.close();
  return seen;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('ServiceBusChannel (real client, sandbox broker)', () => {
  let emulator: ServiceBusEmulator;
  let ca: string;

  beforeAll(async () => {
    const tls = await createSelfSignedCertificate();
    ca = String(tls.cert);
    emulator = await startServiceBusEmulator({
      webSockets: tls,
      accessRules: [ROOT, KEY],
      maxMessageSizeInBytes: 64 * 1024,
      autoCreateEntities: true,
      entities: { queues: [{ name: 'in' }, { name: 'batches' }, { name: 'drops', lockDurationInMs: 2_000 }, { name: 'busy', lockDurationInMs: 2_000 }, { name: 'rotate' }, { name: 'poison', maxDeliveryCount: 5 }, { name: 'ws' }] },
    });
  });
  afterAll(async () => emulator?.close());

  const keyChannel = (extra: object = {}) =>
    ServiceBusChannel.fromConnectionString(emulator.connectionStringFor({ keyName: 'ohs', key: KEY.primaryKey }), { mode: 'amqp', operationTimeoutInMs: 5_000, retry: { initialDelayInMs: 50, maxDelayInMs: 500, maxAttempts: 10 }, ...extra });

  it('sends envelopes and receives them with their routing properties', async () => {
    const channel = keyChannel();
    await channel.send('in', envelopes(3, 'rt', 10));
    const received: Envelope[] = [];
    const sub = await channel.subscribe('in', async (e) => void received.push(e), { processError: () => undefined });
    for (let i = 0; i < 200 && received.length < 3; i += 1) await new Promise((r) => setTimeout(r, 25));
    await sub.close();
    expect(received.map((e) => e.messageId).sort()).toEqual(['rt-0', 'rt-1', 'rt-2']);
    expect(received[0]!.properties).toEqual({ tenantId: 'acme', kind: 'feed.records', schemaVersion: '1.0', adapterId: 'owoc', feed: 'readings' });
    expect((received[0]!.body as { pad: string }).pad).toBe('x'.repeat(10));
    await channel.close();
  });

  it('splits sends into batches under the entity max size and refuses one message over it', async () => {
    const channel = keyChannel();
    expect(await channel.maxMessageSizeInBytes('batches')).toBe(64 * 1024);
    await channel.send('batches', envelopes(300, 'b', 1024));
    const seen = await collect(channel, 'batches', 300);
    expect(seen.size).toBe(300);
    const error = await channel.send('batches', envelopes(1, 'huge', 100 * 1024)).catch((e: unknown) => e);
    expect(isHybridError(error, 'too-large')).toBe(true);
    expect((error as HybridError).retryable).toBe(false);
    await channel.close();
  });

  it('dead-letters messages without a valid envelope and those a handler rejects as not retryable', async () => {
    const raw = new ServiceBusClient(emulator.connectionString);
    await raw.createSender('poison').sendMessages([{ body: 'no envelope', messageId: 'naked' }]);
    const channel = keyChannel();
    await channel.send('poison', [{ ...envelopes(1, 'bad-input')[0]! }, { ...envelopes(1, 'flaky')[0]! }]);
    const errors: HybridError[] = [];
    let flakyAttempts = 0;
    const sub = await channel.subscribe(
      'poison',
      async (e) => {
        if (e.messageId === 'bad-input-0') throw new HybridError('invalid-input', 'unusable record');
        if (e.messageId === 'flaky-0' && ++flakyAttempts === 1) throw new HybridError('head-end-unavailable', 'try again');
      },
      { processError: (e) => errors.push(e) },
    );
    const dlq = raw.createReceiver('poison', { subQueueType: 'deadLetter' });
    const dead = [];
    for (let i = 0; i < 80 && (dead.length < 2 || flakyAttempts < 2); i += 1) dead.push(...(await dlq.receiveMessages(2, { maxWaitTimeInMs: 250 })));
    await sub.close();
    expect(dead.map((m) => [m.messageId, m.deadLetterReason]).sort()).toEqual([
      ['bad-input-0', 'invalid-input'],
      ['naked', 'InvalidEnvelope'],
    ]);
    expect(flakyAttempts).toBe(2);
    expect(errors.map((e) => e.code)).toEqual(expect.arrayContaining(['invalid-input', 'head-end-unavailable']));
    await raw.close();
    await channel.close();
  });

  it('loses nothing when the broker drops every connection mid-stream', { timeout: 90_000 }, async () => {
    const channel = keyChannel();
    const receiving = collect(channel, 'drops', 400, [], 80_000);
    for (let part = 0; part < 8; part += 1) {
      await channel.send('drops', envelopes(50, `d${part}`, 256));
      if (part === 3) emulator.faults.dropConnections();
    }
    const seen = await receiving;
    expect(seen.size).toBe(400);
    await channel.close();
  });

  it('rides out links detached as server-busy', { timeout: 90_000 }, async () => {
    const channel = keyChannel();
    await channel.send('busy', envelopes(10, 'warm', 64));
    emulator.faults.serverBusy({ entityPath: 'busy', durationInMs: 400 });
    await channel.send('busy', envelopes(100, 'after-busy', 64));
    const seen = await collect(channel, 'busy', 110, [], 80_000);
    expect(seen.size).toBe(110);
    await channel.close();
  });

  it('keeps sending and receiving while short-lived SAS tokens are rotated under load', { timeout: 60_000 }, async () => {
    // Every token lives 3 s, so links outlive many tokens: the broker ends a link whose token expired and the
    // client re-attaches with a fresh one from the provider. Nothing sent may be lost.
    let minted = 0;
    const provider = {
      isSasTokenProvider: true as const,
      getToken: async (audience: string) => {
        minted += 1;
        return { token: createSasToken(audience, 'ohs', KEY.primaryKey, { timeToLiveInMs: 3_000 }), expiresOnTimestamp: Date.now() + 3_000 };
      },
    };
    const channel = new ServiceBusChannel({
      host: 'localhost',
      webSocketPort: emulator.wsPort,
      webSocketOptions: { ca },
      mode: 'amqp-websockets',
      credentials: { kind: 'sas-provider', provider },
      operationTimeoutInMs: 5_000,
      retry: { initialDelayInMs: 50, maxDelayInMs: 500, maxAttempts: 20 },
    });
    try {
      const receiving = collect(channel, 'rotate', 600, [], 50_000);
      for (let part = 0; part < 12; part += 1) {
        await channel.send('rotate', envelopes(50, `r${part}`, 128));
        await new Promise((r) => setTimeout(r, 500));
      }
      const seen = await receiving;
      expect(seen.size).toBe(600);
      // Two links (sender, receiver) attached at first; anything beyond means a link renewed its expired claim.
      expect(minted).toBeGreaterThan(2);
    } finally {
      await channel.close();
    }
  });

  it('falls back to WebSockets when AMQP over TCP is refused, and reports the mode', async () => {
    const channel = new ServiceBusChannel({
      host: 'localhost',
      amqpPort: await closedPort(),
      useDevelopmentEmulator: true,
      webSocketPort: emulator.wsPort,
      webSocketOptions: { ca },
      credentials: { kind: 'named-key', credential: new (await import('@azure/core-auth')).AzureNamedKeyCredential('ohs', KEY.primaryKey) },
      probeTimeoutInMs: 2_000,
    });
    expect(await channel.open()).toBe('amqp-websockets');
    const status = channel.status();
    expect(status.mode).toBe('amqp-websockets');
    expect(status.probes.find((p) => p.mode === 'amqp')).toMatchObject({ ok: false });
    await channel.send('ws', envelopes(5, 'ws', 32));
    expect((await collect(channel, 'ws', 5)).size).toBe(5);
    await channel.close();
  });

  it('prefers AMQP over TCP when both work', async () => {
    const channel = new ServiceBusChannel({
      host: 'localhost',
      amqpPort: emulator.port,
      useDevelopmentEmulator: true,
      webSocketPort: emulator.wsPort,
      webSocketOptions: { ca },
      credentials: { kind: 'named-key', credential: new (await import('@azure/core-auth')).AzureNamedKeyCredential('ohs', KEY.primaryKey) },
    });
    expect(await channel.open()).toBe('amqp');
    await channel.close();
  });

  it('fails clearly with wrong credentials instead of retrying forever', async () => {
    const channel = ServiceBusChannel.fromConnectionString(emulator.connectionStringFor({ keyName: 'ohs', key: 'wrong-key' }), { mode: 'amqp', retry: { initialDelayInMs: 10, maxAttempts: 3 } });
    const error = await channel.send('in', envelopes(1, 'x')).catch((e: unknown) => e);
    expect(isHybridError(error, 'unauthorized')).toBe(true);
    expect((error as HybridError).message).not.toContain('wrong-key');
    await channel.close();
  });
});
