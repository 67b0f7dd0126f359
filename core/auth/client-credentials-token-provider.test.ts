import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../cloud/identity/client-registry.js';
import { createIdentityServer, type IdentityServer } from '../../cloud/identity/identity-server.js';
import { captureLogs } from '../../cloud/testing/capture-logs.js';
import { scopes } from '../../contracts/index.js';
import { AuthError } from './auth-error.js';
import { ClientCredentialsTokenProvider, type ClientCredentialsTokenProviderOptions } from './client-credentials-token-provider.js';

describe('ClientCredentialsTokenProvider', () => {
  const logs = captureLogs('auth');
  let identity: IdentityServer;
  let client: { id: string; secret: string };
  let calls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };

  beforeAll(async () => {
    const registry = await ClientRegistry.open();
    const { client: c, secret } = await registry.add({ tenantId: 'contoso', role: 'ohs' });
    client = { id: c.clientId, secret };
    identity = await createIdentityServer({ registry, logger: captureLogs().logger, rateLimit: { max: 10_000, timeWindowInMs: 60_000 } });
    await identity.listen();
  });
  afterAll(async () => {
    await identity?.close();
  });

  const provider = (overrides: Partial<ClientCredentialsTokenProviderOptions> = {}) =>
    new ClientCredentialsTokenProvider({
      tokenEndpoint: identity.tokenEndpoint,
      clientId: client.id,
      clientSecret: client.secret,
      fetch: countingFetch,
      logger: logs.logger,
      backoff: { initialDelayInMs: 5, maxDelayInMs: 20 },
      ...overrides,
    });

  it('sends one request however many callers wait, then serves the cache', async () => {
    calls = 0;
    const p = provider({ scopes: [scopes.sas] });
    const tokens = await Promise.all(Array.from({ length: 25 }, () => p.getToken()));
    expect(calls).toBe(1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(tokens[0]!.scopes).toEqual([scopes.sas]);
    await p.getToken();
    expect(calls).toBe(1);
    p.close();
    await expect(p.getToken()).rejects.toMatchObject({ code: 'Closed' });
  });

  it('refreshes ahead of expiry, and keeps serving a still-valid token when that refresh fails', async () => {
    let now = Date.now();
    calls = 0;
    let failing = false;
    const errors: AuthError[] = [];
    const p = provider({
      now: () => now,
      refreshBeforeExpiryInMs: 5 * 60_000,
      maxAttempts: 1,
      onError: (err) => errors.push(err),
      fetch: async (input, init) => {
        calls++;
        return failing ? new Response('{}', { status: 503 }) : fetch(input, init);
      },
    });
    const first = await p.getToken();
    now += 50 * 60_000;
    expect((await p.getToken()).token).toBe(first.token);
    expect(calls).toBe(1);

    now += 6 * 60_000; // 4 minutes left: inside the refresh window
    failing = true;
    expect((await p.getToken()).token).toBe(first.token); // not blocked by the background refresh
    await expect.poll(() => errors.map((e) => e.code)).toEqual(['ServiceUnavailable']);
    expect(calls).toBe(2);

    failing = false;
    now += 60_000; // past the backoff, still before expiry
    expect((await p.getToken()).token).toBe(first.token);
    await expect.poll(async () => (await p.getToken()).expiresOnTimestamp).toBeGreaterThan(first.expiresOnTimestamp);
    expect(calls).toBe(3);
  });

  it('backs off and retries on 503 and 429, honouring Retry-After', async () => {
    let attempt = 0;
    const p = provider({
      fetch: async (input, init) => {
        attempt++;
        if (attempt === 1) return new Response('', { status: 503 });
        if (attempt === 2) return new Response(JSON.stringify({ error: 'temporarily_unavailable' }), { status: 429, headers: { 'retry-after': '0' } });
        return fetch(input, init);
      },
    });
    const token = await p.getToken();
    expect(token.token).toMatch(/^eyJ/);
    expect(attempt).toBe(3);
  });

  it('gives up after maxAttempts with a retryable ServiceUnavailable when the identity service is down', async () => {
    const p = provider({ tokenEndpoint: 'http://127.0.0.1:9/connect/token', maxAttempts: 2 });
    const err = await p.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'ServiceUnavailable', retryable: true });
  });

  it('fails fast with InvalidCredentials for a wrong secret and does not retry in a loop', async () => {
    calls = 0;
    const p = provider({ clientSecret: 'definitely-wrong-secret', credentialErrorCooldownInMs: 60_000 });
    const err = await p.getToken().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AuthError', code: 'InvalidCredentials', retryable: false });
    expect((err as Error).message).toContain(client.id);
    expect((err as Error).message).not.toContain('definitely-wrong-secret');
    expect(calls).toBe(1);
    await expect(p.getToken()).rejects.toMatchObject({ code: 'InvalidCredentials' });
    expect(calls).toBe(1);
  });

  it('reports a refused scope as ScopeRefused, with client_secret_post too', async () => {
    const p = provider({ scopes: [scopes.feeds], authMethod: 'client_secret_post' });
    await expect(p.getToken()).rejects.toMatchObject({ code: 'ScopeRefused', retryable: false });
  });

  it('rejects construction without id or secret', () => {
    expect(() => provider({ clientSecret: '' })).toThrow(AuthError);
    expect(() => provider({ clientId: '' })).toThrow(AuthError);
  });

  it('never logs the secret or a token', async () => {
    const p = provider();
    const { token } = await p.getToken();
    const text = logs.text();
    expect(text).toContain('access token acquired');
    expect(text).toContain('access token request failed');
    expect(text).not.toContain(client.secret);
    expect(text).not.toContain('definitely-wrong-secret');
    expect(text).not.toContain(token.split('.')[1]!);
  });
});
