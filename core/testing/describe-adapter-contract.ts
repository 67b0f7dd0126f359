import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { AdapterRegistry, createRootContainer, TenantScope } from '../plugins/index.js';
import { fileCandidateFromPath } from '../mechanisms/files/file-candidate.js';
import {
  defineAdapter,
  describeConfigFields,
  HybridError,
  isHybridError,
  matchesFilePattern,
  seedDataSources,
  type AdapterContext,
  type AdapterManifest,
  type DataFeedAdapter,
  type FeedContext,
  type FeedRecord,
  type FileTransferAdapter,
  type RequestResponseAdapter,
} from '../sdk/index.js';
import type { AdapterFixtures } from './adapter-fixtures.js';

type Instance = { start(context: never): Promise<void>; stop(): Promise<void> };

/** Field names that almost always hold credentials; such a field must be declared with `secretField`. */
const SECRET_LOOKING = /(secret|password|passwd|token|apikey|api_key|privatekey|sharedaccesskey|credential)$/i;

/** Which contract cases apply to which method (the Dapr-style applicability table). */
export const contractCases: Readonly<Record<AdapterManifest['method'], readonly string[]>> = {
  'file-transfer': ['manifest', 'config', 'lifecycle', 'patterns match fixtures', 'valid files accepted', 'invalid files rejected', 'hostile files rejected'],
  'data-feed': ['manifest', 'config', 'lifecycle', 'pushes published', 'no acknowledgement before durable publish'],
  'request-response': ['manifest', 'config', 'lifecycle', 'operations answered', 'unknown operation', 'expired deadline'],
};

function context(tenantId: string, signal: AbortSignal): AdapterContext {
  return { tenantId, log: createLogger({ level: 'silent' }), signal };
}

/**
 * The adapter contract suite: every adapter, built-in or an integrator's, must pass it.
 * Call it inside a vitest file with the adapter's manifest and its fixtures.
 */
export function describeAdapterContract(manifest: AdapterManifest, fixtures: AdapterFixtures): void {
  describe(`adapter contract: ${manifest.id} (${manifest.method})`, () => {
    let fileRoot: string;
    let extraConfig: Record<string, unknown> = {};
    let teardown: (() => Promise<void>) | undefined;
    const scopes: TenantScope[] = [];

    beforeAll(async () => {
      fileRoot = await mkdtemp(join(tmpdir(), `contract-${manifest.id}-`));
      if (fixtures.setup) {
        const prepared = await fixtures.setup();
        extraConfig = prepared.config ?? {};
        teardown = prepared.teardown;
      }
    });

    afterAll(async () => {
      for (const scope of scopes) await scope.dispose().catch(() => undefined);
      await teardown?.();
      await rm(fileRoot, { recursive: true, force: true });
    });

    /** Construct the adapter the way an OHS does: through a real tenant scope and tsyringe. */
    function construct(): Instance {
      const config = manifest.configSchema.parse({ ...fixtures.config, ...extraConfig });
      const registry = new AdapterRegistry([manifest]);
      const root = createRootContainer(registry, createLogger({ level: 'silent' }));
      const scope = TenantScope.create(root, { tenantId: 'contract-tenant', displayName: undefined, adapters: [{ adapterId: manifest.id, enabled: true, config }] }, { fileRoot });
      scopes.push(scope);
      return scope.get(manifest.id).instance;
    }

    describe('manifest', () => {
      it('is a valid manifest (defineAdapter accepts it again)', () => {
        expect(() => defineAdapter({ ...manifest })).not.toThrow();
      });
      it('names its data source and method consistently with the seed table', () => {
        const seedMethod = seedDataSources.get(manifest.dataSource);
        if (seedMethod !== undefined) expect(manifest.method).toBe(seedMethod);
        expect(manifest.dataSource.trim().length).toBeGreaterThan(0);
      });
    });

    describe('config schema', () => {
      const fields = describeConfigFields(manifest.configSchema);
      it('documents every field', () => {
        expect(fields.filter((f) => !f.description).map((f) => f.key)).toEqual([]);
      });
      it('marks credential-looking fields as secret', () => {
        expect(fields.filter((f) => SECRET_LOOKING.test(f.key) && !f.secret).map((f) => f.key)).toEqual([]);
      });
      it('accepts the fixture config, and its defaults validate', () => {
        expect(manifest.configSchema.safeParse(fixtures.config).success).toBe(true);
        for (const field of fields.filter((f) => f.hasDefault)) {
          const shape = manifest.configSchema.shape[field.key] as unknown as { safeParse(v: unknown): { success: boolean } };
          expect(shape.safeParse(field.defaultValue).success, `default of ${field.key}`).toBe(true);
        }
      });
      it('rejects unknown fields so typos surface', () => {
        expect(manifest.configSchema.strict().safeParse({ ...fixtures.config, surelyNotAField: 1 }).success).toBe(false);
      });
    });

    describe('lifecycle', () => {
      it('start is idempotent and stop is idempotent', async () => {
        const adapter = construct();
        const abort = new AbortController();
        const ctx = lifecycleContext(abort.signal);
        await Promise.all([adapter.start(ctx as never), adapter.start(ctx as never)]);
        await adapter.start(ctx as never);
        await Promise.all([adapter.stop(), adapter.stop()]);
        await adapter.stop();
        abort.abort();
      });
      it('rejects work after stop with adapter-stopped, and cannot be restarted', async () => {
        const adapter = construct();
        const abort = new AbortController();
        await adapter.start(lifecycleContext(abort.signal) as never);
        await adapter.stop();
        const work = workAfterStop(adapter);
        await expect(work).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-stopped'));
        await expect(adapter.start(lifecycleContext(abort.signal) as never)).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-stopped'));
        abort.abort();
      });
    });

    function lifecycleContext(signal: AbortSignal): AdapterContext | FeedContext {
      const base = context('contract-tenant', signal);
      if (manifest.method !== 'data-feed') return base;
      return { ...base, publish: async (_feed: string, records: readonly FeedRecord[]) => ({ batchId: 'lifecycle', accepted: records.length }) };
    }

    async function workAfterStop(adapter: Instance): Promise<unknown> {
      switch (manifest.method) {
        case 'file-transfer': {
          const path = join(fileRoot, 'after-stop.txt');
          await writeFile(path, 'x\n');
          return (adapter as unknown as FileTransferAdapter).validate(await fileCandidateFromPath(path));
        }
        case 'request-response':
          return (adapter as unknown as RequestResponseAdapter).handle(manifest.operations[0]!.name, {}, { signal: new AbortController().signal, deadline: new Date(Date.now() + 60_000) });
        case 'data-feed': {
          // A stopped feed adapter no longer listens: the head-end's push must fail rather than be acknowledged.
          if (!fixtures.feeds?.length) throw new Error(`data-feed adapter ${manifest.id} has no feed fixtures`);
          const pushed = await fixtures.feeds[0]!.push({ ...fixtures.config, ...extraConfig }, adapter).then(() => true, () => false);
          if (pushed) throw new Error('a push was acknowledged after stop');
          throw new HybridError('adapter-stopped', 'push refused after stop');
        }
      }
    }

    if (manifest.method === 'file-transfer') describeFileCases(manifest, fixtures, construct, () => fileRoot);
    if (manifest.method === 'request-response') describeRequestCases(manifest, fixtures, construct);
    if (manifest.method === 'data-feed') describeFeedCases(manifest, fixtures, construct, () => ({ ...fixtures.config, ...extraConfig }));
  });
}

