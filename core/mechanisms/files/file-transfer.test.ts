import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteBlob } from '../../../sandbox/blob/index.js';
import type { FileCandidate, FileTransferAdapter, FileTransferManifest, FileValidation } from '../../sdk/index.js';
import { FileLedger, openStore, Outbox, SubscriptionStore } from '../../store/index.js';
import { ensureFileFolders, fileFolders } from './file-folders.js';
import { FileDownloader } from './file-downloader.js';
import { FILE_NOTIFICATIONS_FEED, FileUploader } from './file-uploader.js';
import { FolderWatcher } from './folder-watcher.js';

/** Accepts files unless they contain "BAD" (then rejects naming the line). */
class LineAdapter implements FileTransferAdapter {
  validations = 0;
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async validate(file: FileCandidate): Promise<FileValidation> {
    this.validations += 1;
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      file.open().on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString())).on('error', reject);
    });
    const lines = text.split('\n');
    const bad = lines.flatMap((line, i) => (line.includes('BAD') ? [{ line: i + 1, message: 'line says BAD' }] : []));
    return bad.length > 0 ? { accepted: false, reasons: bad } : { accepted: true, recordCount: lines.filter(Boolean).length, identifiers: [], metadata: { kind: 'lines' } };
  }
}

const manifest = { id: 'lines', method: 'file-transfer', files: { folder: 'lines', patterns: ['*.txt'], direction: 'both', description: 'lines' } } as unknown as FileTransferManifest;
const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

