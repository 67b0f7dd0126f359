import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AdapterRegistry } from '../core/plugins/index.js';
import { exampleFileManifest, exampleRequestManifest } from '../test/support/example-adapters.js';
import { runCli } from './cli.js';

async function run(args: string[], registry?: AdapterRegistry) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, registry);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const repo = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

describe('ohs CLI', () => {
  it('lists the built-in adapters as a table', async () => {
    const { code, out } = await run(['adapters']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^ID\s+DATA SOURCE\s+METHOD\s+STABILITY$/);
    expect(out).toMatch(/weather-csv\s+Weather CSV Files\s+file-transfer/);
  });

  it('accepts the committed plugins.json', async () => {
    const { code, out } = await run(['validate', '--plugins', repo('plugins.json')]);
    expect(code).toBe(0);
    expect(out).toMatch(/is valid: \d+ tenant\(s\)/);
  });

  it('names each problem of a bad plugins.json for the built-in adapters: unknown id, inline secret, missing field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const file = join(dir, 'plugins.json');
    await writeFile(
      file,
      JSON.stringify({
        tenants: {
          'north-grid': { adapters: { 'weather-cvs': { config: {} }, 'owoc-interactive-reads': { config: { endpoint: 'http://127.0.0.1:9/DataService', username: 'ohs', password: 'Summer2024!' } } } },
          'south-water': { adapters: { 'owoc-interactive-reads': { config: { username: 'ohs', password: 'env:OWOC_PASSWORD' } }, 'cmep-files': { config: { timeBase: 'local' } } } },
        },
      }),
    );
    const { code, err } = await run(['validate', '--plugins', file]);
    expect(code).toBe(1);
    expect(err).toMatch(/tenant north-grid › adapter weather-cvs › .*unknown adapter "weather-cvs"; known adapters: .*weather-csv/);
    expect(err).toContain('tenant north-grid › adapter owoc-interactive-reads › config.password: is a secret: give a reference (env:NAME or file:PATH)');
    expect(err).toMatch(/tenant south-water › adapter owoc-interactive-reads › config\.endpoint: /);
    expect(err).toMatch(/tenant south-water › adapter cmep-files › config/);
    expect(err).not.toContain('Summer2024!');
  });

  it('names every problem of a bad plugins.json across tenants and exits non-zero', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const file = join(dir, 'plugins.json');
    await writeFile(
      file,
      JSON.stringify({
        tenants: {
          'north-grid': { adapters: { 'weather-cvs': { config: {} }, 'example-request': { config: { endpoint: 'http://127.0.0.1:9/x', username: 'u', password: 'inline-secret-value' } } } },
          'south-water': { adapters: { 'example-request': { config: { username: 'u', password: 'env:SOME_VAR' } } } },
        },
      }),
    );
    const { code, err } = await run(['validate', '--plugins', file], new AdapterRegistry([exampleRequestManifest, exampleFileManifest]));
    expect(code).toBe(1);
    expect(err).toContain('tenant north-grid › adapter weather-cvs');
    expect(err).toContain('unknown adapter "weather-cvs"; known adapters: example-files, example-request');
    expect(err).toContain('tenant north-grid › adapter example-request › config.password: is a secret');
    expect(err).toMatch(/tenant south-water › adapter example-request › config\.endpoint: /);
    expect(err).not.toContain('inline-secret-value');
  });

  it('reports invalid JSON as a problem, not a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-'));
    await writeFile(join(dir, 'plugins.json'), '{ "tenants": ');
    const { code, err } = await run(['validate', '--plugins', join(dir, 'plugins.json')]);
    expect(code).toBe(1);
    expect(err).toContain('not valid JSON');
  });

  it('check-file prints metadata for a valid file and exits 0', async () => {
    const { code, out } = await run(['check-file', 'weather-csv', repo('adapters/weather/weather-csv/fixtures/valid/dst-fall-back.csv')]);
    expect(code).toBe(0);
    const json = JSON.parse(out.slice(out.indexOf('{')));
    expect(json).toMatchObject({ recordCount: 25, identifiers: ['KEUG'] });
  });

  it('check-file lists every reason with its line and exits non-zero', async () => {
    const { code, err } = await run(['check-file', 'weather-csv', repo('adapters/weather/weather-csv/fixtures/invalid/malformed-rows.csv')]);
    expect(code).toBe(1);
    expect(err).toMatch(/rejected by weather-csv \(\d+ reason\(s\)\)/);
    expect(err).toMatch(/- line 5: /);
  });

  it('check-file explains misuse', async () => {
    expect((await run(['check-file', 'nope', 'x'])).err).toContain('unknown adapter "nope"; known adapters:');
    expect((await run(['check-file', 'weather-csv', '/definitely/not/here.csv'])).err).toContain('cannot read');
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('keeps plugins.schema.json in step with the manifests', async () => {
    const { readFile } = await import('node:fs/promises');
    const { out } = await run(['schema']);
    expect(JSON.parse(await readFile(repo('plugins.schema.json'), 'utf8')), 'plugins.schema.json is stale: run npm run schema').toEqual(JSON.parse(out));
  });
});
