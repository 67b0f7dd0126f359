import { createHash } from 'node:crypto';
import { ContainerClient, RestError } from '@azure/storage-blob';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entityNames, envelopePropertiesSchema, fileDownloadBodySchema, requestBodySchema, sasGrantSchema, subscriptionBodySchema, type SasGrant } from '../../contracts/index.js';
import { RecordingBus, startGatewayHarness, type GatewayHarness, type TestClient } from '../testing/gateway-harness.js';

describe('gateway routes (recording bus, Azurite state)', () => {
  const bus = new RecordingBus();
  let h: GatewayHarness;
  let subscriber: TestClient;
  let second: TestClient;
  let ohs: TestClient;
  let fabrikamSubscriber: TestClient;
  let token: string;

  beforeAll(async () => {
    h = await startGatewayHarness({ bus, limits: { responseGraceInMs: 0 } });
    subscriber = await h.addClient('contoso', 'subscriber');
    second = await h.addClient('contoso', 'subscriber');
    ohs = await h.addClient('contoso', 'ohs');
    fabrikamSubscriber = await h.addClient('fabrikam', 'subscriber');
    token = await h.token(subscriber);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    bus.sent.length = 0;
    bus.failSends = false;
  });

  const base = '/api/v1/tenants/contoso';

  it('subscribes: stores the subscription in Blob, relays subscription.upsert to the OHS inbound entity, lists and deletes', async () => {
    const created = await h.api('POST', `${base}/subscriptions`, token, { adapterId: 'owoc-cm-readings', feed: 'interrogation-readings' });
    expect(created.status).toBe(201);
    const subscription = subscriptionBodySchema.parse(await created.json());
    expect(subscription).toMatchObject({ subscriberId: subscriber.id, deliveryEntity: entityNames.delivery('contoso', subscriber.id) });

    expect(bus.sent).toHaveLength(1);
    const [message] = bus.sent;
    expect(message!.entity).toBe(entityNames.ohsInbound('contoso'));
    expect(envelopePropertiesSchema.parse(message!.envelope.properties)).toMatchObject({ tenantId: 'contoso', kind: 'subscription.upsert', adapterId: 'owoc-cm-readings', feed: 'interrogation-readings' });
    expect(message!.envelope.body).toEqual(subscription);

    const blobName = `subscriptions/${subscriber.id}/${subscription.subscriptionId}.json`;
    expect(await h.blobService.getContainerClient('ihc-contoso').getBlobClient(blobName).exists()).toBe(true);

    // Same feed again: the existing subscription, re-relayed (idempotent upsert).
    const again = await h.api('POST', `${base}/subscriptions`, token, { adapterId: 'owoc-cm-readings', feed: 'interrogation-readings' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { subscriptionId: string }).subscriptionId).toBe(subscription.subscriptionId);

    // Another subscriber sees none of it; the OHS sees all of it.
    expect(await (await h.api('GET', `${base}/subscriptions`, await h.token(second))).json()).toEqual({ subscriptions: [] });
    expect((await h.api('GET', `${base}/subscriptions/${subscription.subscriptionId}`, await h.token(second))).status).toBe(404);
    const all = (await (await h.api('GET', `${base}/ohs/subscriptions`, await h.token(ohs))).json()) as { subscriptions: unknown[] };
    expect(all.subscriptions).toHaveLength(1);

    expect(((await (await h.api('GET', `${base}/subscriptions`, token)).json()) as { subscriptions: unknown[] }).subscriptions).toHaveLength(1);
    bus.sent.length = 0;
    expect((await h.api('DELETE', `${base}/subscriptions/${subscription.subscriptionId}`, token)).status).toBe(204);
    expect(bus.sent[0]!.envelope.properties.kind).toBe('subscription.delete');
    expect(bus.sent[0]!.envelope.body).toEqual({ subscriptionId: subscription.subscriptionId, subscriberId: subscriber.id });
    expect((await h.api('GET', `${base}/subscriptions/${subscription.subscriptionId}`, token)).status).toBe(404);
  });

  it('answers 503 and keeps no subscription when the relay fails', async () => {
    bus.failSends = true;
    const res = await h.api('POST', `${base}/subscriptions`, token, { adapterId: 'owoc-cm-readings', feed: 'exceptions' });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({ error: { code: 'upstream_unavailable' } });
    expect(JSON.stringify(body)).not.toContain('broker unavailable');
    bus.failSends = false;
    expect(((await (await h.api('GET', `${base}/subscriptions`, token)).json()) as { subscriptions: unknown[] }).subscriptions).toHaveLength(0);
  });

  it('relays a request with deadline and idempotency key, answers 202, and completes once the response arrives', async () => {
    const res = await h.api('POST', `${base}/requests`, token, { adapterId: 'owoc-cm', operation: 'interactive-read', payload: { meterId: 'M1' }, timeoutInMs: 30_000 }, { 'idempotency-key': 'k-1' });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { requestId: string; status: string; deadline: string };
    expect(accepted.status).toBe('pending');
    expect(res.headers.get('location')).toBe(`${base}/requests/${accepted.requestId}`);
    const sent = bus.sent[0]!;
    expect(sent.entity).toBe(entityNames.ohsInbound('contoso'));
    expect(sent.timeToLiveInMs).toBe(30_000);
    expect(sent.envelope.messageId).toBe(accepted.requestId);
    expect(sent.envelope.properties).toMatchObject({ kind: 'request', adapterId: 'owoc-cm', operation: 'interactive-read' });
    const body = requestBodySchema.parse(sent.envelope.body);
    expect(body).toMatchObject({ requestId: accepted.requestId, idempotencyKey: 'k-1', replyTo: entityNames.responses('contoso'), deadline: accepted.deadline, payload: { meterId: 'M1' } });

    // The same idempotency key is not relayed twice.
    const repeat = await h.api('POST', `${base}/requests`, token, { adapterId: 'owoc-cm', operation: 'interactive-read', payload: { meterId: 'M1' }, idempotencyKey: 'k-1' });
    expect(repeat.status).toBe(202);
    expect(((await repeat.json()) as { requestId: string }).requestId).toBe(accepted.requestId);
    // ...and the same key for a different request is refused rather than silently answered with the first.
    const misuse = await h.api('POST', `${base}/requests`, token, { adapterId: 'owoc-cm', operation: 'interactive-read', payload: { meterId: 'M2' }, idempotencyKey: 'k-1' });
    expect(misuse.status).toBe(409);
    expect(((await misuse.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'conflict', field: 'idempotencyKey' });
    expect(bus.sent).toHaveLength(1);

    expect(((await (await h.api('GET', `${base}/requests/${accepted.requestId}`, token)).json()) as { status: string }).status).toBe('pending');
    bus.sessions.set(accepted.requestId, [
      {
        messageId: 'r1',
        sessionId: accepted.requestId,
        properties: { tenantId: 'contoso', kind: 'response', schemaVersion: '1.0' },
        body: { requestId: accepted.requestId, status: 'completed', result: { kWh: 42 }, completedAt: new Date().toISOString() },
      },
    ]);
    const done = (await (await h.api('GET', `${base}/requests/${accepted.requestId}?waitInMs=1000`, token)).json()) as { status: string; result: unknown };
    expect(done).toMatchObject({ status: 'completed', result: { kWh: 42 } });
    expect(bus.settled).toContainEqual({ sessionId: accepted.requestId, disposition: 'complete' });
    // Persisted: later reads answer from Blob although the session is now empty.
    expect(await (await h.api('GET', `${base}/requests/${accepted.requestId}`, token)).json()).toMatchObject({ status: 'completed', result: { kWh: 42 } });
    // Nobody else's.
    expect((await h.api('GET', `${base}/requests/${accepted.requestId}`, await h.token(second))).status).toBe(404);
  });

  it('reports typed failures, dead-letters unreadable responses, and times out past the deadline', async () => {
    const post = async (timeoutInMs = 30_000): Promise<string> =>
      ((await (await h.api('POST', `${base}/requests`, token, { adapterId: 'owoc-cm', operation: 'remote-disconnect', timeoutInMs })).json()) as { requestId: string }).requestId;
    const failed = await post();
    bus.sessions.set(failed, [
      { messageId: 'f', sessionId: failed, properties: { tenantId: 'contoso', kind: 'response' }, body: { requestId: failed, status: 'failed', error: { code: 'HeadEndUnavailable', message: 'no answer', retryable: true }, completedAt: new Date().toISOString() } },
    ]);
    expect(await (await h.api('GET', `${base}/requests/${failed}`, token)).json()).toMatchObject({ status: 'failed', error: { code: 'HeadEndUnavailable', retryable: true } });

    const garbled = await post();
    bus.sessions.set(garbled, [{ messageId: 'g', sessionId: garbled, properties: { tenantId: 'contoso', kind: 'response' }, body: { nonsense: true } }]);
    expect(await (await h.api('GET', `${base}/requests/${garbled}`, token)).json()).toMatchObject({ status: 'failed', error: { code: 'InvalidResponse' } });
    expect(bus.settled).toContainEqual({ sessionId: garbled, disposition: 'dead-letter' });

    const late = await post(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await (await h.api('GET', `${base}/requests/${late}`, token)).json()).toMatchObject({ status: 'timed-out', error: { code: 'timeout' } });
  });

  it('stores a file in the tenant container and relays file.download', async () => {
    const content = Buffer.from('<MeterReadings/>');
    const res = await h.api('POST', `${base}/files?adapterId=mdi&fileName=import-001.xml`, token, content, { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(202);
    const body = fileDownloadBodySchema.parse(await res.json());
    expect(body).toMatchObject({ adapterId: 'mdi', fileName: 'import-001.xml', container: 'ihc-contoso', size: content.length, sha256: createHash('sha256').update(content).digest('hex') });
    expect(bus.sent[0]).toMatchObject({ entity: entityNames.ohsInbound('contoso'), envelope: { properties: { kind: 'file.download', adapterId: 'mdi' }, body } });
    const stored = await h.blobService.getContainerClient('ihc-contoso').getBlobClient(body.blobName).downloadToBuffer();
    expect(stored.equals(content)).toBe(true);
    // Pending until the OHS writes the outcome beside the blob; then the sender sees it.
    const pending = await h.api('GET', `${base}/files/${body.downloadId}`, token);
    expect(await pending.json()).toMatchObject({ downloadId: body.downloadId, status: 'pending', fileName: 'import-001.xml' });
    await h.blobService
      .getContainerClient('ihc-contoso')
      .getBlockBlobClient(`downloads/${body.downloadId}.status.json`)
      .uploadData(Buffer.from(JSON.stringify({ downloadId: body.downloadId, status: 'failed', adapterId: 'mdi', error: { code: 'invalid-input', message: 'adapter mdi only uploads', retryable: false }, at: new Date().toISOString() })));
    expect(await (await h.api('GET', `${base}/files/${body.downloadId}`, token)).json()).toMatchObject({ status: 'failed', error: { code: 'invalid-input' } });
    expect((await h.api('GET', `${base}/files/00000000-0000-4000-8000-000000000000`, token)).status).toBe(404);

    const traversal = await h.api('POST', `${base}/files?adapterId=mdi&fileName=..%2F..%2Fetc%2Fpasswd`, token, content, { 'content-type': 'application/octet-stream' });
    expect(traversal.status).toBe(400);
    expect(await traversal.json()).toMatchObject({ error: { field: 'fileName' } });
    const json = await h.api('POST', `${base}/files?adapterId=mdi&fileName=a.xml`, token, { not: 'a file' });
    expect(json.status).toBe(415);
  });

  describe('SAS service', () => {
    let subscriberGrant: SasGrant;
    let ohsGrant: SasGrant;

    beforeAll(async () => {
      // A live subscription makes the subscriber's delivery entity part of the OHS grant.
      await h.api('POST', `${base}/subscriptions`, token, { adapterId: 'sensoriq', feed: 'traps' });
      const sub = await h.api('POST', `${base}/sas`, token, {});
      expect(sub.headers.get('cache-control')).toBe('no-store');
      subscriberGrant = sasGrantSchema.parse(await sub.json());
      ohsGrant = sasGrantSchema.parse(await (await h.api('POST', `${base}/sas`, await h.token(ohs), { lifetimeInMs: 30 * 60_000 })).json());
    });

    it("grants a subscriber Listen on its own delivery entity and read on the container, for at most an hour", () => {
      expect(subscriberGrant.serviceBus.entities.map((e) => [e.entity, e.rights])).toEqual([[entityNames.delivery('contoso', subscriber.id), ['Listen']]]);
      expect(subscriberGrant.serviceBus.entities[0]!.sharedAccessSignature).toMatch(/^SharedAccessSignature sr=sb%3A%2F%2F127\.0\.0\.1%3A5672%2Fihc\.contoso\.deliveries\.[^&]+&sig=[^&]+&se=\d+&skn=ihc-listen$/);
      expect(subscriberGrant.blob).toMatchObject({ container: 'ihc-contoso', permissions: 'rl' });
      expect(Date.parse(subscriberGrant.expiresOn) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    });

    it('grants the OHS Listen on its inbound entity, Send on responses, events and live delivery entities, read/write on the container', () => {
      expect(ohsGrant.serviceBus.entities.map((e) => [e.entity, e.rights.join('+'), e.sharedAccessSignature.split('skn=')[1]])).toEqual([
        [entityNames.ohsInbound('contoso'), 'Listen', 'ihc-listen'],
        [entityNames.responses('contoso'), 'Send', 'ihc-send'],
        [entityNames.ohsEvents('contoso'), 'Send', 'ihc-send'],
        [entityNames.delivery('contoso', subscriber.id), 'Send', 'ihc-send'],
      ]);
      expect(ohsGrant.blob.permissions).toBe('racwl');
      expect(Date.parse(ohsGrant.expiresOn) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    });

    it("lets a subscriber's blob SAS read its tenant's container but not write it, nor read another tenant's container", async () => {
      await h.blobService.getContainerClient('ihc-fabrikam').createIfNotExists();
      await h.blobService.getContainerClient('ihc-fabrikam').getBlockBlobClient('secret.txt').upload('fabrikam only', 13);
      const own = new ContainerClient(`${subscriberGrant.blob.containerUrl}?${subscriberGrant.blob.sasToken}`);
      const names: string[] = [];
      for await (const blob of own.listBlobsFlat()) names.push(blob.name);
      expect(names.length).toBeGreaterThan(0);
      await expect(own.getBlockBlobClient('intrusion.txt').upload('x', 1)).rejects.toMatchObject({ statusCode: 403 });

      const foreign = new ContainerClient(`${subscriberGrant.blob.endpoint}/ihc-fabrikam?${subscriberGrant.blob.sasToken}`);
      const err = await foreign.getBlobClient('secret.txt').downloadToBuffer().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RestError);
      expect((err as RestError).statusCode).toBe(403);

      const ohsContainer = new ContainerClient(`${ohsGrant.blob.containerUrl}?${ohsGrant.blob.sasToken}`);
      await ohsContainer.getBlockBlobClient('uploads/ok.txt').upload('ok', 2);
      await expect(ohsContainer.deleteBlob('uploads/ok.txt')).rejects.toMatchObject({ statusCode: 403 });
    });

    it("refuses a SAS for another tenant's path", async () => {
      expect((await h.api('POST', '/api/v1/tenants/fabrikam/sas', token, {})).status).toBe(403);
      expect((await h.api('POST', '/api/v1/tenants/fabrikam/sas', await h.token(fabrikamSubscriber), {})).status).toBe(200);
    });

    it('never logs a SAS signature, token or secret', () => {
      const text = h.logs.text();
      expect(text).toContain('sas issued');
      for (const grant of [subscriberGrant, ohsGrant]) {
        for (const entity of grant.serviceBus.entities) expect(text).not.toContain(decodeURIComponent(entity.sharedAccessSignature.split('sig=')[1]!.split('&')[0]!));
        expect(text).not.toContain(new URLSearchParams(grant.blob.sasToken).get('sig')!);
      }
      for (const client of [subscriber, second, ohs]) expect(text).not.toContain(client.secret);
    });
  });
});
