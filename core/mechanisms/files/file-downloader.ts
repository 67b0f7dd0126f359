import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { entityNames } from '../../../contracts/entities.js';
import { downloadStatusBlobName, type DownloadStatus } from '../../../contracts/download-status.js';
import { envelopeProperties, type FileDownloadBody } from '../../../contracts/envelope.js';
import { HybridError, toHybridError, type FileTransferManifest } from '../../sdk/index.js';
import type { FileLedger, Outbox, StoreDatabase } from '../../store/index.js';
import type { FileFolders } from './file-folders.js';
import { moveWithoutOverwrite } from './move-without-overwrite.js';
import { safeFileName } from './safe-file-name.js';

/** Options of {@link FileDownloader}. */
export interface FileDownloaderOptions {
  tenantId: string;
  container: ContainerClient;
  db: StoreDatabase;
  ledger: FileLedger;
  outbox: Outbox;
  wake: () => void;
  /** The tenant's file-transfer adapter of an id with its folders, or undefined. */
  adapter: (adapterId: string) => { manifest: FileTransferManifest; folders: FileFolders } | undefined;
}

/**
 * File Transfer in the download direction: a blob announced by the cloud lands in the adapter's
 * inbound folder atomically — written under a staging name, size and sha256 verified, then moved in
 * under a sanitized name that never overwrites (a clash gets a versioned name). Repeated
 * announcements of one download id are done once.
 */
export class FileDownloader {
  readonly #o: FileDownloaderOptions;

  constructor(options: FileDownloaderOptions) {
    this.#o = options;
  }

  /**
   * Download one announced file; returns its final path (or undefined when it was already done). The
   * outcome, success or a failure a retry cannot fix, is also written beside the blob for the gateway.
   */
  async download(request: FileDownloadBody): Promise<string | undefined> {
    try {
      const path = await this.#download(request);
      return path;
    } catch (error) {
      const failure = toHybridError(error, 'transport');
      if (!failure.retryable) await this.#writeStatus({ downloadId: request.downloadId, status: 'failed', adapterId: request.adapterId, error: failure.toJSON(), at: new Date().toISOString() });
      throw failure;
    }
  }

  /** Best effort: a status that cannot be written only leaves the gateway answering "pending". */
  async #writeStatus(status: DownloadStatus): Promise<void> {
    const body = Buffer.from(JSON.stringify(status));
    await this.#o.container
      .getBlockBlobClient(downloadStatusBlobName(status.downloadId))
      .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } })
      .catch(() => undefined);
  }

  async #download(request: FileDownloadBody): Promise<string | undefined> {
    const o = this.#o;
    const target = o.adapter(request.adapterId);
    if (target === undefined) throw new HybridError('unknown-adapter', `no file-transfer adapter "${request.adapterId}" is enabled for tenant ${o.tenantId}`, { retryable: false });
    if (target.manifest.files.direction === 'upload') throw new HybridError('invalid-input', `adapter ${request.adapterId} only uploads; it takes no downloads`, { retryable: false });
    if (request.container !== o.container.containerName) {
      throw new HybridError('forbidden', `download from container ${request.container} refused: this tenant's container is ${o.container.containerName}`, { retryable: false });
    }
    const name = safeFileName(request.fileName);
    const fileId = `download.${createHash('sha256').update(request.downloadId).digest('hex').slice(0, 32)}`;
    if (o.ledger.get(o.tenantId, fileId)?.state === 'done') return undefined;

    const staging = join(target.folders.staging, `${fileId}.part`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const response = await o.container.getBlobClient(request.blobName).download();
      if (response.readableStreamBody === undefined) throw new HybridError('transport', `blob ${request.blobName} has no body`);
      await pipeline(
        response.readableStreamBody,
        new Transform({
          transform(chunk: Buffer, _e, done) {
            size += chunk.length;
            if (size > request.size) return done(new HybridError('invalid-input', `blob ${request.blobName} is larger than the announced ${request.size} bytes`, { retryable: false }));
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(staging, { flags: 'w' }),
      );
      const sha256 = hash.digest('hex');
      if (size !== request.size || sha256 !== request.sha256) {
        throw new HybridError('invalid-input', `downloaded ${request.blobName} does not match its announcement (size ${size}/${request.size}, sha256 ${sha256 === request.sha256 ? 'ok' : 'differs'})`, { retryable: false });
      }
      const finalPath = await moveWithoutOverwrite(staging, target.folders.inbound, name);
      o.db.transaction(() => {
        o.ledger.record({ tenantId: o.tenantId, adapterId: request.adapterId, fileId, fileName: basename(finalPath), size, mtimeMs: Date.now(), sha256, state: 'done', blobName: request.blobName, detail: undefined });
        o.outbox.enqueue(o.tenantId, [
          {
            entity: entityNames.ohsEvents(o.tenantId),
            envelope: {
              messageId: `file.downloaded.${request.downloadId}`,
              correlationId: request.downloadId,
              properties: envelopeProperties(o.tenantId, 'file.downloaded', { adapterId: request.adapterId }),
              body: { fileId, adapterId: request.adapterId, fileName: basename(finalPath), size, sha256, blobName: request.blobName, container: request.container, at: new Date().toISOString() },
            },
          },
        ]);
      })();
      o.wake();
      await this.#writeStatus({ downloadId: request.downloadId, status: 'downloaded', adapterId: request.adapterId, fileName: basename(finalPath), size, sha256, at: new Date().toISOString() });
      return finalPath;
    } catch (error) {
      await rm(staging, { force: true });
      throw toHybridError(error, 'transport');
    }
  }
}
