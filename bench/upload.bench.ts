import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeatherCsvAdapter } from '../adapters/weather/weather-csv/index.js';
import { entityNames } from '../contracts/entities.js';
import { createLogger } from '../core/log/index.js';
import type { FileCandidate } from '../core/sdk/index.js';
import { startAzurite, type AzuriteBlob } from '../sandbox/blob/index.js';
import { collectGarbage, fmt, MB, median, timed, withTimeout } from './bench-support.js';
import { BENCH_TENANT, createBenchUploader, PassThroughFileAdapter } from './pass-through-file-adapter.js';
import type { BenchResult } from './report.js';
import type { RssChildInput, RssReport } from './upload-rss-child.js';

const SECTION = 'upload';
const MiB = 1024 * 1024;
const FILE_BYTES = 256 * MiB;
const BIG_FILE_BYTES = 1024 * MiB;
const WEATHER_SAMPLE_BYTES = 16 * MiB;
const AZURITE_WARMUP_BYTES = 64 * MiB;
// FileUploader's defaults (core/mechanisms/files/file-uploader.ts), given to the bare uploadStream as well.
const BLOCK_SIZE_IN_BYTES = 4 * MiB;
const CONCURRENCY = 4;
// Even, so that each arm goes first equally often.
const RUNS = 4;
const RSS_RUNS = 2;
const SAMPLE_EVERY_IN_MS = 50;
const RSS_GOAL_MB = 200;
const PHASE_TIMEOUT_IN_MS = 300_000;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RSS_CHILD = fileURLToPath(new URL('./upload-rss-child.ts', import.meta.url));

/**
 * File Transfer upload: MB/s of `FileUploader.process` (validate by streaming, ledger, hash while streaming to
 * Blob, metadata, archive) for a 256 MiB file against a bare `BlockBlobClient.uploadStream` of the same file to
 * the same Azurite; then peak RSS of each, in a child process of its own, while uploading a 1 GiB file.
 */
