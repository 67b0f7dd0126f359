import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { ExampleFileAdapter, exampleFileManifest, ExampleRequestAdapter, exampleRequestManifest } from '../../test/support/example-adapters.js';
import { AdapterRegistry } from './adapter-registry.js';
import { createRootContainer } from './root-container.js';
import { TenantScope } from './tenant-scope.js';
import { isHybridError } from '../sdk/index.js';

const registry = new AdapterRegistry([exampleRequestManifest, exampleFileManifest]);
const config = (username: string) => ({ endpoint: 'http://127.0.0.1:1', username, password: 'x', retries: 1 });

describe('TenantScope', () => {
  it('constructs each tenant adapter through tsyringe with its own config and folder', () => {
    const root = createRootContainer(registry, createLogger({ level: 'silent' }));
    const a = TenantScope.create(root, { tenantId: 'tenant-a', displayName: undefined, adapters: [{ adapterId: 'example-request', enabled: true, config: config('alice') }, { adapterId: 'example-files', enabled: true, config: { suffix: '.txt' } }] }, { fileRoot: '/srv/ohs' });
    const b = TenantScope.create(root, { tenantId: 'tenant-b', displayName: undefined, adapters: [{ adapterId: 'example-request', enabled: true, config: config('bob') }] });
    expect((a.get('example-request').instance as unknown as ExampleRequestAdapter).config.username).toBe('alice');
    expect((b.get('example-request').instance as unknown as ExampleRequestAdapter).config.username).toBe('bob');
    expect((a.get('example-files').instance as unknown as ExampleFileAdapter).folder).toBe('/srv/ohs/tenant-a/example');
    expect(a.get('example-request').instance).not.toBe(b.get('example-request').instance);
  });

  it('skips disabled adapters and names the enabled ones when asked for another', () => {
    const root = createRootContainer(registry, createLogger({ level: 'silent' }));
    const scope = TenantScope.create(root, { tenantId: 'tenant-a', displayName: undefined, adapters: [{ adapterId: 'example-request', enabled: false, config: config('a') }] });
    expect(scope.adapters.size).toBe(0);
    expect(() => scope.get('example-request')).toThrow(/not enabled for tenant tenant-a; enabled: none/);
  });

  it('stops its adapters and disposes registered disposables when disposed', async () => {
    const root = createRootContainer(registry, createLogger({ level: 'silent' }));
    const scope = TenantScope.create(root, { tenantId: 'tenant-a', displayName: undefined, adapters: [{ adapterId: 'example-request', enabled: true, config: config('a') }] });
    let disposed = 0;
    scope.provide('closable', { dispose: () => void (disposed += 1) });
    scope.provide('client', { close: async () => void (disposed += 10) });
    const adapter = scope.get('example-request').instance as unknown as ExampleRequestAdapter;
    await adapter.start({ tenantId: 'tenant-a', log: createLogger({ level: 'silent' }), signal: new AbortController().signal });
    const before = ExampleRequestAdapter.stops;
    await scope.dispose();
    await scope.dispose();
    expect(ExampleRequestAdapter.stops).toBe(before + 1);
    expect(disposed).toBe(11);
    await expect(adapter.handle('ping')).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-stopped'));
  });
});
