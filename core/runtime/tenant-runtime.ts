import type { ContainerClient } from '@azure/storage-blob';
import type { DependencyContainer } from 'tsyringe';
import { entityNames } from '../../contracts/entities.js';
import type { Logger } from '../log/index.js';
import { FeedPublisher } from '../mechanisms/feed/feed-publisher.js';
import { ensureFileFolders, fileFolders, type FileFolders } from '../mechanisms/files/file-folders.js';
import { FileDownloader } from '../mechanisms/files/file-downloader.js';
import { FILE_NOTIFICATIONS_FEED, FileUploader } from '../mechanisms/files/file-uploader.js';
import { FolderWatcher } from '../mechanisms/files/folder-watcher.js';
import { InboundRouter } from '../mechanisms/inbound/inbound-router.js';
import { OutboxDrainer, type MessageSender } from '../mechanisms/outbox/outbox-drainer.js';
import { RequestRouter } from '../mechanisms/request/request-router.js';
import { TenantScope, type LoadedTenant } from '../plugins/index.js';
import type { DataFeedAdapter, FileTransferAdapter, FileTransferManifest, HybridError, RequestResponseAdapter, RequestResponseManifest } from '../sdk/index.js';
import { FileLedger, Outbox, RequestDedupe, SubscriptionStore, type StoreDatabase } from '../store/index.js';
import { Backoff, sleep } from '../retry/backoff.js';
import { ClaimCheckStore } from '../transport/claim-check-store.js';
import type { ChannelSubscription, EnvelopeHandler, SubscribeOptions } from '../transport/service-bus-channel.js';

/** What the tenant runtime needs of its Service Bus channel (ServiceBusChannel satisfies it). */
export interface TenantChannel extends MessageSender {
  subscribe(entity: string, handler: EnvelopeHandler, options: SubscribeOptions): Promise<ChannelSubscription>;
  status(): { mode: string | undefined; lastError: string | undefined };
  close(): Promise<void>;
}

/** Options of {@link TenantRuntime}. */
export interface TenantRuntimeOptions {
  root: DependencyContainer;
  tenant: LoadedTenant;
  db: StoreDatabase;
  fileRoot: string;
  channel: TenantChannel;
  container: ContainerClient;
  logger: Logger;
  /** File watching: stability window and polling (network shares). */
  fileWatch?: { stableForInMs?: number; usePolling?: boolean; retryEveryInMs?: number };
  afterUpload?: 'archive' | 'delete';
  maxConcurrentRequestsPerAdapter?: number;
  /** See InboundRouterOptions.ensureDeliveryAccess. */
  ensureDeliveryAccess?: (entity: string) => Promise<void>;
}

/** Lifecycle state of one adapter inside a running tenant. */
export interface AdapterStatus {
  adapterId: string;
  method: string;
  state: 'running' | 'failed' | 'stopped';
  error?: string;
}

/** Status of a tenant for health endpoints. */
export interface TenantStatus {
  tenantId: string;
  serviceBusMode: string | undefined;
  inboundConnected: boolean;
  outboxSize: number;
  messagesSent: number;
  adapters: AdapterStatus[];
  lastError: string | undefined;
}

/**
 * One tenant of a running OHS: its DI scope and adapters, the three mechanisms wired to the local
 * store, the outbox drainer and the inbound subscription. An adapter that fails to start is reported
 * and the others keep running; Service Bus being unreachable at start delays the inbound link (retried
 * with backoff) but not the local acceptance of data.
 */
export class TenantRuntime {
  readonly tenantId: string;
  readonly #o: TenantRuntimeOptions;
  readonly #abort = new AbortController();
  readonly #statuses = new Map<string, AdapterStatus>();
  readonly #watchers: FolderWatcher[] = [];
  readonly #uploaders = new Map<string, FileUploader>();
  #scope: TenantScope | undefined;
  #drainer: OutboxDrainer | undefined;
  #inbound: ChannelSubscription | undefined;
  #inboundLoop: Promise<void> | undefined;
  #lastError: string | undefined;

  constructor(options: TenantRuntimeOptions) {
    this.#o = options;
    this.tenantId = options.tenant.tenantId;
  }

  /** File uploaders by adapter id (tests and tools push a file through directly). */
  get uploaders(): ReadonlyMap<string, FileUploader> {
    return this.#uploaders;
  }