export async function uploadBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ihc-bench-upload-'));
  try {
    // --- Throughput: 256 MiB, both arms in this process.
    const file = join(dir, 'readings.csv');
    const size = await writeWeatherCsv(file, FILE_BYTES);
    const sha256 = await sha256Of(file);
    const limitMb = Math.ceil(size / MiB) + 256;

    const arms: Record<Arm, (label: string) => Promise<number>> = {
      ours: (label) =>
        withFreshAzurite(limitMb, file, async (container) => {
          // A fresh OHS uploader too: its own folders and in-memory store.
          const { uploader, folders, db } = await createBenchUploader(container, join(dir, `ohs-${label}`));
          try {
            const watched = join(folders.watch, basename(file));
            // The file arriving in the watch folder is the operator's doing, not the upload's.
            await rename(file, watched);
            collectGarbage();
            let outcome: string | undefined;
            const ms = await timed(async () => void (outcome = await withTimeout(uploader.process(watched), `ours ${label}`, PHASE_TIMEOUT_IN_MS)));
            await rename(join(folders.archive, basename(file)), file);
            if (outcome !== 'uploaded') throw new Error(`ours ${label}: the uploader answered ${outcome}`);
            const blob = await onlyBlob(container);
            const properties = await container.getBlockBlobClient(blob).getProperties();
            if (properties.contentLength !== size || properties.metadata?.sha256 !== sha256) throw new Error(`ours ${label}: blob ${blob} does not match the file (size or sha256)`);
            return ms;
          } finally {
            db.close();
          }
        }),
      raw: (label) =>
        withFreshAzurite(limitMb, file, async (container) => {
          const blob = container.getBlockBlobClient(`raw/${label}/${basename(file)}`);
          collectGarbage();
          const ms = await timed(async () => void (await withTimeout(blob.uploadStream(createReadStream(file), BLOCK_SIZE_IN_BYTES, CONCURRENCY), `raw ${label}`, PHASE_TIMEOUT_IN_MS)));
          if ((await blob.getProperties()).contentLength !== size) throw new Error(`raw ${label}: blob size differs from the file`);
          return ms;
        }),
    };
    const order: Arm[] = ['ours', 'raw'];
    const rates: Record<Arm, number[]> = { ours: [], raw: [] };
    for (const arm of order) await arms[arm](`warm-${arm}`);
    for (let run = 0; run < RUNS; run += 1) {
      // Alternate which arm goes first so drift (GC, page cache) does not favour one side.
      for (const arm of run % 2 === 0 ? order : [...order].reverse()) rates[arm].push(size / MB / ((await arms[arm](`${arm}-${run}`)) / 1000));
    }
    const validation = await validationRates(dir);

    // --- Memory: 1 GiB, each arm alone in a child process.
    const bigFile = join(dir, 'readings-1gib.csv');
    const bigSize = await writeWeatherCsv(bigFile, BIG_FILE_BYTES);
    const reports: Record<Arm, RssReport[]> = { ours: [], raw: [] };
    for (let run = 0; run < RSS_RUNS; run += 1) {
      for (const mode of run % 2 === 0 ? order : [...order].reverse()) {
        const report = await withFreshAzurite(Math.ceil(bigSize / MiB) + 256, bigFile, (container, azurite) =>
          runRssChild({
            mode,
            file: bigFile,
            connectionString: azurite.connectionString,
            container: container.containerName,
            fileRoot: join(dir, `rss-${mode}-${run}`),
            blockSizeInBytes: BLOCK_SIZE_IN_BYTES,
            concurrency: CONCURRENCY,
            sampleEveryInMs: SAMPLE_EVERY_IN_MS,
          }),
        );
        if (report.blobSize !== bigSize) throw new Error(`${mode} RSS run ${run}: blob holds ${report.blobSize} bytes, the file ${bigSize}`);
        reports[mode].push(report);
      }
    }
    const peak = (mode: Arm): number => Math.max(...reports[mode].map((r) => r.peakRss)) / MB;
    const growth = (mode: Arm): number => Math.max(...reports[mode].map((r) => r.peakRss - r.idleRss)) / MB;
    const describeRss = (mode: Arm): string =>
      reports[mode].map((r) => `peak ${(r.peakRss / MB).toFixed(0)} (idle ${(r.idleRss / MB).toFixed(0)}, VmHWM ${r.vmHwm === undefined ? '?' : (r.vmHwm / MB).toFixed(0)}, ${r.samples} samples, ${(bigSize / MB / (r.ms / 1000)).toFixed(0)} MB/s)`).join('; ');
    const oursPeak = peak('ours');

    return [
      {
        section: SECTION,
        name: 'upload 256 MiB file',
        ours: median(rates.ours),
        baseline: median(rates.raw),
        unit: 'MB/s',
        note:
          `${size} bytes (a valid long-format weather CSV, generated to ${tmpdir()} and in the page cache), MB = 10^6 bytes, to Azurite (in memory, child process, started afresh for every upload and warmed with an untimed ${AZURITE_WARMUP_BYTES / MiB} MiB upload: ` +
          `it frees deleted blobs only at its 10-minute GC and slows as they pile up) on loopback. ` +
          `ours: FileUploader.process(path) timed from the call to 'uploaded': a pass-through validator that streams the file once and counts its lines (the weather-csv adapter itself validates at ${validation.weather.toFixed(1)} MB/s ` +
          `against ${validation.passThrough.toFixed(0)} MB/s for the pass-through on a ${WEATHER_SAMPLE_BYTES / MiB} MiB sample of the same format, so with it this file would take ~${(size / MB / validation.weather).toFixed(0)} s, almost all validation), ` +
          `ledger and outbox writes on an in-memory store, uploadStream(${BLOCK_SIZE_IN_BYTES / MiB} MiB blocks, concurrency ${CONCURRENCY}) through a SHA-256 hashing Transform, setMetadata(sha256), the move to archive/. ` +
          `raw: BlockBlobClient.uploadStream(createReadStream(file), ${BLOCK_SIZE_IN_BYTES / MiB} MiB, ${CONCURRENCY}). Each run's blob is checked (size; ours also sha256). ` +
          `Median of ${RUNS} runs alternating which arm goes first, after one warm-up upload per arm, forced GC before each; ${availableParallelism()} cores shared with Azurite. runs ours [${fmt(rates.ours)}] raw [${fmt(rates.raw)}]`,
      },
      {
        section: SECTION,
        name: 'peak RSS uploading 1 GiB',
        ours: oursPeak,
        baseline: peak('raw'),
        unit: 'MB',
        lowerIsBetter: true,
        note:
          `goal < ${RSS_GOAL_MB} MB: ${oursPeak < RSS_GOAL_MB ? 'met' : 'NOT met'} by the uploader in a process of its own; the upload itself adds at most ${growth('ours').toFixed(0)} MB (raw ${growth('raw').toFixed(0)} MB) to what the process held before it, ` +
          `and that idle figure is mostly Node and the tsx loader the OHS also runs under (bin/ohs.js), so a full OHS with its adapters, Service Bus client and management API starts higher. ` +
          `${bigSize} bytes; each upload in a fresh child process (node --import tsx bench/upload-rss-child.ts) against a fresh Azurite, sampling its own process.memoryUsage().rss every ${SAMPLE_EVERY_IN_MS} ms, ` +
          `so the figure is the uploader's alone (not this process's, not Azurite's); the highest of ${RSS_RUNS} runs per arm, alternating. ours: FileUploader.process with the pass-through validator as above; raw: uploadStream as above. ` +
          `Idle = after imports (tsx, storage client; ours also SQLite and the core) and setup, before the upload. MB = 10^6 bytes. ours ${describeRss('ours')}; raw ${describeRss('raw')}`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Arm = 'ours' | 'raw';

/**
 * Run `work` against the tenant container of an Azurite started for it alone, then stop that Azurite. Before
 * `work`, a {@link AZURITE_WARMUP_BYTES} upload (deleted again) warms the fresh Azurite's code paths.
 */
async function withFreshAzurite<T>(extentMemoryLimitMb: number, warmupFile: string, work: (container: ContainerClient, azurite: AzuriteBlob) => Promise<T>): Promise<T> {
  const azurite = await startAzurite({ extentMemoryLimitMb: extentMemoryLimitMb + AZURITE_WARMUP_BYTES / MiB });
  try {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(entityNames.container(BENCH_TENANT));
    await container.createIfNotExists();
    const warmup = container.getBlockBlobClient('warm-up/azurite');
    await warmup.uploadStream(createReadStream(warmupFile, { end: AZURITE_WARMUP_BYTES - 1 }), BLOCK_SIZE_IN_BYTES, CONCURRENCY);
    await warmup.delete();
    return await work(container, azurite);
  } finally {
    await azurite.close();
  }
}

/** MB/s of the weather-csv adapter's validation and of the pass-through validator over the same generated sample. */
async function validationRates(dir: string): Promise<{ weather: number; passThrough: number }> {
  const path = join(dir, 'weather-sample.csv');
  const size = await writeWeatherCsv(path, WEATHER_SAMPLE_BYTES);
  const candidate: FileCandidate = { name: 'weather-sample.csv', path, size, open: () => createReadStream(path) };
  const weather = new WeatherCsvAdapter({});
  await weather.start({ tenantId: BENCH_TENANT, log: createLogger({ level: 'silent' }), signal: new AbortController().signal });
  try {
    collectGarbage();
    let accepted = false;
    const weatherMs = await timed(async () => void (accepted = (await weather.validate(candidate)).accepted));
    if (!accepted) throw new Error('weather-csv rejected the generated sample');
    collectGarbage();
    const passThroughMs = await timed(async () => void (await new PassThroughFileAdapter().validate(candidate)));
    return { weather: size / MB / (weatherMs / 1000), passThrough: size / MB / (passThroughMs / 1000) };
  } finally {
    await weather.stop();
    await rm(path, { force: true });
  }
}

/** Run one upload in a child process and read its report. */
async function runRssChild(input: RssChildInput): Promise<RssReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', RSS_CHILD, JSON.stringify(input)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let code: number | null;
  let signal: NodeJS.Signals | null;
  try {
    [code, signal] = await withTimeout(exited, `${input.mode} RSS child`, PHASE_TIMEOUT_IN_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (code !== 0) throw new Error(`${input.mode} RSS child exited with code ${code} (signal ${signal}): ${stderr.trim()}`);
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as RssReport;
}

/**
 * Write a valid long-format weather CSV of about `bytes` bytes (never more): 200 stations × 4 concepts per
 * hour, hour after hour, so no value repeats and no series has a gap. Returns the size written.
 */
async function writeWeatherCsv(path: string, bytes: number): Promise<number> {
  const concepts = [
    ['DryBulb', 'F'],
    ['DewPoint', 'F'],
    ['WindSpeed', 'mph'],
    ['Precip', 'in'],
  ] as const;
  const out = createWriteStream(path);
  const header = 'StationId,ConceptId,TimestampEnding,Kind,ForecastIssued,Value,Uom,Status,Provider\n';
  out.write(header);
  let size = header.length;
  const first = Date.UTC(2000, 0, 1, 1);
  for (let hour = 0; ; hour += 1) {
    const timestamp = `${new Date(first + hour * 3_600_000).toISOString().slice(0, 19)}Z`;
    let chunk = '';
    for (let station = 0; station < 200; station += 1) {
      for (const [concept, uom] of concepts) chunk += `S${String(station).padStart(4, '0')},${concept},${timestamp},Actual,,${((hour * 7 + station) % 1000) / 10},${uom},Good,ASOS\n`;
    }
    if (size + chunk.length > bytes) break;
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const written = (await stat(path)).size;
  if (written !== size) throw new Error(`wrote ${written} bytes to ${path}, expected ${size}`);
  return size;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** The one blob the OHS arm's run left (under files/). */
async function onlyBlob(container: ContainerClient): Promise<string> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: 'files/' })) names.push(blob.name);
  if (names.length !== 1) throw new Error(`expected one uploaded blob, found ${names.length}`);
  return names[0]!;
}
