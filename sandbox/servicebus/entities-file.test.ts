import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntitiesFileError, loadEntitiesFile, parseEntities } from './entities-file.js';

describe('entities file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'servicebus-entities-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a valid file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(
      path,
      JSON.stringify({
        accessRules: [{ keyName: 'root', primaryKey: 'k', rights: ['Manage'] }],
        queues: [{ name: 'orders', lockDurationInMs: 30000, requiresSession: true }],
        topics: [{ name: 'events', subscriptions: [{ name: 'audit', rules: [{ name: 'all', filter: true }] }] }],
      }),
    );
    const namespace = await loadEntitiesFile(path);
    expect(namespace.queues?.[0]?.name).toBe('orders');
    expect(namespace.topics?.[0]?.subscriptions?.[0]?.name).toBe('audit');
  });

  it('reports every problem in one pass, with where it is', () => {
    let caught: unknown;
    try {
      parseEntities({
        queues: [{ name: 'a/b' }, { name: 'dup' }, { name: 'DUP', lockDurationInMs: -1 }],
        topics: [{ name: 't', subscriptions: [{ name: 's' }, { name: 'S' }] }],
        unexpected: true,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EntitiesFileError);
    const problems = (caught as EntitiesFileError).problems.join('\n');
    expect(problems).toMatch(/queues\.0\.name/);
    expect(problems).toMatch(/queues\.2\.lockDurationInMs/);
    expect(problems).toMatch(/Unrecognized key: "unexpected"/);
  });

  it('reports duplicate names (case-insensitive, queues and topics share a namespace)', () => {
    expect(() => parseEntities({ queues: [{ name: 'x' }], topics: [{ name: 'X' }] })).toThrow(/duplicate entity name 'X'/);
    expect(() => parseEntities({ topics: [{ name: 't', subscriptions: [{ name: 's' }, { name: 'S' }] }] })).toThrow(/duplicate subscription 'S'/);
  });

  it('reports unreadable and malformed files', async () => {
    await expect(loadEntitiesFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    await expect(loadEntitiesFile(bad)).rejects.toThrow(/not JSON/);
  });
});
