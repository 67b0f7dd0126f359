import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, unlink, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { envelopeProperties, type FileNotificationBody } from '../../../contracts/envelope.js';
import type { Logger } from '../../log/index.js';
import { HybridError, matchesFilePattern, toHybridError, type FileTransferAdapter, type FileTransferManifest } from '../../sdk/index.js';
import type { FileLedger, LedgerEntry, Outbox, StoreDatabase, SubscriptionStore } from '../../store/index.js';
import type { FileFolders } from './file-folders.js';
import { moveWithoutOverwrite } from './move-without-overwrite.js';

/** Feed name under which cloud services subscribe to a file-transfer adapter's notifications. */
export const FILE_NOTIFICATIONS_FEED = 'files';

/** Options of {@link FileUploader}. */
export interface FileUploaderOptions {
  tenantId: string;
  manifest: FileTransferManifest;
  adapter: FileTransferAdapter;
  folders: FileFolders;
  container: ContainerClient;
  db: StoreDatabase;
  ledger: FileLedger;
  outbox: Outbox;
  subscriptions: SubscriptionStore;
  wake: () => void;
  /** What happens to the local file once uploaded. Default `archive`. */
  afterUpload?: 'archive' | 'delete';
  /** Block size of the streaming upload; memory use is about blockSize × concurrency. */
  blockSizeInBytes?: number;
  uploadConcurrency?: number;
  logger?: Logger;
}

// Notifications must stay far below a message's size limit whatever a file holds (a CMEP file may name
// millions of meters): long lists are cut, and their full length is kept beside them.
const MAX_LISTED = 1000;

