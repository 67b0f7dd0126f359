import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCheckBodySchema, envelopeProperties, type Envelope } from '../../../contracts/envelope.js';
import { startAzurite, type AzuriteBlob } from '../../../sandbox/blob/index.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../../../sandbox/servicebus/index.js';
import type { HybridError } from '../../sdk/index.js';
import { openStore, Outbox } from '../../store/index.js';
import { ClaimCheckStore } from '../../transport/claim-check-store.js';
import { ServiceBusChannel } from '../../transport/service-bus-channel.js';
import { OutboxDrainer } from './outbox-drainer.js';

describe('OutboxDrainer (sandbox broker, Azurite)', () => {
  let broker: ServiceBusEmulator;
  let azurite: AzuriteBlob;
  let claimChecks: ClaimCheckStore;

  beforeAll(async () => {
    broker = await startServiceBusEmulator({ maxMessageSizeInBytes: 16 * 1024, entities: { queues: [{ name: 'deliveries' }, { name: 'outage' }] } });
    azurite = await startAzurite();
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('ihc-acme');
    await container.createIfNotExists();
    claimChecks = new ClaimCheckStore(container);
  });
  afterAll(async () => {
    await azurite?.close();
    await broker?.close();
  });

  const envelope = (id: string, padBytes: number): Envelope => ({ messageId: id, properties: envelopeProperties('acme', 'feed.records', { feed: 'readings' }), body: { pad: 'r'.repeat(padBytes) } });

  async function drain(channel: ServiceBusChannel, entity: string, count: number): Promise<Envelope[]> {
    const received: Envelope[] = [];
    const sub = await channel.subscribe(entity, async (e) => void received.push(e), { processError: () => undefined });
    for (let i = 0; i < 400 && received.length < count; i += 1) await new Promise((r) => setTimeout(r, 25));
    await sub.close();
    return received;
  }

  it('delivers every row, deletes it only after the send, and claim-checks bodies over the entity limit', async () => {
    const outbox = new Outbox(openStore(':memory:'));
    outbox.enqueue('acme', [
      { entity: 'deliveries', envelope: envelope('small-1', 100) },
      { entity: 'deliveries', envelope: envelope('large-1', 64 * 1024) },
      { entity: 'deliveries', envelope: envelope('small-2', 100) },
    ]);
    const channel = ServiceBusChannel.fromConnectionString(broker.connectionString, { mode: 'amqp' });
    const errors: HybridError[] = [];
    const drainer = new OutboxDrainer({ tenantId: 'acme', outbox, sender: channel, claimChecks, onError: (e) => errors.push(e), idleIntervalInMs: 50 });
    drainer.start();
    await drainer.drained(20_000);
    await drainer.stop();
    expect(errors).toEqual([]);
    const received = await drain(channel, 'deliveries', 3);
    expect(received.map((e) => e.messageId).sort()).toEqual(['large-1', 'small-1', 'small-2']);
    const large = received.find((e) => e.messageId === 'large-1')!;
    expect(large.properties.claimCheck).toBe(true);
    const body = JSON.parse((await claimChecks.get(claimCheckBodySchema.parse(large.body))).toString('utf8')) as { pad: string };
    expect(body.pad).toHaveLength(64 * 1024);
    expect(received.find((e) => e.messageId === 'small-1')!.properties.claimCheck).toBeUndefined();
    await channel.close();
  });

  it('keeps rows while Service Bus refuses connections and delivers them once it is back', async () => {
    const outbox = new Outbox(openStore(':memory:'));
    const channel = ServiceBusChannel.fromConnectionString(broker.connectionString, { mode: 'amqp', operationTimeoutInMs: 2_000, retry: { maxAttempts: 1 } });
    await channel.open();
    const errors: HybridError[] = [];
    const drainer = new OutboxDrainer({ tenantId: 'acme', outbox, sender: channel, claimChecks, onError: (e) => errors.push(e), idleIntervalInMs: 50, backoff: { initialDelayInMs: 100, maxDelayInMs: 400 } });
    broker.faults.dropConnections();
    broker.faults.refuseConnections({ durationInMs: 1_500 });
    outbox.enqueue('acme', Array.from({ length: 20 }, (_, i) => ({ entity: 'outage', envelope: envelope(`o-${i}`, 50) })));
    drainer.start();
    drainer.wake();
    await drainer.drained(30_000);
    await drainer.stop();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.retryable)).toBe(true);
    const received = await drain(channel, 'outage', 20);
    expect(new Set(received.map((e) => e.messageId)).size).toBe(20);
    await channel.close();
  });
});
