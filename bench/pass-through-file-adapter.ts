import type { ContainerClient } from '@azure/storage-blob';
import { FILE_NOTIFICATIONS_FEED, FileUploader } from '../core/mechanisms/files/file-uploader.js';
import { ensureFileFolders, fileFolders, type FileFolders } from '../core/mechanisms/files/file-folders.js';
import type { FileCandidate, FileTransferAdapter, FileTransferManifest, FileValidation } from '../core/sdk/index.js';
import { FileLedger, openStore, Outbox, SubscriptionStore, type StoreDatabase } from '../core/store/index.js';

/** Tenant the upload benchmarks upload for. */
export const BENCH_TENANT = 'acme';

/**
 * Accepts every file after streaming it once and counting its lines: what a real adapter's validation costs
 * at the least (one full read), without any format's parsing. The upload benchmark uses it because the
 * weather-csv adapter validates far slower than Blob storage takes the bytes (its note says how much).
 */
export class PassThroughFileAdapter implements FileTransferAdapter {
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async validate(file: FileCandidate): Promise<FileValidation> {
    let lines = 0;
    for await (const chunk of file.open() as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
    }
    return { accepted: true, recordCount: Math.max(0, lines - 1), identifiers: [], metadata: { validator: 'pass-through' } };
  }
}

// Only id and files are read by the uploader; the cast is what core/mechanisms/files/file-transfer.test.ts does too.
const manifest = {
  id: 'bench-files',
  method: 'file-transfer',
  files: { folder: 'bench', patterns: ['*.csv'], direction: 'upload', description: 'benchmark files' },
} as unknown as FileTransferManifest;

/** A FileUploader as a tenant runtime builds one, on an in-memory store with one subscriber of the files feed. */
export async function createBenchUploader(container: ContainerClient, fileRoot: string): Promise<{ uploader: FileUploader; folders: FileFolders; db: StoreDatabase }> {
  const folders = fileFolders(fileRoot, BENCH_TENANT, manifest.files.folder);
  await ensureFileFolders(folders);
  const db = openStore(':memory:');
  const subscriptions = new SubscriptionStore(db);
  subscriptions.upsert(BENCH_TENANT, {
    subscriptionId: 'bench-files-subscription',
    subscriberId: 'analytics',
    adapterId: manifest.id,
    feed: FILE_NOTIFICATIONS_FEED,
    deliveryEntity: `ihc.${BENCH_TENANT}.deliveries.analytics`,
    createdAt: new Date().toISOString(),
  });
  const uploader = new FileUploader({
    tenantId: BENCH_TENANT,
    manifest,
    adapter: new PassThroughFileAdapter(),
    folders,
    container,
    db,
    ledger: new FileLedger(db),
    outbox: new Outbox(db),
    subscriptions,
    wake: () => undefined,
  });
  return { uploader, folders, db };
}
