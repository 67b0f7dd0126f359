import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Options of {@link startOhsProcess}. */
export interface OhsProcessOptions {
  /** Arguments after `ohs run`. */
  args: string[];
  /** Extra environment (secrets by reference, CA file). */
  env: Record<string, string>;
  /** Where the OHS's JSON log lines go. */
  logFile: string;
  /**
   * `source` (default) runs bin/ohs.js, which compiles the TypeScript on the fly with tsx, so tests always
   * run the current sources; `dist` runs the build from `npm run build` (about 50 MB less memory).
   */
  entry?: 'source' | 'dist';
  startTimeoutInMs?: number;
}

/** An OHS running as its own process, as it would as a Windows service or systemd unit. */
export interface OhsProcess {
  managementUrl: string;
  child: ChildProcess;
  /** SIGTERM and wait for a clean exit (SIGKILL after the grace period). */
  stop(graceInMs?: number): Promise<number | null>;
  /** SIGKILL at once: the crash the durability guarantees are about. */
  kill(): Promise<void>;
}

const entries = {
  source: fileURLToPath(new URL('../bin/ohs.js', import.meta.url)),
  dist: fileURLToPath(new URL('../dist/ohs/main-cli.js', import.meta.url)),
};

/** Start `ohs run` as a child process; resolves once it reports its management URL. */
export async function startOhsProcess(options: OhsProcessOptions): Promise<OhsProcess> {
  const child = spawn(process.execPath, [entries[options.entry ?? 'source'], 'run', ...options.args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const managementUrl = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the OHS did not start within ${options.startTimeoutInMs ?? 60_000} ms; see ${options.logFile}`)), options.startTimeoutInMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString();
      const match = /ohs running: management (\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the OHS exited with code ${code} while starting; see ${options.logFile}`));
    });
  });
  return {
    managementUrl,
    child,
    stop: async (graceInMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceInMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
