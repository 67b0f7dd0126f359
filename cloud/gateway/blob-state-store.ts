import { createHash } from 'node:crypto';
import { RestError, type BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { entityNames, type ResponseBody, type SubscriptionBody } from '../../contracts/index.js';

/** A subscription as the gateway keeps it: the relayed body plus nothing else. */
export type SubscriptionRecord = SubscriptionBody;

/** A request as the gateway keeps it, with its outcome once known. */
export interface RequestRecord {
  requestId: string;
  subscriberId: string;
  adapterId: string;
  operation: string;
  idempotencyKey: string;
  /** SHA-256 of the request payload, so a reused idempotency key with another request is refused. */
  payloadSha256?: string;
  deadline: string;
  createdAt: string;
  status: 'pending' | 'completed' | 'failed' | 'timed-out';
  result?: unknown;
  error?: ResponseBody['error'];
  completedAt?: string;
}

/** A file sent to an OHS folder, as the gateway recorded it. */
export interface DownloadRecord {
  downloadId: string;
  subscriberId: string;
  adapterId: string;
  fileName: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** Result of storing a file for download by the OHS. */
export interface StoredFile {
  container: string;
  blobName: string;
  size: number;
  sha256: string;
}

/**
 * The gateway's only state, in the tenant's Blob container, so that any gateway instance can answer:
 *   subscriptions/<subscriberId>/<subscriptionId>.json
 *   requests/<requestId>.json
 *   request-keys/<subscriberId>/<sha256(idempotency key)>.json   -> { requestId }
 *   downloads/<downloadId>/<fileName>
 */
export class BlobStateStore {
  private readonly ready = new Map<string, Promise<ContainerClient>>();

  constructor(private readonly service: BlobServiceClient) {}

  /** The tenant's container, created on first use. */
  container(tenantId: string): Promise<ContainerClient> {
    let pending = this.ready.get(tenantId);
    if (!pending) {
      const client = this.service.getContainerClient(entityNames.container(tenantId));
      pending = client.createIfNotExists().then(() => client);
      pending.catch(() => this.ready.delete(tenantId));
      this.ready.set(tenantId, pending);
    }
    return pending;
  }

  /** Whether Blob storage answers (readiness). */
  async ping(): Promise<void> {
    await this.service.getProperties();
  }

  async putSubscription(tenantId: string, record: SubscriptionRecord): Promise<void> {
    await this.writeJson(tenantId, subscriptionBlob(record.subscriberId, record.subscriptionId), record);
  }

  async getSubscription(tenantId: string, subscriberId: string, subscriptionId: string): Promise<SubscriptionRecord | undefined> {
    return this.readJson<SubscriptionRecord>(tenantId, subscriptionBlob(subscriberId, subscriptionId));
  }

  async deleteSubscription(tenantId: string, subscriberId: string, subscriptionId: string): Promise<void> {
    const container = await this.container(tenantId);
    await container.deleteBlob(subscriptionBlob(subscriberId, subscriptionId), { deleteSnapshots: 'include' }).catch(ignoreNotFound);
  }

  /** A subscriber's subscriptions, or every subscription of the tenant when `subscriberId` is absent. */
  async listSubscriptions(tenantId: string, subscriberId?: string): Promise<SubscriptionRecord[]> {
    const container = await this.container(tenantId);
    const prefix = subscriberId ? `subscriptions/${subscriberId}/` : 'subscriptions/';
    const out: SubscriptionRecord[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) {
      const record = await this.readJson<SubscriptionRecord>(tenantId, blob.name);
      if (record) out.push(record);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Ids of the subscribers that hold at least one subscription (read from blob names only, no downloads). */
  async listSubscriberIds(tenantId: string): Promise<string[]> {
    const container = await this.container(tenantId);
    const ids = new Set<string>();
    for await (const blob of container.listBlobsFlat({ prefix: 'subscriptions/' })) {
      const id = blob.name.split('/')[1];
      if (id) ids.add(id);
    }
    return [...ids].sort();
  }

  async putRequest(tenantId: string, record: RequestRecord): Promise<void> {
    await this.writeJson(tenantId, requestBlob(record.requestId), record);
  }

  async getRequest(tenantId: string, requestId: string): Promise<RequestRecord | undefined> {
    return this.readJson<RequestRecord>(tenantId, requestBlob(requestId));
  }

  /**
   * Claim an idempotency key for a new request id. Returns the request id that owns the key: `requestId`
   * when the claim succeeded, or the earlier request's id when the key was used before (conditional create).
   */
  async claimIdempotencyKey(tenantId: string, subscriberId: string, key: string, requestId: string): Promise<string> {
    const name = `request-keys/${subscriberId}/${createHash('sha256').update(key).digest('hex')}.json`;
    try {
      await this.writeJson(tenantId, name, { requestId }, { ifNoneMatch: '*' });
      return requestId;
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) {
        const existing = await this.readJson<{ requestId: string }>(tenantId, name);
        if (existing) return existing.requestId;
      }
      throw err;
    }
  }

  /** Release a claimed key whose request could not be relayed, so that a retry with the same key can proceed. */
  async releaseIdempotencyKey(tenantId: string, subscriberId: string, key: string): Promise<void> {
    const container = await this.container(tenantId);
    await container.deleteBlob(`request-keys/${subscriberId}/${createHash('sha256').update(key).digest('hex')}.json`).catch(ignoreNotFound);
  }

  /** Store a file for the OHS to download; returns where it is, its size and SHA-256. */
  async putFile(tenantId: string, blobName: string, content: Buffer): Promise<StoredFile> {
    const container = await this.container(tenantId);
    const sha256 = createHash('sha256').update(content).digest('hex');
    await container.getBlockBlobClient(blobName).uploadData(content, {
      blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      metadata: { sha256 },
    });
    return { container: container.containerName, blobName, size: content.length, sha256 };
  }

  /** Record who sent a download, so only they may ask for its status. */
  async putDownload(tenantId: string, record: DownloadRecord): Promise<void> {
    await this.writeJson(tenantId, `downloads/${record.downloadId}.json`, record);
  }

  /** A download's record, or undefined. */
  async getDownload(tenantId: string, downloadId: string): Promise<DownloadRecord | undefined> {
    return this.readJson<DownloadRecord>(tenantId, `downloads/${downloadId}.json`);
  }

  async deleteBlob(tenantId: string, blobName: string): Promise<void> {
    const container = await this.container(tenantId);
    await container.deleteBlob(blobName).catch(ignoreNotFound);
  }

  /** Read a JSON blob of the tenant's container (e.g. a claim-checked message body). */
  async readJson<T>(tenantId: string, blobName: string): Promise<T | undefined> {
    const container = await this.container(tenantId);
    try {
      const buffer = await container.getBlobClient(blobName).downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as T;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  private async writeJson(tenantId: string, blobName: string, value: unknown, conditions?: { ifNoneMatch: string }): Promise<void> {
    const container = await this.container(tenantId);
    const body = Buffer.from(JSON.stringify(value));
    await container.getBlockBlobClient(blobName).uploadData(body, {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      ...(conditions ? { conditions } : {}),
    });
  }
}

function subscriptionBlob(subscriberId: string, subscriptionId: string): string {
  return `subscriptions/${subscriberId}/${subscriptionId}.json`;
}

function requestBlob(requestId: string): string {
  return `requests/${requestId}.json`;
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof RestError && err.statusCode === 404) return;
  throw err;
}
