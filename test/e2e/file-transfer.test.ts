import { createHash, randomUUID } from 'node:crypto';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures as cmepFixtures } from '../../adapters/cmep/cmep-files/contract-fixtures.js';
import { fixtures as weatherFixtures } from '../../adapters/weather/weather-csv/contract-fixtures.js';
import type { FileDownloadBody, FileNotificationBody } from '../../contracts/envelope.js';
import { fileFolders, type FileFolders } from '../../core/mechanisms/files/file-folders.js';
import { ohsInboundOf, startE2eStack, type E2eStack } from './support/e2e-stack.js';
import { waitFor } from './support/wait-for.js';

// File Transfer end to end: a file dropped into an OHS folder → watcher (stable size) → adapter
// validation → file.detected → block upload to the tenant's Blob container (Azurite) → file.uploaded
// → archive; invalid files → quarantine with a reason file; downloads: gateway POST /files → Blob →
// file.download on Service Bus → OHS → the adapter's inbound folder.

let e2e: E2eStack;
let cmep: FileFolders;
let weather: FileFolders;
const run = randomUUID().slice(0, 8);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const exists = (folder: string, name: string): Promise<boolean> => readdir(folder).then((names) => names.includes(name), () => false);

beforeAll(async () => {
  e2e = await startE2eStack('file-transfer');
  const { fileRoot, folders } = e2e.stack.endpoints.ohs;
  cmep = fileFolders(fileRoot, e2e.stack.endpoints.tenantId, 'cmep');
  weather = fileFolders(fileRoot, e2e.stack.endpoints.tenantId, 'weather');
  expect(cmep.watch).toBe(folders['cmep-files']);
  expect(weather.watch).toBe(folders['weather-csv']);
  await e2e.subscribe('cmep-files', 'files');
  await e2e.subscribe('weather-csv', 'files');
}, 120_000);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

/** Drop a fixture into a watched folder under a fresh name; returns the name and the bytes. */
async function drop(fixturePath: string, folder: string, prefix: string): Promise<{ name: string; bytes: Buffer }> {
  const name = `${prefix}-${run}-${basename(fixturePath, extname(fixturePath))}${extname(fixturePath)}`;
  await copyFile(fixturePath, join(folder, name));
  return { name, bytes: await readFile(fixturePath) };
}

/** Expect a valid file to be announced, uploaded byte for byte, and archived. */
async function expectUploaded(adapterId: string, folders: FileFolders, name: string, bytes: Buffer, expected: { recordCount: number; identifiers?: string[]; timeRange?: unknown; metadata?: Record<string, unknown> }): Promise<void> {
  const uploaded = await e2e.deliveries.waitFor(`file.uploaded for ${name}`, (c) => c.fileNotifications('file.uploaded', name)[0], 30_000);
  const detected = e2e.deliveries.fileNotifications('file.detected', name);
  expect(detected).toHaveLength(1);
  expect(e2e.deliveries.fileNotifications('file.uploaded', name)).toHaveLength(1);
  expect(e2e.deliveries.envelopes.indexOf(detected[0]!), 'file.detected arrives before file.uploaded').toBeLessThan(e2e.deliveries.envelopes.indexOf(uploaded));

  const d: FileNotificationBody = detected[0]!.body;
  expect(detected[0]!.properties).toMatchObject({ kind: 'file.detected', adapterId, tenantId: e2e.stack.endpoints.tenantId });
  expect(d).toMatchObject({ adapterId, fileName: name, size: bytes.length });

  const u: FileNotificationBody = uploaded.body;
  expect(uploaded.properties).toMatchObject({ kind: 'file.uploaded', adapterId, tenantId: e2e.stack.endpoints.tenantId });
  expect(u.fileId).toBe(d.fileId);
  expect(u.adapterId).toBe(adapterId);
  expect(u.size).toBe(bytes.length);
  expect(u.sha256).toBe(sha256(bytes));
  expect(u.container).toBe(e2e.stack.endpoints.blob.container);
  expect(u.blobName).toMatch(new RegExp(`^files/${adapterId}/\\d{4}-\\d{2}-\\d{2}/[0-9a-f]+/${name.replace(/\./g, '\\.')}$`));
  expect(u.recordCount).toBe(expected.recordCount);
  if (expected.identifiers) expect(u.metadata?.identifiers).toEqual(expected.identifiers);
  if (expected.timeRange) expect(u.metadata?.timeRange).toEqual(expected.timeRange);
  if (expected.metadata) expect(u.metadata).toMatchObject(expected.metadata);

  // The blob holds exactly the file's bytes.
  const blob = e2e.container.getBlobClient(u.blobName!);
  const stored = await blob.downloadToBuffer();
  expect(stored.length).toBe(bytes.length);
  expect(sha256(stored)).toBe(sha256(bytes));
  expect(stored.equals(bytes)).toBe(true);
  expect((await blob.getProperties()).metadata?.sha256).toBe(sha256(bytes));

  // Archived locally, no longer in the watched folder.
  await waitFor(async () => (await exists(folders.archive, name)) && !(await exists(folders.watch, name)), { what: `${name} to move to archive/`, timeoutInMs: 10_000 });
  expect((await readFile(join(folders.archive, name))).equals(bytes)).toBe(true);
}

