import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../cloud/identity/client-registry.js';
import { createIdentityServer, type IdentityServer } from '../cloud/identity/identity-server.js';
import { createLogger } from '../core/log/index.js';
import { isHybridError } from '../core/sdk/index.js';
import { runCli } from './cli.js';
import { cloudConnections } from './cloud-connections.js';

describe('OHS cloud connections', () => {
  let identity: IdentityServer;
  let tokenEndpoint: string;
  let clientId: string;

  beforeAll(async () => {
    const registry = await ClientRegistry.open();
    clientId = (await registry.add({ tenantId: 'acme-power', role: 'ohs' })).client.clientId;
    identity = await createIdentityServer({ registry, logger: createLogger({ level: 'silent' }) });
    await identity.listen();
    tokenEndpoint = identity.tokenEndpoint;
  });
  afterAll(async () => identity?.close());

  it('turns a refused client secret into one clear, non-retryable error naming the tenant', async () => {
    const connect = cloudConnections({
      tokenEndpoint,
      gatewayUrl: 'http://127.0.0.1:9',
      clientId,
      clientSecret: 'not-the-secret',
      serviceBus: { host: '127.0.0.1' },
      logger: createLogger({ level: 'silent' }),
    });
    const error = await connect('acme-power').catch((e: unknown) => e);
    expect(isHybridError(error, 'unauthorized')).toBe(true);
    expect((error as Error).message).toMatch(/^tenant acme-power: cannot get Service Bus and Blob access/);
    expect((error as Error).message).not.toContain('not-the-secret');
    expect((error as { retryable: boolean }).retryable).toBe(false);
  });

  it('makes ohs run exit 2 with that message instead of a stack trace', async () => {
    const err: string[] = [];
    const previous = process.env.OHS_CLIENT_SECRET;
    process.env.OHS_CLIENT_SECRET = 'not-the-secret';
    try {
      const code = await runCli(
        ['run', '--token-endpoint', tokenEndpoint, '--gateway', 'http://127.0.0.1:9', '--client-id', clientId, '--service-bus-host', '127.0.0.1', '--plugins', new URL('../plugins.json', import.meta.url).pathname, '--data-dir', `/tmp/ohs-cc-${process.pid}`, '--file-root', `/tmp/ohs-cc-${process.pid}/files`],
        { out: () => undefined, err: (l) => err.push(l) },
      );
      expect(code).toBe(2);
      expect(err.join('\n')).toMatch(/ohs run: tenant demo-utility: cannot get Service Bus and Blob access/);
    } finally {
      if (previous === undefined) delete process.env.OHS_CLIENT_SECRET;
      else process.env.OHS_CLIENT_SECRET = previous;
    }
  });
});
