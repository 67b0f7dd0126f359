/**
 * Child process of the upload benchmark's memory phase: uploads one file, either through the OHS's
 * FileUploader or with the bare `uploadStream`, sampling its own resident set size every 50 ms, and prints
 * one JSON line ({@link RssReport}). Run by bench/upload.bench.ts, not by hand; not a benchmark section.
 */
import 'reflect-metadata';
import { BlobServiceClient } from '@azure/storage-blob';
import { createReadStream } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createBenchUploader } from './pass-through-file-adapter.js';

/** What the parent passes as the one argument (JSON). */
export interface RssChildInput {
  mode: 'ours' | 'raw';
  file: string;
  connectionString: string;
  container: string;
  /** Where the OHS arm keeps its file folders. */
  fileRoot: string;
  blockSizeInBytes: number;
  concurrency: number;
  sampleEveryInMs: number;
}

/** What the child prints. Sizes in bytes. */
export interface RssReport {
  /** RSS after imports and setup, before the upload started. */
  idleRss: number;
  /** Highest sampled RSS during the upload. */
  peakRss: number;
  /** The kernel's high-water mark of the whole process lifetime (VmHWM), as a cross-check. */
  vmHwm: number | undefined;
  samples: number;
  ms: number;
  /** Size of the uploaded blob. */
  blobSize: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as RssChildInput;
const container = BlobServiceClient.fromConnectionString(input.connectionString).getContainerClient(input.container);
const name = basename(input.file);
let upload: () => Promise<string>;
if (input.mode === 'ours') {
  const { uploader, folders } = await createBenchUploader(container, input.fileRoot);
  upload = async () => {
    const watched = join(folders.watch, name);
    await rename(input.file, watched);
    const outcome = await uploader.process(watched);
    // Archived by the uploader; put it back for the next run.
    await rename(join(folders.archive, name), input.file);
    if (outcome !== 'uploaded') throw new Error(`the uploader answered ${outcome}`);
    for await (const blob of container.listBlobsFlat({ prefix: 'files/' })) if (blob.name.endsWith(`/${name}`)) return blob.name;
    throw new Error('the uploader left no blob');
  };
} else {
  upload = async () => {
    const blobName = `raw/${name}`;
    await container.getBlockBlobClient(blobName).uploadStream(createReadStream(input.file), input.blockSizeInBytes, input.concurrency);
    return blobName;
  };
}

await new Promise((resolve) => setTimeout(resolve, 200));
const idleRss = process.memoryUsage().rss;
let peakRss = idleRss;
let samples = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  samples += 1;
};
const sampler = setInterval(sample, input.sampleEveryInMs);
const start = performance.now();
const blobName = await upload();
const ms = performance.now() - start;
clearInterval(sampler);
sample();
const blobSize = (await container.getBlockBlobClient(blobName).getProperties()).contentLength ?? 0;
const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
const report: RssReport = { idleRss, peakRss, vmHwm: hwm ? Number(hwm[1]) * 1024 : undefined, samples, ms, blobSize };
process.stdout.write(`${JSON.stringify(report)}\n`);
