import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from './test-support.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

function startCli(args: string[]): { child: ChildProcess; lines: Promise<Map<string, string>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = new Promise<Map<string, string>>((resolve, reject) => {
    const seen = new Map<string, string>();
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const at = line.indexOf(': ');
      if (at > 0) seen.set(line.slice(0, at), line.slice(at + 2));
      if (seen.has('admin')) resolve(seen);
    });
    child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
  });
  return { child, lines };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('sandbox:servicebus CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'servicebus-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is wired as an npm script', async () => {
    const manifest = JSON.parse(await readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['sandbox:servicebus']).toBe('tsx sandbox/servicebus/cli.ts');
  });

  it('prints a working connection string and shuts down cleanly on SIGTERM', async () => {
    const entities = join(dir, 'entities.json');
    await writeFile(entities, JSON.stringify({ queues: [{ name: 'from-file' }] }));
    const { child, lines } = startCli(['--port', '0', '--entities', entities, '--quiet']);
    try {
      const printed = await lines;
      const connectionString = printed.get('connection string')!;
      expect(connectionString).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true$/);
      expect(printed.get('admin')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const client = clientFor(connectionString);
      await client.createSender('from-file').sendMessages({ body: 'via cli' });
      const [message] = await client.createReceiver('from-file', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(message!.body).toBe('via cli');
      await client.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitCode(child)).toBe(0);
  });

  it('fails with a usage message on bad arguments', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', 'seventy'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(stderr).toMatch(/--port must be a port number/);
  });
});
