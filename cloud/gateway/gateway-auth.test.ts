import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopes } from '../../contracts/index.js';
import { startGatewayHarness, type GatewayHarness, type TestClient } from '../testing/gateway-harness.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('gateway: authentication and authorization', () => {
  let h: GatewayHarness;
  let subscriber: TestClient;
  let ohs: TestClient;
  let other: TestClient;

  beforeAll(async () => {
    h = await startGatewayHarness({ apiRateLimit: { max: 1_000, timeWindowInMs: 60_000 } });
    subscriber = await h.addClient('contoso', 'subscriber');
    ohs = await h.addClient('contoso', 'ohs');
    other = await h.addClient('fabrikam', 'subscriber');
  });
  afterAll(async () => {
    await h?.close();
  });

  const path = (tenant: string, rest: string): string => `/api/v1/tenants/${tenant}${rest}`;

  /** A token signed with the identity's real active key but with chosen claims. */
  async function forged(overrides: { iss?: string; aud?: string; expOffsetSec?: number; tenant?: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: subscriber.id, tenant: overrides.tenant ?? 'contoso', role: 'subscriber', scope: scopes.feeds })
      .setProtectedHeader({ alg: 'ES256', kid: h.identity.keys.active.kid, typ: 'at+jwt' })
      .setIssuer(overrides.iss ?? h.identity.issuer)
      .setAudience(overrides.aud ?? h.identity.audience)
      .setSubject(subscriber.id)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now + (overrides.expOffsetSec ?? 3600))
      .setJti('t')
      .sign(h.identity.keys.active.privateKey);
  }

  it('accepts a valid token on the right tenant and scope', async () => {
    const res = await h.api('GET', path('contoso', '/subscriptions'), await h.token(subscriber));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subscriptions: [] });
  });

  it('answers 401 with a Bearer challenge for a missing token', async () => {
    const res = await h.api('GET', path('contoso', '/subscriptions'), undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ihc"');
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('answers 401 invalid_token for a tampered signature, alg none, expiry, wrong issuer, wrong audience, a foreign key, garbage', async () => {
    const good = await h.token(subscriber);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    const tamperedPayload = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), tenant: 'fabrikam' });
    const foreignKey = (await generateKeyPair('ES256')).privateKey;
    const foreign = await new SignJWT({ client_id: subscriber.id, tenant: 'contoso', role: 'subscriber', scope: scopes.feeds })
      .setProtectedHeader({ alg: 'ES256', kid: h.identity.keys.active.kid, typ: 'at+jwt' })
      .setIssuer(h.identity.issuer)
      .setAudience(h.identity.audience)
      .setSubject(subscriber.id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(foreignKey);
    const cases: Record<string, string> = {
      'tampered signature': `${header}.${payload}.${flipped}`,
      'tampered payload': `${header}.${tamperedPayload}.${signature}`,
      'alg none': `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
      expired: await forged({ expOffsetSec: -120 }),
      'wrong issuer': await forged({ iss: 'https://evil.example' }),
      'wrong audience': await forged({ aud: 'someone-else' }),
      'foreign key': foreign,
      garbage: 'not.a.jwt',
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await h.api('GET', path('contoso', '/subscriptions'), token);
      expect(res.status, name).toBe(401);
      expect(res.headers.get('www-authenticate'), name).toMatch(/^Bearer realm="ihc", error="invalid_token"/);
    }
  });

  it("answers 403 for tenant A's token on tenant B's path", async () => {
    const res = await h.api('GET', path('fabrikam', '/subscriptions'), await h.token(subscriber));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    const back = await h.api('GET', path('contoso', '/subscriptions'), await h.token(other));
    expect(back.status).toBe(403);
  });

  it('answers 403 insufficient_scope when the token lacks the route scope', async () => {
    const feedsOnly = await h.token(subscriber, [scopes.feeds]);
    const res = await h.api('POST', path('contoso', '/requests'), feedsOnly, { adapterId: 'owoc-cm', operation: 'interactive-read' });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('answers 403 to a subscriber on an OHS-only route and to an OHS on subscriber routes', async () => {
    const asSubscriber = await h.api('GET', path('contoso', '/ohs/subscriptions'), await h.token(subscriber));
    expect(asSubscriber.status).toBe(403);
    const ohsToken = await h.token(ohs);
    expect((await h.api('GET', path('contoso', '/ohs/subscriptions'), ohsToken)).status).toBe(200);
    expect((await h.api('POST', path('contoso', '/subscriptions'), ohsToken, { adapterId: 'a', feed: 'f' })).status).toBe(403);
  });

  it('answers 400 naming the field for invalid bodies, and 404 for unknown ids', async () => {
    const token = await h.token(subscriber);
    const missing = await h.api('POST', path('contoso', '/subscriptions'), token, { feed: 'readings' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { code: 'invalid_request', message: "body field 'adapterId': is required", field: 'adapterId' } });
    const bad = await h.api('POST', path('contoso', '/requests'), token, { adapterId: 'owoc-cm', operation: 'read', timeoutInMs: 5 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'timeoutInMs' } });
    const json = await fetch(`${h.gatewayUrl}${path('contoso', '/subscriptions')}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{nope' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { code: 'invalid_request', field: 'body' } });
    const wait = await h.api('GET', path('contoso', '/requests/00000000-0000-4000-8000-000000000000?waitInMs=999999'), token);
    expect(wait.status).toBe(400);
    expect(await wait.json()).toMatchObject({ error: { field: 'waitInMs' } });
    expect((await h.api('GET', path('contoso', '/subscriptions/00000000-0000-4000-8000-000000000000'), token)).status).toBe(404);
  });

  it('serves health endpoints without a token', async () => {
    expect((await fetch(`${h.gatewayUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.gatewayUrl}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('never logs tokens or secrets', () => {
    const text = h.logs.text();
    for (const client of [subscriber, ohs, other]) expect(text).not.toContain(client.secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./);
  });
});

describe('gateway: API rate limiting', () => {
  it('answers 429 once a client exceeds the API limit', async () => {
    const h = await startGatewayHarness({ apiRateLimit: { max: 3, timeWindowInMs: 60_000 } });
    try {
      const subscriber = await h.addClient('contoso', 'subscriber');
      const token = await h.token(subscriber);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await h.api('GET', '/api/v1/tenants/contoso/subscriptions', token)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await h.api('GET', '/api/v1/tenants/contoso/subscriptions', undefined);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
      expect((await fetch(`${h.gatewayUrl}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
