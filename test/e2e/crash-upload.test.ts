import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures as cmepFixtures } from '../../adapters/cmep/cmep-files/contract-fixtures.js';
import type { FileNotificationBody } from '../../contracts/envelope.js';
import { fileFolders, type FileFolders } from '../../core/mechanisms/files/file-folders.js';
import { startE2eStack, type E2eStack } from './support/e2e-stack.js';
import { writeLargeCmepFile, type LargeCmepFile } from './support/large-cmep-file.js';
import { waitFor } from './support/wait-for.js';

// Crash safety of File Transfer: the OHS is SIGKILLed while it uploads a 64 MiB CMEP file (after
// file.detected, before file.uploaded). After a restart the upload is redone to the same blob, the
// subscriber gets exactly one file.uploaded, and the blob holds exactly the file's bytes.

const adapterId = 'cmep-files';
const MiB = 1024 * 1024;

let e2e: E2eStack;
let cmep: FileFolders;

beforeAll(async () => {
  e2e = await startE2eStack('crash-upload');
  cmep = fileFolders(e2e.stack.endpoints.ohs.fileRoot, e2e.stack.endpoints.tenantId, 'cmep');
  await e2e.subscribe(adapterId, 'files');
}, 120_000);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

async function blobSha256(blobName: string): Promise<{ sha256: string; size: number }> {
  const download = await e2e.container.getBlobClient(blobName).download();
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of download.readableStreamBody!) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

describe('crash safety of File Transfer', () => {
  it('finishes an upload cut by a SIGKILL exactly once after the restart, with the same bytes', async ({ annotate }) => {
    const name = 'crash-big.cmep';
    // Written beside the stack, then renamed into the watched folder: the file appears complete.
    const source = join(e2e.dir, 'generated');
    await mkdir(source, { recursive: true });
    const file: LargeCmepFile = await writeLargeCmepFile(join(source, name), 64 * MiB);
    await rename(join(source, name), join(cmep.watch, name));

    const detected = await e2e.deliveries.waitFor(`file.detected for ${name}`, (c) => c.fileNotifications('file.detected', name)[0], 120_000);
    await e2e.stack.ohs().kill();
    // The crash came mid-upload: nothing announced as uploaded, no blob committed yet.
    expect(e2e.deliveries.fileNotifications('file.uploaded', name)).toEqual([]);
    const committed: string[] = [];
    for await (const blob of e2e.container.listBlobsFlat({ prefix: `files/${adapterId}/` })) if (blob.name.endsWith(`/${name}`)) committed.push(blob.name);
    expect(committed, 'the upload must not have finished before the kill').toEqual([]);
    expect((await stat(join(cmep.watch, name))).size).toBe(file.size);
    await annotate(`killed after file.detected of ${name} (${file.size} bytes, ${file.records} records), before any blob was committed`);

    await e2e.stack.restartOhs();
    const uploaded = await e2e.deliveries.waitFor(`file.uploaded for ${name}`, (c) => c.fileNotifications('file.uploaded', name)[0], 150_000);
    const u: FileNotificationBody = uploaded.body;
    expect(u.fileId).toBe(detected.body.fileId);
    expect(u.size).toBe(file.size);
    expect(u.sha256).toBe(file.sha256);
    expect(u.recordCount).toBe(file.records);
    expect(u.metadata?.identifiers).toEqual(file.meters);
    expect(u.metadata?.timeRange).toEqual(file.timeRange);
    expect(await blobSha256(u.blobName!)).toEqual({ sha256: file.sha256, size: file.size });

    // Archived once the upload finished; the same bytes as generated.
    await waitFor(async () => (await readdir(cmep.archive)).includes(name) && !(await readdir(cmep.watch)).includes(name), { what: `${name} in archive/`, timeoutInMs: 20_000 });
    expect((await stat(join(cmep.archive, name))).size).toBe(file.size);

    // Not uploaded twice: a file dropped after it is uploaded too (the watcher and the outbox moved
    // on), and still there is one file.uploaded and one blob for the big file.
    const marker = 'crash-marker.cmep';
    await copyFile(cmepFixtures.files!.valid[0]!.path, join(cmep.watch, marker));
    await e2e.deliveries.waitFor(`file.uploaded for ${marker}`, (c) => c.fileNotifications('file.uploaded', marker)[0], 30_000);
    expect(e2e.deliveries.fileNotifications('file.uploaded', name)).toHaveLength(1);
    // file.detected may have been redelivered (the kill came right after it was sent), never re-announced.
    expect(new Set(e2e.deliveries.fileNotifications('file.detected', name).map((e) => e.messageId)).size).toBe(1);
    const blobs: string[] = [];
    for await (const blob of e2e.container.listBlobsFlat({ prefix: `files/${adapterId}/` })) if (blob.name.endsWith(`/${name}`)) blobs.push(blob.name);
    expect(blobs).toEqual([u.blobName]);
    expect(e2e.deliveries.violations).toEqual([]);
  }, 240_000);
});
