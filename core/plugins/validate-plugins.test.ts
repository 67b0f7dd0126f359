import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFileManifest, exampleRequestManifest } from '../../test/support/example-adapters.js';
import { AdapterRegistry } from './adapter-registry.js';
import { formatProblem } from './plugin-problem.js';
import { validatePlugins } from './validate-plugins.js';
import { pluginsJsonSchema } from './plugins-json-schema.js';

const registry = new AdapterRegistry([exampleRequestManifest, exampleFileManifest]);
const sources = { env: { HEADEND_PASSWORD: 's3cret-from-env' }, baseDir: tmpdir() };

const requestConfig = { endpoint: 'http://127.0.0.1:1/svc', username: 'ohs', password: 'env:HEADEND_PASSWORD' };

describe('validatePlugins', () => {
  it('resolves references, applies defaults and freezes the result', () => {
    const result = validatePlugins({ tenants: { 'acme-power': { adapters: { 'example-request': { config: requestConfig } } } } }, registry, sources);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const adapter = result.plugins.tenants[0]!.adapters[0]!;
    expect(adapter.config).toEqual({ ...requestConfig, password: 's3cret-from-env', retries: 3 });
    expect(adapter.enabled).toBe(true);
    expect(Object.isFrozen(adapter.config)).toBe(true);
    expect(() => ((result.plugins.tenants as unknown[]).length = 0)).toThrow();
  });

  it('reads file: references relative to the plugins.json folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plugins-'));
    await writeFile(join(dir, 'pw.txt'), 'from-a-file\n');
    const result = validatePlugins({ tenants: { acme: { adapters: { 'example-request': { config: { ...requestConfig, password: 'file:pw.txt' } } } } } }, registry, { env: {}, baseDir: dir });
    expect(result.ok && result.plugins.tenants[0]!.adapters[0]!.config.password).toBe('from-a-file');
  });

  it('reports every problem of two tenants in one pass, located by tenant, adapter and field', () => {
    const result = validatePlugins(
      {
        tenants: {
          'north-grid': {
            adapters: {
              'weather-cvs': { config: {} },
              'example-request': { config: { endpoint: 'http://127.0.0.1:1/svc', password: 'hunter2-inline' } },
            },
          },
          'south-water': {
            adapters: {
              'example-request': { config: { ...requestConfig, password: 'env:NOT_SET_ANYWHERE', retries: -1 } },
              'example-files': { config: { suffix: '.txt', sufix: '.csv' } },
            },
          },
        },
      },
      registry,
      sources,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenant north-grid › adapter weather-cvs › .*unknown adapter "weather-cvs"; known adapters: example-files, example-request$/),
        'tenant north-grid › adapter example-request › config.password: is a secret: give a reference (env:NAME or file:PATH), never the value itself',
        expect.stringMatching(/^tenant north-grid › adapter example-request › config\.username: /),
        'tenant south-water › adapter example-request › config.password: environment variable NOT_SET_ANYWHERE is not set',
        expect.stringMatching(/^tenant south-water › adapter example-request › config\.retries: /),
        expect.stringMatching(/^tenant south-water › adapter example-files › config: .*sufix/),
      ]),
    );
    expect(lines).toHaveLength(6);
    expect(lines.join('\n')).not.toContain('hunter2-inline');
  });

  it('reports structural problems and bad tenant ids', () => {
    const result = validatePlugins({ tenants: { 'Bad Tenant': { adapters: {} }, ok1: { adapter: {} } }, extra: true }, registry, sources);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.map(formatProblem).join('\n');
    expect(text).toContain('tenant id must be');
    expect(text).toContain('extra');
    expect(text).toMatch(/tenant ok1 .*adapters/);
  });

  it('does not resolve secrets of disabled adapters but still requires references', () => {
    const result = validatePlugins({ tenants: { acme: { adapters: { 'example-request': { enabled: false, config: { ...requestConfig, password: 'env:NOT_SET_ANYWHERE' } } } } } }, registry, sources);
    expect(result.ok).toBe(true);
  });
});

describe('pluginsJsonSchema', () => {
  it('describes each adapter config and demands references for secret fields', () => {
    const schema = pluginsJsonSchema(registry) as any;
    const adapters = schema.properties.tenants.additionalProperties.properties.adapters.properties;
    expect(Object.keys(adapters)).toEqual(['example-files', 'example-request']);
    const config = adapters['example-request'].properties.config;
    expect(config.properties.password).toMatchObject({ type: 'string', pattern: '^(env|file):.+$' });
    expect(config.properties.retries).toMatchObject({ type: 'integer', default: 3, description: 'Retry count' });
    expect(config.required).toEqual(['endpoint', 'username', 'password']);
    expect(config.additionalProperties).toBe(false);
  });
});
