import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { HybridError } from '../../sdk/index.js';
import { toHybridError } from '../../sdk/index.js';

/** Names that are never picked up: temporary and partial files, hidden files, editor backups. */
export const TEMPORARY_NAME = /(^\.|^~|\.(tmp|temp|part|partial|crdownload|filepart|swp)$|\.reason\.txt$)/i;

/** Options of {@link FolderWatcher}. */
export interface FolderWatcherOptions {
  folder: string;
  /** Handle one complete file; errors are reported and the file retried later. */
  onFile: (path: string) => Promise<unknown>;
  onError: (error: HybridError, path: string) => void;
  /** How long size and time must stay unchanged before a file counts as complete. Default 1 s. */
  stableForInMs?: number;
  /** How often to retry files whose processing failed. Default 10 s. */
  retryEveryInMs?: number;
  /** Use polling instead of OS events (network shares). */
  usePolling?: boolean;
}

/**
 * Watches one adapter folder (not its subfolders) with chokidar and hands over each file once it is
 * complete: size and time stable, not a temporary name, and openable for writing (a file another
 * process holds locked on Windows is not). Files are processed one at a time, in arrival order;
 * failures are retried on a timer, so a Blob outage delays files without losing any.
 */
export class FolderWatcher {
  readonly #o: FolderWatcherOptions;
  #watcher: FSWatcher | undefined;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #failed = new Set<string>();
  #draining: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: FolderWatcherOptions) {
    this.#o = options;
  }

  /** Start watching; resolves once the initial scan has queued the files already present. */
  async start(): Promise<void> {
    const stable = this.#o.stableForInMs ?? 1_000;
    this.#watcher = watch(this.#o.folder, {
      depth: 0,
      ignoreInitial: false,
      usePolling: this.#o.usePolling ?? false,
      interval: 100,
      awaitWriteFinish: { stabilityThreshold: stable, pollInterval: Math.max(20, Math.min(200, stable / 4)) },
      ignored: (path: string, stats?: { isFile(): boolean }) => (stats?.isFile() ?? false) && TEMPORARY_NAME.test(basename(path)),
    });
    this.#watcher.on('add', (path) => this.#enqueue(path));
    this.#watcher.on('change', (path) => this.#enqueue(path));
    this.#watcher.on('error', (error) => this.#o.onError(toHybridError(error, 'internal'), this.#o.folder));
    await new Promise<void>((resolve) => this.#watcher!.once('ready', () => resolve()));
    this.#retryTimer = setInterval(() => {
      for (const path of this.#failed) this.#enqueue(path);
      this.#failed.clear();
    }, this.#o.retryEveryInMs ?? 10_000);
  }

  /** Stop watching and wait for the file in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#retryTimer);
    await this.#watcher?.close();
    await this.#draining;
  }

  /** Resolve when nothing is queued or in progress (tests). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #enqueue(path: string): void {
    if (this.#stopped || TEMPORARY_NAME.test(basename(path)) || this.#queued.has(path)) return;
    this.#queued.add(path);
    this.#queue.push(path);
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stopped) {
      const path = this.#queue.shift()!;
      this.#queued.delete(path);
      try {
        const access = await writeAccess(path);
        if (access === 'gone') continue;
        if (access === 'locked') {
          this.#failed.add(path);
          continue;
        }
        await this.#o.onFile(path);
      } catch (error) {
        this.#failed.add(path);
        this.#o.onError(toHybridError(error, 'internal'), path);
      }
    }
  }
}

/** A file someone holds open exclusively (Windows share locks) cannot be opened for writing. */
async function writeAccess(path: string): Promise<'ok' | 'locked' | 'gone'> {
  try {
    const handle = await open(path, 'r+');
    await handle.close();
    return 'ok';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'gone';
    return code === 'EBUSY' || code === 'EPERM' || code === 'EACCES' ? 'locked' : 'ok';
  }
}