/** Cut every list in adapter metadata to MAX_LISTED items, recording `<key>Total` for those cut. */
export function boundedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (Array.isArray(value) && value.length > MAX_LISTED) {
      out[key] = value.slice(0, MAX_LISTED);
      out[`${key}Total`] = value.length;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** What became of one file. */
export type FileOutcome = 'uploaded' | 'quarantined' | 'skipped' | 'ignored';

/**
 * The File Transfer mechanism for one complete file: validate with the adapter, announce `detected`,
 * stream it to Blob storage hashing as it goes, announce `uploaded`, then archive or delete it.
 * Every step is written to the file ledger first, so a restart resumes where it stopped: a finished
 * file is never uploaded twice, an interrupted upload is redone to the same blob name.
 */
export class FileUploader {
  readonly #o: FileUploaderOptions;

  constructor(options: FileUploaderOptions) {
    this.#o = options;
  }

  /** Process one file of the watched folder. */
  async process(path: string): Promise<FileOutcome> {
    const o = this.#o;
    const name = basename(path);
    if (!matchesFilePattern(name, o.manifest.files.patterns)) {
      o.logger?.warn({ file: name, patterns: o.manifest.files.patterns }, 'file name matches none of the adapter patterns; left in place');
      return 'ignored';
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return 'skipped';
    const fileId = createHash('sha256').update(`${o.manifest.id}\n${name}\n${info.size}\n${Math.trunc(info.mtimeMs)}`).digest('hex').slice(0, 32);
    const known = o.ledger.get(o.tenantId, fileId);
    const entry: LedgerEntry = known ?? { tenantId: o.tenantId, adapterId: o.manifest.id, fileId, fileName: name, size: info.size, mtimeMs: Math.trunc(info.mtimeMs), sha256: undefined, state: 'detected', blobName: undefined, detail: undefined };

    if (entry.state === 'done' || entry.state === 'quarantined') {
      // Finished earlier but the file is still here (crash before the move): only the move remains.
      if (entry.state === 'done') await this.#afterUpload(path, entry);
      return 'skipped';
    }
    if (known === undefined) {
      const validation = await o.adapter.validate({ name, path, size: info.size, open: () => createReadStream(path) });
      if (!validation.accepted) {
        await this.#quarantine(path, entry, validation.reasons.map((r) => `${r.line !== undefined ? `line ${r.line}: ` : ''}${r.element ? `${r.element}: ` : ''}${r.message}`));
        return 'quarantined';
      }
      entry.detail = JSON.stringify({ recordCount: validation.recordCount, timeRange: validation.timeRange, identifiers: validation.identifiers.slice(0, MAX_LISTED), metadata: boundedMetadata(validation.metadata) });
      entry.blobName = `files/${o.manifest.id}/${new Date().toISOString().slice(0, 10)}/${fileId}/${name}`;
      o.db.transaction(() => {
        o.ledger.record({ ...entry, state: 'detected' });
        this.#notify('file.detected', entry, { size: info.size });
      })();
    }
    if (entry.state === 'detected' || entry.state === 'uploading') {
      o.ledger.record({ ...entry, state: 'uploading' });
      const { sha256, size } = await this.#upload(path, entry.blobName!);
      if (size !== info.size) throw new HybridError('conflict', `${name} changed while it was being uploaded (${info.size} → ${size} bytes); it will be picked up again`);
      entry.sha256 = sha256;
      o.db.transaction(() => {
        o.ledger.record({ ...entry, state: 'uploaded' });
        this.#notify('file.uploaded', entry, { size, sha256, blobName: entry.blobName, container: o.container.containerName });
      })();
      entry.state = 'uploaded';
    }
    await this.#afterUpload(path, entry);
    return 'uploaded';
  }

  async #upload(path: string, blobName: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const blob = this.#o.container.getBlockBlobClient(blobName);
    try {
      await blob.uploadStream(createReadStream(path).pipe(hashing), this.#o.blockSizeInBytes ?? 4 * 1024 * 1024, this.#o.uploadConcurrency ?? 4, {
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
    } catch (error) {
      throw toHybridError(error, 'transport');
    }
    const sha256 = hash.digest('hex');
    // Stored after the upload because the hash is only known at the end of the stream.
    await blob.setMetadata({ sha256, adapter: this.#o.manifest.id, tenant: this.#o.tenantId }).catch((error: unknown) => {
      throw toHybridError(error, 'transport');
    });
    return { sha256, size };
  }

  async #afterUpload(path: string, entry: LedgerEntry): Promise<void> {
    const o = this.#o;
    const exists = await stat(path).then(() => true, () => false);
    if (exists) {
      if ((o.afterUpload ?? 'archive') === 'delete') await unlink(path);
      else await moveWithoutOverwrite(path, o.folders.archive, entry.fileName);
    }
    o.ledger.record({ ...entry, state: 'done' });
  }

  async #quarantine(path: string, entry: LedgerEntry, reasons: string[]): Promise<void> {
    const o = this.#o;
    const target = await moveWithoutOverwrite(path, o.folders.quarantine, entry.fileName);
    const text = [`${entry.fileName} was rejected by adapter ${o.manifest.id} at ${new Date().toISOString()}:`, ...reasons.map((r) => `- ${r}`), ''].join('\n');
    await writeFile(`${target}.reason.txt`, text);
    o.ledger.record({ ...entry, state: 'quarantined', detail: reasons.slice(0, 100).join('\n') });
    o.logger?.warn({ file: entry.fileName, reasons: reasons.slice(0, 5), quarantinedAs: basename(target) }, 'file quarantined');
  }

  #notify(kind: 'file.detected' | 'file.uploaded', entry: LedgerEntry, extra: Partial<FileNotificationBody>): void {
    const o = this.#o;
    const detail = entry.detail === undefined ? {} : (JSON.parse(entry.detail) as { recordCount?: number; metadata?: Record<string, unknown>; timeRange?: unknown; identifiers?: string[] });
    const body: FileNotificationBody = {
      fileId: entry.fileId,
      adapterId: o.manifest.id,
      fileName: entry.fileName,
      size: entry.size,
      ...extra,
      ...(kind === 'file.uploaded' ? { recordCount: detail.recordCount, metadata: { ...detail.metadata, timeRange: detail.timeRange, identifiers: detail.identifiers } } : {}),
      at: new Date().toISOString(),
    };
    const items = o.subscriptions.forFeed(o.tenantId, o.manifest.id, FILE_NOTIFICATIONS_FEED).map((subscription) => ({
      entity: subscription.deliveryEntity,
      envelope: { messageId: `${kind}.${entry.fileId}.${subscription.subscriptionId}`, correlationId: entry.fileId, properties: envelopeProperties(o.tenantId, kind, { adapterId: o.manifest.id }), body },
    }));
    if (items.length === 0) return;
    o.outbox.enqueue(o.tenantId, items);
    o.wake();
  }
}
