import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { pino } from 'pino';
import { entityNames } from '../../../contracts/entities.js';
import { createLogger } from '../../../core/log/index.js';
import { CloudServiceClient } from '../../../sandbox/cloud-service-client.js';
import { startSandboxStack, type SandboxStack, type SandboxStackOptions } from '../../../sandbox/stack.js';
import { DeliveryCollector } from './delivery-collector.js';
import { waitFor } from './wait-for.js';

/** One sandbox stack for one e2e test file, with a cloud service subscribed through the gateway. */
export interface E2eStack {
  stack: SandboxStack;
  /** The temporary working folder (store, files, logs). */
  dir: string;
  /** Acts as the cloud service (client credentials, gateway, its own delivery queue). */
  service: CloudServiceClient;
  /** What arrived on the service's delivery queue. */
  deliveries: DeliveryCollector;
  /** The tenant's Blob container, read with the storage account key (as an auditor would). */
  container: ContainerClient;
  /** Subscribe through the gateway and wait until the OHS has stored the subscription. */
  subscribe(adapterId: string, feed: string): Promise<string>;
  /** Messages dead-lettered on an entity (peeked, left in place). */
  deadLetters(entity: string): Promise<ServiceBusReceivedMessage[]>;
  /** The OHS's JSON log lines (every process run since the stack started). */
  ohsLog(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * Start the whole sandbox (broker, Azurite, cloud, simulators, OHS child process) in a fresh temp
 * folder, on loopback. The head-end pusher is off unless asked for: tests push what they can predict.
 * `close` stops everything and removes the folder (kept when E2E_KEEP_DIR is set, for post-mortems).
 */
export async function startE2eStack(name: string, options: Partial<SandboxStackOptions> = {}): Promise<E2eStack> {
  const dir = await mkdtemp(join(tmpdir(), `hc-e2e-${name}-`));
  const logger = createLogger({ name: 'e2e', level: 'warn', destination: pino.destination({ dest: join(dir, 'sandbox.log'), sync: true }) });
  let stack: SandboxStack;
  try {
    stack = await startSandboxStack({ pushBatchesPerSecond: 0, fileStableForInMs: 300, logger, ...options, dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  const service = new CloudServiceClient(stack.endpoints);
  let deliveries: DeliveryCollector | undefined;
  let bus: ServiceBusClient | undefined;
  const close = async (): Promise<void> => {
    await deliveries?.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await stack.close();
    if (!process.env.E2E_KEEP_DIR) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    deliveries = await DeliveryCollector.start(service);
  } catch (error) {
    await close();
    throw error;
  }
  const ohsLog = async (): Promise<Array<Record<string, unknown>>> => {
    const text = await readFile(stack.endpoints.ohs.logFile, 'utf8').catch(() => '');
    return text.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  };
  return {
    stack,
    dir,
    service,
    deliveries,
    container: BlobServiceClient.fromConnectionString(stack.endpoints.blob.connectionString).getContainerClient(stack.endpoints.blob.container),
    ohsLog,
    async subscribe(adapterId, feed) {
      const answer = await service.subscribe(adapterId, feed);
      const subscriptionId = answer.subscriptionId ?? answer.id;
      if (!subscriptionId) throw new Error(`the gateway answered a subscription without an id: ${JSON.stringify(answer)}`);
      // The gateway relays the subscription over Service Bus; the OHS logs once it is in its durable list.
      await waitFor(async () => (await ohsLog()).some((l) => l.msg === 'subscription stored' && l.subscriptionId === subscriptionId), {
        what: `the OHS to store subscription ${subscriptionId} (${adapterId}/${feed})`,
        timeoutInMs: 20_000,
      });
      return subscriptionId;
    },
    async deadLetters(entity) {
      bus ??= new ServiceBusClient(stack.endpoints.serviceBus.connectionString);
      const receiver = bus.createReceiver(entity, { subQueueType: 'deadLetter' });
      try {
        return await receiver.peekMessages(100);
      } finally {
        await receiver.close();
      }
    },
    close,
  };
}

/** The tenant's inbound queue (cloud → OHS). */
export function ohsInboundOf(e2e: E2eStack): string {
  return entityNames.ohsInbound(e2e.stack.endpoints.tenantId);
}