  /** Resolves when every watched folder is idle (tests). */
  async filesIdle(): Promise<void> {
    for (const watcher of this.#watchers) await watcher.idle();
  }

  /** The outbox drainer (tests wait on `drained()`). */
  get drainer(): OutboxDrainer {
    if (!this.#drainer) throw new Error('tenant runtime not started');
    return this.#drainer;
  }

  async start(): Promise<void> {
    const o = this.#o;
    const log = o.logger.child({ tenant: this.tenantId });
    const onError = (error: HybridError): void => {
      this.#lastError = error.message;
      log.warn({ code: error.code, err: error.message }, 'background error');
    };
    const scope = TenantScope.create(o.root, o.tenant, { fileRoot: o.fileRoot });
    this.#scope = scope;
    const subscriptions = new SubscriptionStore(o.db);
    const outbox = new Outbox(o.db);
    const ledger = new FileLedger(o.db);
    const claimChecks = new ClaimCheckStore(o.container);
    const drainer = new OutboxDrainer({ tenantId: this.tenantId, outbox, sender: o.channel, claimChecks, onError });
    this.#drainer = drainer;
    const wake = (): void => drainer.wake();
    const feeds = new FeedPublisher({ db: o.db, subscriptions, outbox, wake });
    const folders = new Map<string, { manifest: FileTransferManifest; folders: FileFolders }>();
    const requests = new RequestRouter({
      tenantId: this.tenantId,
      db: o.db,
      dedupe: new RequestDedupe(o.db),
      outbox,
      wake,
      signal: this.#abort.signal,
      maxConcurrentPerAdapter: o.maxConcurrentRequestsPerAdapter,
      adapter: (id) => {
        const scoped = scope.adapters.get(id);
        if (scoped?.manifest.method !== 'request-response' || this.#statuses.get(id)?.state !== 'running') return undefined;
        return { manifest: scoped.manifest as RequestResponseManifest, instance: scoped.instance as unknown as RequestResponseAdapter };
      },
    });
    const downloads = new FileDownloader({ tenantId: this.tenantId, container: o.container, db: o.db, ledger, outbox, wake, adapter: (id) => folders.get(id) });
    const inbound = new InboundRouter({
      tenantId: this.tenantId,
      subscriptions,
      requests,
      downloads,
      claimChecks,
      logger: log,
      ensureDeliveryAccess: o.ensureDeliveryAccess,
      offersFeed: (adapterId, feed) => {
        const manifest = scope.adapters.get(adapterId)?.manifest;
        if (manifest?.method === 'data-feed') return manifest.feeds.some((f) => f.name === feed);
        return manifest?.method === 'file-transfer' && feed === FILE_NOTIFICATIONS_FEED;
      },
    });

    for (const [adapterId, scoped] of scope.adapters) {
      const base = { tenantId: this.tenantId, log: log.child({ adapter: adapterId }), signal: this.#abort.signal };
      const status: AdapterStatus = { adapterId, method: scoped.manifest.method, state: 'stopped' };
      this.#statuses.set(adapterId, status);
      try {
        const manifest = scoped.manifest;
        if (manifest.method === 'data-feed') {
          await (scoped.instance as unknown as DataFeedAdapter).start(feeds.contextFor(base, adapterId, manifest.feeds.map((f) => f.name)));
        } else {
          await (scoped.instance as unknown as RequestResponseAdapter | FileTransferAdapter).start(base);
        }
        if (manifest.method === 'file-transfer') {
          const paths = fileFolders(o.fileRoot, this.tenantId, manifest.files.folder);
          await ensureFileFolders(paths);
          folders.set(adapterId, { manifest, folders: paths });
          if (manifest.files.direction !== 'download') {
            const uploader = new FileUploader({ tenantId: this.tenantId, manifest, adapter: scoped.instance as unknown as FileTransferAdapter, folders: paths, container: o.container, db: o.db, ledger, outbox, subscriptions, wake, afterUpload: o.afterUpload, logger: base.log });
            this.#uploaders.set(adapterId, uploader);
            const watcher = new FolderWatcher({
              folder: paths.watch,
              onFile: (path) => uploader.process(path),
              onError: (error, path) => onError(Object.assign(error, { message: `${path}: ${error.message}` })),
              ...o.fileWatch,
            });
            await watcher.start();
            this.#watchers.push(watcher);
          }
        }
        status.state = 'running';
        log.info({ adapter: adapterId, method: manifest.method }, 'adapter started');
      } catch (error) {
        status.state = 'failed';
        status.error = (error as Error).message;
        log.error({ adapter: adapterId, err: (error as Error).message }, 'adapter failed to start; the tenant continues without it');
      }
    }
    drainer.start();
    this.#inboundLoop = this.#connectInbound(inbound, onError);
  }

  /** Subscribe to the inbound entity, retrying with backoff while Service Bus is unreachable. */
  async #connectInbound(inbound: InboundRouter, onError: (error: HybridError) => void): Promise<void> {
    const backoff = new Backoff({ initialDelayInMs: 500, maxDelayInMs: 30_000 });
    while (!this.#abort.signal.aborted) {
      try {
        this.#inbound = await this.#o.channel.subscribe(entityNames.ohsInbound(this.tenantId), (envelope) => inbound.handle(envelope), { processError: onError, maxConcurrentCalls: 8 });
        return;
      } catch (error) {
        onError(error as HybridError);
        await sleep(backoff.failed(), this.#abort.signal).catch(() => undefined);
      }
    }
  }

  /** Current status. */
  status(): TenantStatus {
    const channel = this.#o.channel.status();
    return {
      tenantId: this.tenantId,
      serviceBusMode: channel.mode,
      inboundConnected: this.#inbound !== undefined,
      outboxSize: new Outbox(this.#o.db).size(this.tenantId),
      messagesSent: this.#drainer?.sent ?? 0,
      adapters: [...this.#statuses.values()].map((s) => ({ ...s })),
      lastError: this.#lastError ?? channel.lastError,
    };
  }

  /** Stop taking work, finish what is in flight, release everything. Nothing accepted is lost: it stays in the store. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('OHS stopping'));
    await this.#inboundLoop;
    await this.#inbound?.close();
    await Promise.all(this.#watchers.map((w) => w.stop()));
    await this.#drainer?.stop();
    await this.#scope?.dispose().catch((error: unknown) => this.#o.logger.warn({ err: (error as Error).message }, 'adapter stop failed'));
    for (const status of this.#statuses.values()) if (status.state === 'running') status.state = 'stopped';
    await this.#o.channel.close();
  }
}