describe('File Transfer through the whole stack', () => {
  it.each(cmepFixtures.files!.valid.map((f) => [basename(f.path), f] as const))('uploads the valid CMEP file %s byte for byte and announces it', async (_name, fixture) => {
    const { name, bytes } = await drop(fixture.path, cmep.watch, 'e2e-valid');
    await expectUploaded('cmep-files', cmep, name, bytes, fixture.expect);
  }, 45_000);

  it('uploads a valid weather CSV the same way (the second file adapter)', async () => {
    const fixture = weatherFixtures.files!.valid[0]!;
    const { name, bytes } = await drop(fixture.path, weather.watch, 'e2e-weather');
    // The sandbox runs weather-csv without the contract suite's column map; long-format files need none.
    await expectUploaded('weather-csv', weather, name, bytes, fixture.expect);
  }, 45_000);

  it('quarantines every invalid CMEP file with a reason file naming the line, and announces none of them', async () => {
    const dropped = [];
    for (const fixture of cmepFixtures.files!.invalid) dropped.push({ fixture, ...(await drop(fixture.path, cmep.watch, 'e2e-invalid')) });

    for (const { fixture, name, bytes } of dropped) {
      await waitFor(async () => (await exists(cmep.quarantine, `${name}.reason.txt`)) && !(await exists(cmep.watch, name)), { what: `${name} to be quarantined`, timeoutInMs: 30_000 });
      expect((await readFile(join(cmep.quarantine, name))).equals(bytes), `${name} is quarantined unchanged`).toBe(true);
      const reason = await readFile(join(cmep.quarantine, `${name}.reason.txt`), 'utf8');
      expect(reason).toContain(`${name} was rejected by adapter cmep-files`);
      for (const line of fixture.expect.lines ?? []) expect(reason, `${name}: reason names line ${line}`).toMatch(new RegExp(`^- line ${line}: `, 'm'));
      for (const message of fixture.expect.messages ?? []) expect(reason.toLowerCase(), `${name}: reason says "${message}"`).toContain(message.toLowerCase());
      expect(await exists(cmep.archive, name)).toBe(false);
    }

    // A valid marker dropped afterwards: files are processed in order and notifications drain in
    // commit order, so once its file.uploaded has arrived, any notification of the invalid ones would have too.
    const marker = await drop(cmepFixtures.files!.valid[0]!.path, cmep.watch, 'e2e-marker');
    await e2e.deliveries.waitFor(`file.uploaded for ${marker.name}`, (c) => c.fileNotifications('file.uploaded', marker.name)[0], 30_000);
    for (const { name } of dropped) {
      expect(e2e.deliveries.fileNotifications('file.detected', name), `no file.detected for ${name}`).toEqual([]);
      expect(e2e.deliveries.fileNotifications('file.uploaded', name), `no file.uploaded for ${name}`).toEqual([]);
    }
    const blobs = [];
    for await (const blob of e2e.container.listBlobsFlat({ prefix: 'files/cmep-files/' })) blobs.push(blob.name);
    for (const { name } of dropped) expect(blobs.filter((b) => b.endsWith(`/${name}`)), `no blob for ${name}`).toEqual([]);
  }, 60_000);

  it('lands a file sent through the gateway (POST /files) in the adapter inbound folder with the same bytes', async () => {
    const name = `e2e-download-${run}.cmep`;
    const bytes = Buffer.concat([Buffer.from(`MEPMD01,19970819,EXAMPLEUTIL,ACCT00042,HCSIM,,202403150605,MTR-${run},OK,E,KWH,1.0,00000100,1,202403150100,,1.5\r\n`), Buffer.from([0, 255, 13, 10])]);
    const answer = await e2e.service.sendFile('cmep-files', name, bytes);
    expect(answer.status).toBe(202);
    const announced = answer.body as FileDownloadBody;
    expect(announced).toMatchObject({ adapterId: 'cmep-files', fileName: name, size: bytes.length, sha256: sha256(bytes), container: e2e.stack.endpoints.blob.container });

    const outcome = await waitFor(
      async () => {
        if (await exists(cmep.inbound, name)) return { landed: true as const };
        const dead = (await e2e.deadLetters(ohsInboundOf(e2e))).find((m) => m.messageId === announced.downloadId);
        return dead && { landed: false as const, reason: `${dead.deadLetterReason}: ${dead.deadLetterErrorDescription}` };
      },
      { what: `${name} in cmep/inbound/`, timeoutInMs: 20_000 },
    );
    expect(outcome, 'the OHS dead-lettered the download').toEqual({ landed: true });
    expect((await readFile(join(cmep.inbound, name))).equals(bytes)).toBe(true);
    expect(await readdir(cmep.staging)).toEqual([]);
    // The sender can see the outcome through the gateway.
    const status = await waitFor(
      async () => {
        const answer = await e2e.service.api<{ status: string }>('GET', `/files/${announced.downloadId}`);
        return answer.body.status !== 'pending' && answer.body;
      },
      { what: `status of download ${announced.downloadId}`, timeoutInMs: 20_000 },
    );
    expect(status).toMatchObject({ status: 'downloaded', adapterId: 'cmep-files', fileName: name, size: bytes.length, sha256: sha256(bytes) });
  }, 45_000);

  it('reports a download the OHS cannot take (upload-only adapter) as failed with a typed error, instead of 202 and silence', async () => {
    const answer = await e2e.service.sendFile('weather-csv', `e2e-refused-${run}.csv`, Buffer.from('StationId\n'));
    expect(answer.status).toBe(202);
    const { downloadId } = answer.body as FileDownloadBody;
    const status = await waitFor(
      async () => {
        const polled = await e2e.service.api<{ status: string }>('GET', `/files/${downloadId}`);
        return polled.body.status !== 'pending' && polled.body;
      },
      { what: `status of download ${downloadId}`, timeoutInMs: 20_000 },
    );
    expect(status).toMatchObject({ status: 'failed', adapterId: 'weather-csv', error: { code: 'invalid-input', retryable: false } });
    expect((await e2e.service.api('GET', '/files/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  }, 45_000);
});
