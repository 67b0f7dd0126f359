import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../../core/log/index.js';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
/** Key of {@link AZURITE_ACCOUNT_NAME}; published in the Azurite README, usable only against the emulator. */
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Options for {@link startAzurite}. */
export interface AzuriteOptions {
  /** Address to bind; loopback by default. */
  host?: string;
  /** Port to bind; 0 (default) lets the OS choose a free one. */
  port?: number;
  /** How long to wait for Azurite to report that it listens. */
  startTimeoutInMs?: number;
  /** Cap on Azurite's in-memory blob content, in megabytes. */
  extentMemoryLimitMb?: number;
  /** Where Azurite's own output goes (debug level); silent when absent. */
  logger?: Logger;
}

/** A running Azurite blob service. */
export interface AzuriteBlob {
  /** Storage connection string for `BlobServiceClient.fromConnectionString`. */
  connectionString: string;
  /** `http://host:port/devstoreaccount1`. */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** Stop the child process and remove its working folder. */
  close(): Promise<void>;
}

const LISTENING = /successfully listens on (https?:\/\/\S+?):(\d+)/;

/**
 * Runs Azurite's blob entry point inside a process that exits as soon as its stdin closes, i.e. when the process
 * that started it dies, however it dies (a killed test worker, a hook timeout): an orphaned emulator cannot outlive it.
 */
const PARENT_WATCHDOG = [
  "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();",
  // With -e, argv is [node, <main.js>, ...flags], exactly what Azurite's option parser expects.
  'require(process.argv[1]);',
].join(' ');

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
}

/**
 * Start Azurite's blob service as a child process, in memory, on a free loopback port.
 * Port 0 is passed straight to Azurite, which reports the port it bound; no probing race.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteBlob> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  // Azurite may drop files (e.g. debug logs, telemetry state) in its cwd; keep them out of the repository.
  const workdir = await mkdtemp(join(tmpdir(), 'ihc-azurite-'));
  const args = [
    '-e',
    PARENT_WATCHDOG,
    azuriteBlobMain(),
    '--blobHost', host,
    '--blobPort', String(port),
    '--inMemoryPersistence',
    '--extentMemoryLimit', String(options.extentMemoryLimitMb ?? 256),
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  const child = spawn(process.execPath, args, { cwd: workdir, stdio: ['pipe', 'pipe', 'pipe'] });
  let boundPort: number;
  try {
    boundPort = await waitForListening(child, options.startTimeoutInMs ?? 20_000, options.logger);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(workdir, { recursive: true, force: true });
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const blobEndpoint = `http://${urlHost}:${boundPort}/${AZURITE_ACCOUNT_NAME}`;
  let closing: Promise<void> | undefined;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    blobEndpoint,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    close: () => (closing ??= stopChild(child).finally(() => rm(workdir, { recursive: true, force: true }))),
  };
}

function waitForListening(child: ChildProcess, timeoutInMs: number, logger: Logger | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      logger?.debug({ azurite: text.trim() }, 'azurite output');
      output = (output + text).slice(-4000);
      const match = LISTENING.exec(output);
      if (match) {
        finish();
        resolve(Number(match[2]));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      finish();
      reject(new Error(`azurite exited before listening (code ${code}, signal ${signal}): ${output.trim()}`));
    };
    const onError = (err: Error): void => {
      finish();
      reject(err);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`azurite did not report listening within ${timeoutInMs} ms: ${output.trim()}`));
    }, timeoutInMs);
    const finish = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining so a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