function describeFileCases(manifest: AdapterManifest, fixtures: AdapterFixtures, construct: () => Instance, root: () => string): void {
  describe('file-transfer', () => {
    let adapter: FileTransferAdapter;
    const abort = new AbortController();
    beforeAll(async () => {
      adapter = construct() as unknown as FileTransferAdapter;
      await adapter.start(context('contract-tenant', abort.signal));
    });
    afterAll(async () => {
      await adapter.stop();
      abort.abort();
    });

    it('has at least one valid and one invalid fixture', () => {
      expect(fixtures.files?.valid.length ?? 0).toBeGreaterThan(0);
      expect(fixtures.files?.invalid.length ?? 0).toBeGreaterThan(0);
    });

    it('declares file patterns that match its valid fixtures (the watcher ignores other names)', () => {
      if (manifest.method !== 'file-transfer') return;
      const names = (fixtures.files?.valid ?? []).map((f) => f.path.split('/').pop()!);
      expect(names.filter((name) => !matchesFilePattern(name, manifest.files.patterns))).toEqual([]);
    });

    for (const fixture of fixtures.files?.valid ?? []) {
      it(`accepts ${fixture.path.split('/').slice(-2).join('/')} with the expected metadata`, async () => {
        const result = await adapter.validate(await fileCandidateFromPath(fixture.path));
        expect(result.accepted ? undefined : result.reasons).toBeUndefined();
        if (!result.accepted) return;
        expect(result.recordCount).toBe(fixture.expect.recordCount);
        if (fixture.expect.identifiers) expect(result.identifiers).toEqual(fixture.expect.identifiers);
        if (fixture.expect.timeRange) expect(result.timeRange).toEqual(fixture.expect.timeRange);
        if (fixture.expect.metadata) expect(result.metadata).toMatchObject(fixture.expect.metadata);
      });
    }

    for (const fixture of fixtures.files?.invalid ?? []) {
      it(`rejects ${fixture.path.split('/').slice(-2).join('/')} with located reasons`, async () => {
        const result = await adapter.validate(await fileCandidateFromPath(fixture.path));
        expect(result.accepted).toBe(false);
        if (result.accepted) return;
        expect(result.reasons.length).toBeGreaterThan(0);
        for (const reason of result.reasons) expect(reason.message.trim().length).toBeGreaterThan(0);
        const lines = new Set(result.reasons.map((r) => r.line));
        for (const line of fixture.expect.lines ?? []) expect(lines.has(line), `a reason names line ${line}`).toBe(true);
        const text = result.reasons.map((r) => r.message.toLowerCase()).join('\n');
        for (const message of fixture.expect.messages ?? []) expect(text).toContain(message.toLowerCase());
      });
    }

    it('rejects an empty file and binary garbage with a reason instead of throwing', async () => {
      for (const [name, bytes] of [
        ['empty.bin', Buffer.alloc(0)],
        ['garbage.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
      ] as const) {
        const path = join(root(), name);
        await writeFile(path, bytes);
        const result = await adapter.validate(await fileCandidateFromPath(path));
        expect(result.accepted, name).toBe(false);
      }
    });
  });
}

function describeRequestCases(manifest: AdapterManifest, fixtures: AdapterFixtures, construct: () => Instance): void {
  if (manifest.method !== 'request-response') return;
  describe('request-response', () => {
    let adapter: RequestResponseAdapter;
    const abort = new AbortController();
    beforeAll(async () => {
      adapter = construct() as unknown as RequestResponseAdapter;
      await adapter.start(context('contract-tenant', abort.signal));
    });
    afterAll(async () => {
      await adapter.stop();
      abort.abort();
    });
    const options = () => ({ signal: new AbortController().signal, deadline: new Date(Date.now() + 30_000) });

    it('has a fixture for every declared operation', () => {
      const covered = new Set((fixtures.requests ?? []).map((r) => r.operation));
      expect(manifest.operations.map((o) => o.name).filter((name) => !covered.has(name))).toEqual([]);
    });
    for (const fixture of fixtures.requests ?? []) {
      it(`answers ${fixture.operation} as expected`, async () => {
        const operation = manifest.operations.find((o) => o.name === fixture.operation)!;
        if ('result' in fixture.expect) {
          const result = await adapter.handle(fixture.operation, fixture.request, options());
          expect(operation.result.safeParse(result).success, 'result matches the declared schema').toBe(true);
          expect(result).toEqual(fixture.expect.result);
        } else {
          const code = fixture.expect.errorCode;
          await expect(adapter.handle(fixture.operation, fixture.request, options())).rejects.toSatisfy((e: unknown) => isHybridError(e) && e.code === code);
        }
      });
    }
    it('rejects an undeclared operation with unknown-operation', async () => {
      await expect(adapter.handle('surely-not-an-operation', {}, options())).rejects.toSatisfy((e: unknown) => isHybridError(e, 'unknown-operation'));
    });
    it('answers timeout when the deadline has already passed', async () => {
      const fixture = fixtures.requests?.find((r) => 'result' in r.expect);
      if (!fixture) throw new Error('no successful request fixture to time out');
      const expired = new AbortController();
      expired.abort(new Error('deadline passed'));
      await expect(adapter.handle(fixture.operation, fixture.request, { signal: expired.signal, deadline: new Date(Date.now() - 1) })).rejects.toSatisfy((e: unknown) =>
        isHybridError(e, 'timeout'),
      );
    });
  });
}

function describeFeedCases(manifest: AdapterManifest, fixtures: AdapterFixtures, construct: () => Instance, config: () => Record<string, unknown>): void {
  if (manifest.method !== 'data-feed') return;
  describe('data-feed', () => {
    it('has a fixture for every declared feed', () => {
      const covered = new Set((fixtures.feeds ?? []).map((f) => f.feed));
      expect(manifest.feeds.map((f) => f.name).filter((name) => !covered.has(name))).toEqual([]);
    });
    for (const fixture of fixtures.feeds ?? []) {
      it(`publishes the records of a ${fixture.feed} push`, async () => {
        const published: Array<{ feed: string; records: readonly FeedRecord[] }> = [];
        const abort = new AbortController();
        const adapter = construct() as unknown as DataFeedAdapter;
        await adapter.start({ ...context('contract-tenant', abort.signal), publish: async (feed, records) => (published.push({ feed, records }), { batchId: String(published.length), accepted: records.length }) });
        try {
          await fixture.push(config(), adapter);
          expect(published.map((p) => p.feed).every((f) => f === fixture.feed)).toBe(true);
          expect(published.flatMap((p) => p.records)).toEqual(fixture.expectRecords);
        } finally {
          await adapter.stop();
          abort.abort();
        }
      });
      it(`does not acknowledge a ${fixture.feed} push when publishing fails`, async () => {
        const abort = new AbortController();
        const adapter = construct() as unknown as DataFeedAdapter;
        let attempts = 0;
        await adapter.start({
          ...context('contract-tenant', abort.signal),
          publish: async () => {
            attempts += 1;
            throw new Error('local store unavailable');
          },
        });
        try {
          await expect(fixture.push(config(), adapter)).rejects.toBeDefined();
          // The push must have reached publish: a push refused for another reason proves nothing here.
          expect(attempts, 'publish was attempted').toBeGreaterThan(0);
        } finally {
          await adapter.stop();
          abort.abort();
        }
      });
    }
  });
}
