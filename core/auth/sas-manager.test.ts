import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../cloud/testing/capture-logs.js';
import { RecordingBus, startGatewayHarness, type GatewayHarness, type TestClient } from '../../cloud/testing/gateway-harness.js';
import { entityNames, type SasGrant } from '../../contracts/index.js';
import type { AuthError } from './auth-error.js';
import { ClientCredentialsTokenProvider } from './client-credentials-token-provider.js';
import { SasManager, type SasManagerOptions } from './sas-manager.js';

describe('SasManager against the gateway', () => {
  const logs = captureLogs('auth');
  let h: GatewayHarness;
  let ohs: TestClient;
  let subscriber: TestClient;
  let tokens: ClientCredentialsTokenProvider;
  const managers: SasManager[] = [];

  beforeAll(async () => {
    h = await startGatewayHarness({ bus: new RecordingBus() });
    ohs = await h.addClient('contoso', 'ohs');
    subscriber = await h.addClient('contoso', 'subscriber');
    tokens = new ClientCredentialsTokenProvider({ tokenEndpoint: h.identity.tokenEndpoint, clientId: ohs.id, clientSecret: ohs.secret, logger: logs.logger });
  });
  afterEach(() => {
    for (const m of managers.splice(0)) m.close();
  });
  afterAll(async () => {
    tokens?.close();
    await h?.close();
  });

  const manager = (overrides: Partial<SasManagerOptions> = {}): SasManager => {
    const m = new SasManager({ gatewayUrl: h.gatewayUrl, tenantId: 'contoso', tokenSource: tokens, logger: logs.logger, ...overrides });
    managers.push(m);
    return m;
  };

  it("serves per-audience Service Bus tokens from the OHS's grant, including sub-paths, and refuses others", async () => {
    const m = manager();
    const grant = await m.start();
    expect(grant.role).toBe('ohs');
    const inbound = grant.serviceBus.entities.find((e) => e.entity === entityNames.ohsInbound('contoso'))!;
    const endpoint = grant.serviceBus.endpoint;
    expect((await m.serviceBusTokenProvider.getToken(`${endpoint}${inbound.entity}`)).token).toBe(inbound.sharedAccessSignature);
    expect((await m.serviceBusTokenProvider.getToken(`${endpoint}${inbound.entity}/$management`)).token).toBe(inbound.sharedAccessSignature);
    await expect(m.serviceBusTokenProvider.getToken(`${endpoint}${entityNames.ohsInbound('fabrikam')}`)).rejects.toMatchObject({ code: 'EntityNotGranted' });
    expect(() => m.serviceBusCredential(entityNames.ohsInbound('fabrikam'))).toThrow(/does not cover/);
  });

  it('picks up a new subscriber delivery entity by refreshing once', async () => {
    const m = manager();
    await m.start();
    const delivery = entityNames.delivery('contoso', subscriber.id);
    expect(() => m.serviceBusCredential(delivery)).toThrow();
    const created = await h.api('POST', '/api/v1/tenants/contoso/subscriptions', await h.token(subscriber), { adapterId: 'sensoriq', feed: 'high-frequency-reads' });
    expect(created.status).toBe(201);
    const credential = await m.ensureServiceBusCredential(delivery);
    expect(credential.signature).toContain('skn=ihc-send');
  });

  it('rotates on its timer, updates live credentials in place and tells listeners', async () => {
    const m = manager({ rotateEveryInMs: 150 });
    const first = await m.start();
    const credential = m.serviceBusCredential(entityNames.responses('contoso'));
    const initial = credential.signature;
    const rotations: SasGrant[] = [];
    m.onRotate((grant) => {
      rotations.push(grant);
    });
    // Signatures carry a one-second expiry; wait until a rotation lands in a later second.
    await expect.poll(() => credential.signature, { timeout: 5_000, interval: 50 }).not.toBe(initial);
    expect(rotations.length).toBeGreaterThan(0);
    expect(credential.signature).toBe(m.grant.serviceBus.entities.find((e) => e.entity === entityNames.responses('contoso'))!.sharedAccessSignature);
    expect(Date.parse(m.grant.expiresOn)).toBeGreaterThan(Date.parse(first.expiresOn));
  });

  it('keeps one blob client working across rotations (each request signed with the current SAS)', async () => {
    const m = manager({ rotateEveryInMs: 100 });
    await m.start();
    const container = m.containerClient();
    const sasSeen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      sasSeen.add(m.blobSasToken());
      await container.getBlockBlobClient(`rotation/${i}.txt`).upload(`n${i}`, `n${i}`.length);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'rotation/' })) names.push(blob.name);
    expect(names).toHaveLength(12);
    expect(sasSeen.size).toBeGreaterThan(1);
  });

  it('reports background rotation failures to onError, never throws from the timer, and recovers', async () => {
    const errors: AuthError[] = [];
    let down = false;
    const m = manager({
      rotateEveryInMs: 50,
      backoff: { initialDelayInMs: 20, maxDelayInMs: 50 },
      onError: (err) => errors.push(err),
      fetch: async (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    });
    const grant = await m.start();
    down = true;
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(1);
    expect(errors.every((e) => e.code === 'ServiceUnavailable' && e.retryable)).toBe(true);
    expect(m.grant.issuedAt).toBe(grant.issuedAt); // the last good grant stays in use
    down = false;
    await expect.poll(() => m.grant.issuedAt, { timeout: 5_000 }).not.toBe(grant.issuedAt);
  });

  it('fails start() with Forbidden for a tenant the client does not belong to', async () => {
    const m = manager({ tenantId: 'fabrikam' });
    await expect(m.start()).rejects.toMatchObject({ code: 'Forbidden', retryable: false });
  });

  it('never logs SAS signatures, tokens or the secret', () => {
    const text = logs.text();
    expect(text).toContain('sas rotated');
    expect(text).not.toContain(ohs.secret);
    expect(text).not.toMatch(/sig=[A-Za-z0-9%]{10,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./);
  });
});
