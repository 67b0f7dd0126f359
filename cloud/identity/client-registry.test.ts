import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scopes } from '../../contracts/index.js';
import { runCli } from '../cli/run-cli.js';
import { ClientRegistry, ClientRegistryError } from './client-registry.js';

describe('client registry and `ihc clients add`', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ihc-registry-'));
    file = join(dir, 'clients.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores only a salted scrypt hash, owner-readable, and authenticates with the secret', async () => {
    const registry = await ClientRegistry.open(file);
    const { client, secret } = await registry.add({ tenantId: 'contoso', role: 'subscriber' });
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain(secret);
    expect(raw).toMatch(/"secretHash": "scrypt\$16384\$8\$1\$/);
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(client.scopes).toEqual([scopes.feeds, scopes.requests, scopes.files, scopes.sas]);
    expect(await registry.authenticate(client.clientId, secret)).toMatchObject({ clientId: client.clientId, tenantId: 'contoso' });
    expect(await registry.authenticate(client.clientId, `${secret}x`)).toBeUndefined();
    expect(await registry.authenticate('sub-unknown', secret)).toBeUndefined();

    // Two registrations of the same secret value would still differ: the salt is random.
    const other = await ClientRegistry.open(file);
    expect((await other.find(client.clientId))?.secretHash).toBe(client.secretHash);
  });

  it('refuses scopes outside the role, bad tenants and duplicate ids, naming the field', async () => {
    const registry = await ClientRegistry.open(file);
    await expect(registry.add({ tenantId: 'contoso', role: 'subscriber', scopes: [scopes.ohs] })).rejects.toMatchObject({ field: 'scopes' });
    await expect(registry.add({ tenantId: 'Bad Tenant', role: 'ohs' })).rejects.toBeInstanceOf(ClientRegistryError);
    await registry.add({ tenantId: 'contoso', role: 'ohs', clientId: 'ohs-one' });
    await expect(registry.add({ tenantId: 'contoso', role: 'ohs', clientId: 'ohs-one' })).rejects.toMatchObject({ field: 'clientId' });
  });

  it('picks up clients added by another process (the CLI) without a restart', async () => {
    const server = await ClientRegistry.open(file);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['clients', 'add', '--tenant', 'contoso', '--role', 'ohs', '--registry', file, '--json'], (t) => out.push(t), (t) => err.push(t));
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const printed = JSON.parse(out.join('')) as { clientId: string; clientSecret: string; scopes: string[] };
    expect(printed.scopes.sort()).toEqual([scopes.ohs, scopes.sas].sort());
    expect(await readFile(file, 'utf8')).not.toContain(printed.clientSecret);
    expect(await server.authenticate(printed.clientId, printed.clientSecret)).toBeDefined();

    const listed: string[] = [];
    expect(await runCli(['clients', 'list', '--registry', file], (t) => listed.push(t), () => undefined)).toBe(0);
    expect(listed.join('')).toContain(printed.clientId);
    expect(listed.join('')).not.toContain('scrypt$');
  });

  it('prints the secret once in text mode and rejects bad arguments with usage', async () => {
    const out: string[] = [];
    expect(await runCli(['clients', 'add', '--tenant', 'contoso', '--role', 'subscriber', '--scopes', 'ihc.feeds ihc.sas', '--registry', file], (t) => out.push(t), () => undefined)).toBe(0);
    expect(out.join('')).toMatch(/client secret: \S{40,}/);
    expect(out.join('')).toContain('not shown again');
    const err: string[] = [];
    expect(await runCli(['clients', 'add', '--tenant', 'contoso', '--role', 'admin', '--registry', file], () => undefined, (t) => err.push(t))).toBe(2);
    expect(err.join('')).toContain('--role must be one of');
    expect(await runCli(['clients', 'add', '--role', 'ohs', '--registry', file], () => undefined, () => undefined)).toBe(2);
    expect(await runCli(['clients', 'add', '--tenant', 'contoso', '--role', 'subscriber', '--scopes', 'ihc.ohs', '--registry', file], () => undefined, () => undefined)).toBe(2);
  });
});