describe('File Transfer mechanism (Azurite)', () => {
  let azurite: AzuriteBlob;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('ihc-acme');
    await container.createIfNotExists();
  });
  afterAll(async () => azurite?.close());

  async function setup() {
    const root = await mkdtemp(join(tmpdir(), 'files-'));
    const folders = fileFolders(root, 'acme', 'lines');
    await ensureFileFolders(folders);
    const db = openStore(join(root, 'ohs.db'));
    const subscriptions = new SubscriptionStore(db);
    subscriptions.upsert('acme', { subscriptionId: 's1', subscriberId: 'analytics', adapterId: 'lines', feed: FILE_NOTIFICATIONS_FEED, deliveryEntity: 'ihc.acme.deliveries.analytics', createdAt: '2024-01-01T00:00:00Z' });
    const outbox = new Outbox(db);
    const ledger = new FileLedger(db);
    const adapter = new LineAdapter();
    const uploader = new FileUploader({ tenantId: 'acme', manifest, adapter, folders, container, db, ledger, outbox, subscriptions, wake: () => undefined });
    return { root, folders, db, outbox, ledger, adapter, uploader };
  }

  it('uploads a valid file with its hash, announces detected then uploaded, and archives it', async () => {
    const { folders, outbox, uploader } = await setup();
    const content = 'meter-1,1\nmeter-2,2\n';
    const path = join(folders.watch, 'reads.txt');
    await writeFile(path, content);
    expect(await uploader.process(path)).toBe('uploaded');
    const messages = outbox.due('acme', 10).map((m) => m.envelope);
    expect(messages.map((m) => m.properties.kind)).toEqual(['file.detected', 'file.uploaded']);
    const uploaded = messages[1]!.body as { blobName: string; sha256: string; size: number; recordCount: number };
    expect(uploaded).toMatchObject({ sha256: sha(content), size: content.length, recordCount: 2 });
    const blob = await container.getBlockBlobClient(uploaded.blobName).downloadToBuffer();
    expect(blob.toString()).toBe(content);
    expect((await container.getBlockBlobClient(uploaded.blobName).getProperties()).metadata?.sha256).toBe(sha(content));
    expect(await readdir(folders.archive)).toEqual(['reads.txt']);
    await expect(access(path)).rejects.toThrow();
  });

  it('quarantines an invalid file with a reason file and uploads nothing', async () => {
    const { folders, outbox, uploader } = await setup();
    const path = join(folders.watch, 'broken.txt');
    await writeFile(path, 'ok\nBAD row\nok\n');
    expect(await uploader.process(path)).toBe('quarantined');
    expect((await readdir(folders.quarantine)).sort()).toEqual(['broken.txt', 'broken.txt.reason.txt']);
    expect(await readFile(join(folders.quarantine, 'broken.txt.reason.txt'), 'utf8')).toContain('line 2: line says BAD');
    expect(outbox.size('acme')).toBe(0);
  });

  it('resumes an interrupted upload without re-announcing it, and never repeats a finished one', async () => {
    const { folders, db, outbox, ledger, adapter } = await setup();
    const subscriptions = new SubscriptionStore(db);
    const path = join(folders.watch, 'resume.txt');
    await writeFile(path, 'a\nb\n');
    const { copyFile, stat, utimes } = await import('node:fs/promises');
    await utimes(path, new Date('2024-03-15T06:00:00Z'), new Date('2024-03-15T06:00:00Z'));
    // First run: the upload fails (the container is missing), as if Blob storage went away mid-file.
    const missing = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('ihc-missing');
    const failing = new FileUploader({ tenantId: 'acme', manifest, adapter, folders, container: missing, db, ledger, outbox, subscriptions, wake: () => undefined });
    await expect(failing.process(path)).rejects.toThrow();
    expect(ledger.unfinished('acme').map((e) => e.state)).toEqual(['uploading']);
    expect(outbox.due('acme', 10).map((m) => m.envelope.properties.kind)).toEqual(['file.detected']);
    // "Restart": a new uploader on the healthy container picks the file up where it stopped.
    const healthy = new FileUploader({ tenantId: 'acme', manifest, adapter, folders, container, db, ledger, outbox, subscriptions, wake: () => undefined });
    const validations = adapter.validations;
    expect(await healthy.process(path)).toBe('uploaded');
    expect(adapter.validations).toBe(validations);
    expect(outbox.due('acme', 10).map((m) => m.envelope.properties.kind)).toEqual(['file.detected', 'file.uploaded']);
    expect(ledger.unfinished('acme')).toEqual([]);
    // The same version of the file put back into the folder is not uploaded again.
    await writeFile(join(folders.watch, 'copy.txt'), 'unrelated\n');
    const archived = join(folders.archive, 'resume.txt');
    const info = await stat(archived);
    await copyFile(archived, path);
    await utimes(path, info.atime, info.mtime);
    expect(await healthy.process(path)).toBe('skipped');
    expect(outbox.size('acme')).toBe(2);
  });

  it('watches a folder: complete files only, temporary names ignored', async () => {
    const { folders, outbox, uploader } = await setup();
    const seen: string[] = [];
    const watcher = new FolderWatcher({ folder: folders.watch, stableForInMs: 100, onFile: async (p) => (seen.push(p), uploader.process(p)), onError: (e) => { throw e; } });
    await watcher.start();
    await writeFile(join(folders.watch, 'upload.txt.part'), 'partial');
    await writeFile(join(folders.watch, '.hidden.txt'), 'x');
    await writeFile(join(folders.watch, 'done.txt'), 'x\n');
    for (let i = 0; i < 100 && outbox.size('acme') < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
    await watcher.idle();
    await watcher.stop();
    expect(seen.map((p) => p.split('/').pop())).toEqual(['done.txt']);
    expect(outbox.size('acme')).toBe(2);
  });

  it('downloads atomically with a verified hash, sanitized name and no overwrite', async () => {
    const { folders, db, outbox, ledger } = await setup();
    const downloader = new FileDownloader({ tenantId: 'acme', container, db, ledger, outbox, wake: () => undefined, adapter: (id) => (id === 'lines' ? { manifest, folders } : undefined) });
    const content = Buffer.from('tariff table v2\n');
    await container.getBlockBlobClient('downloads/d1/tariffs.txt').uploadData(content);
    const announce = (downloadId: string, extra: object = {}) => ({ downloadId, adapterId: 'lines', container: 'ihc-acme', blobName: 'downloads/d1/tariffs.txt', fileName: 'tariffs.txt', size: content.length, sha256: sha(content), ...extra });
    const first = await downloader.download(announce('d1'));
    expect(await readFile(first!, 'utf8')).toBe('tariff table v2\n');
    expect(await downloader.download(announce('d1'))).toBeUndefined();
    const second = await downloader.download(announce('d2'));
    expect(second!.endsWith('tariffs (1).txt')).toBe(true);
    await expect(downloader.download(announce('d3', { fileName: '../../etc/passwd' }))).rejects.toThrow(/path separators/);
    await expect(downloader.download(announce('d4', { sha256: sha('other') }))).rejects.toThrow(/does not match/);
    await expect(downloader.download(announce('d5', { container: 'ihc-other' }))).rejects.toThrow(/refused/);
    expect((await readdir(folders.inbound)).filter((n) => !n.startsWith('.')).sort()).toEqual(['tariffs (1).txt', 'tariffs.txt']);
    expect(await readdir(folders.staging)).toEqual([]);
  });
});
