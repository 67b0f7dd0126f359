import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopes } from '../../contracts/index.js';
import { captureLogs } from '../testing/capture-logs.js';
import { ClientRegistry } from './client-registry.js';
import { createIdentityServer, type IdentityServer } from './identity-server.js';
import { SigningKeyRing } from './signing-key-ring.js';

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('identity: token endpoint', () => {
  const logs = captureLogs('identity');
  let identity: IdentityServer;
  let url: string;
  let subscriber: { id: string; secret: string };
  let ohs: { id: string; secret: string };

  beforeAll(async () => {
    const registry = await ClientRegistry.open();
    const sub = await registry.add({ tenantId: 'contoso', role: 'subscriber', scopes: [scopes.feeds, scopes.requests] });
    const o = await registry.add({ tenantId: 'contoso', role: 'ohs' });
    subscriber = { id: sub.client.clientId, secret: sub.secret };
    ohs = { id: o.client.clientId, secret: o.secret };
    identity = await createIdentityServer({ registry, logger: logs.logger, rateLimit: { max: 1000, timeWindowInMs: 60_000 } });
    url = await identity.listen();
  });
  afterAll(async () => {
    await identity?.close();
  });

  const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${url}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

  it('issues a one-hour, one-tenant ES256 token with kid for client_secret_basic', async () => {
    const res = await post({ grant_type: 'client_credentials', scope: scopes.feeds }, { authorization: basic(subscriber.id, subscriber.secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: scopes.feeds });
    const header = decodeProtectedHeader(body.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(header.kid).toBe(identity.keys.active.kid);
    const jwks = createRemoteJWKSet(new URL(identity.jwksUri));
    const { payload } = await jwtVerify(body.access_token, jwks, { issuer: url, audience: 'ihc-gateway' });
    expect(payload).toMatchObject({ tenant: 'contoso', client_id: subscriber.id, sub: subscriber.id, role: 'subscriber', scope: scopes.feeds });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('accepts client_secret_post and grants every registered scope when none is asked for', async () => {
    const res = await post({ grant_type: 'client_credentials', client_id: ohs.id, client_secret: ohs.secret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scope: string };
    expect(body.scope.split(' ').sort()).toEqual([scopes.ohs, scopes.sas].sort());
  });

  it.each([
    ['wrong secret', () => ({ authorization: basic(subscriber.id, 'not-the-secret') }), {}],
    ['unknown client', () => ({ authorization: basic('sub-nobody-00000000', subscriber.secret) }), {}],
    ['missing secret', () => ({}), { client_id: 'x' }],
    ['missing id and secret', () => ({}), {}],
  ] as const)('refuses %s with 401 invalid_client and a challenge', async (_name, headers, extra) => {
    const res = await post({ grant_type: 'client_credentials', ...extra }, headers());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="ihc"/);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a missing secret for a known client id (post)', async () => {
    const res = await post({ grant_type: 'client_credentials', client_id: subscriber.id });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a scope the client does not hold with 400 invalid_scope', async () => {
    const res = await post({ grant_type: 'client_credentials', scope: `${scopes.feeds} ${scopes.ohs}` }, { authorization: basic(subscriber.id, subscriber.secret) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses other grant types with unsupported_grant_type and a missing one with invalid_request', async () => {
    const wrong = await post({ grant_type: 'password', username: 'u', password: 'p' }, { authorization: basic(subscriber.id, subscriber.secret) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await post({}, { authorization: basic(subscriber.id, subscriber.secret) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses two authentication methods, repeated parameters and non-form bodies with invalid_request', async () => {
    const both = await post({ grant_type: 'client_credentials', client_secret: subscriber.secret }, { authorization: basic(subscriber.id, subscriber.secret) });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
    const repeated = await fetch(`${url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(subscriber.id, subscriber.secret) },
      body: 'grant_type=client_credentials&scope=a&scope=b',
    });
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });
    const json = await fetch(`${url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: subscriber.id, client_secret: subscriber.secret }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('serves discovery, and a third-party OAuth client (openid-client) gets tokens with both auth methods', async () => {
    const discovered = await fetch(`${url}/.well-known/openid-configuration`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(discovered).toMatchObject({ issuer: url, token_endpoint: `${url}/connect/token`, jwks_uri: identity.jwksUri, grant_types_supported: ['client_credentials'] });

    for (const auth of [oidc.ClientSecretBasic(subscriber.secret), oidc.ClientSecretPost(subscriber.secret)]) {
      const config = await oidc.discovery(new URL(url), subscriber.id, undefined, auth, { execute: [oidc.allowInsecureRequests] });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: scopes.requests });
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.expires_in).toBe(3600);
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(identity.jwksUri)), { issuer: url, audience: 'ihc-gateway' });
      expect(payload.scope).toBe(scopes.requests);
    }
  });

  it('never writes a secret or a token to the log', async () => {
    const res = await post({ grant_type: 'client_credentials' }, { authorization: basic(subscriber.id, subscriber.secret) });
    const { access_token } = (await res.json()) as { access_token: string };
    await post({ grant_type: 'client_credentials', client_id: ohs.id, client_secret: `${ohs.secret}x` });
    const text = logs.text();
    expect(text).toContain('access token issued');
    expect(text).toContain('token request refused');
    for (const secret of [subscriber.secret, ohs.secret, access_token, access_token.split('.')[2]!]) expect(text).not.toContain(secret);
  });
});

describe('identity: brute-force throttling', () => {
  it('answers 429 once a client address exceeds the token endpoint limit', async () => {
    const registry = await ClientRegistry.open();
    const { client } = await registry.add({ tenantId: 'contoso', role: 'ohs' });
    const identity = await createIdentityServer({ registry, logger: captureLogs().logger, rateLimit: { max: 5, timeWindowInMs: 60_000 } });
    const url = await identity.listen();
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 8; i++) {
        last = await fetch(`${url}/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: `guess-${i}` }).toString(),
        });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      expect(last!.headers.get('retry-after')).toBeTruthy();
      expect(await last!.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await identity.close();
    }
  });
});

describe('identity: signing key rotation', () => {
  it('pre-publishes the next key, and old keys verify until their tokens expire, then leave the JWKS', async () => {
    let now = Date.now();
    const keys = await SigningKeyRing.create({ tokenLifetimeInMs: 3_600_000, clockSkewInMs: 60_000, now: () => now });
    const registry = await ClientRegistry.open();
    const { client, secret } = await registry.add({ tenantId: 'contoso', role: 'ohs' });
    const identity = await createIdentityServer({ registry, keys, issuer: 'https://identity.test', logger: captureLogs().logger });
    const token = async (): Promise<string> => {
      const res = await identity.app.inject({
        method: 'POST',
        url: '/connect/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.clientId, secret) },
        payload: 'grant_type=client_credentials',
      });
      return (res.json() as { access_token: string }).access_token;
    };
    try {
      const before = keys.jwks().keys.map((k) => k.kid);
      expect(before).toHaveLength(2);
      const first = await token();
      const firstKid = decodeProtectedHeader(first).kid!;
      const rotated = await keys.rotate();
      expect(before).toContain(rotated.kid); // verifiers caching the old JWKS already knew the new key
      const second = await token();
      expect(decodeProtectedHeader(second).kid).toBe(rotated.kid);
      const verify = (jwt: string) => jwtVerify(jwt, createLocalJWKSet(keys.jwks()), { issuer: 'https://identity.test', audience: 'ihc-gateway', currentDate: new Date(now) });
      await expect(verify(first)).resolves.toBeTruthy();
      await expect(verify(second)).resolves.toBeTruthy();

      now += 3_600_000 + 61_000; // past the old key's last token expiry plus skew
      expect(keys.jwks().keys.map((k) => k.kid)).not.toContain(firstKid);
      expect(keys.jwks().keys.map((k) => k.kid)).toContain(rotated.kid);
    } finally {
      await identity.close();
    }
  });
});
