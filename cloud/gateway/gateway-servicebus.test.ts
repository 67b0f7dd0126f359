import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityNames, requestBodySchema, sasGrantSchema, subscriptionBodySchema, type SasGrant } from '../../contracts/index.js';
import { startCloudSandbox, type CloudSandbox } from '../testing/cloud-sandbox.js';

const fastRetry = { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } };

async function receiveOne(client: ServiceBusClient, entity: string): Promise<ServiceBusReceivedMessage> {
  const receiver = client.createReceiver(entity, { receiveMode: 'receiveAndDelete' });
  try {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    if (!message) throw new Error(`no message on ${entity}`);
    return message;
  } finally {
    await receiver.close();
  }
}

describe('gateway relaying through the sandbox Service Bus', () => {
  let s: CloudSandbox;
  let admin: ServiceBusClient;
  let subscriberToken: string;
  const tenant = 'contoso';
  const base = `/api/v1/tenants/${tenant}`;

  beforeAll(async () => {
    s = await startCloudSandbox(tenant);
    admin = new ServiceBusClient(s.emulator.connectionString, fastRetry);
    subscriberToken = await s.token(s.subscriber);
  });
  afterAll(async () => {
    await admin?.close();
    await s?.close();
  });

  it('relays a subscription as subscription.upsert on the OHS inbound queue', async () => {
    const res = await s.api('POST', `${base}/subscriptions`, subscriberToken, { adapterId: 'owoc-cm-readings', feed: 'interrogation-readings' });
    expect(res.status).toBe(201);
    const created = subscriptionBodySchema.parse(await res.json());
    const message = await receiveOne(admin, entityNames.ohsInbound(tenant));
    expect(message.applicationProperties).toMatchObject({ tenantId: tenant, kind: 'subscription.upsert', schemaVersion: '1.0', adapterId: 'owoc-cm-readings', feed: 'interrogation-readings' });
    expect(subscriptionBodySchema.parse(message.body)).toEqual(created);
    expect(created.deliveryEntity).toBe(entityNames.delivery(tenant, s.subscriber.id));
  });

  it('relays a request and answers completed once the OHS responds on the sessionful responses queue', async () => {
    const res = await s.api('POST', `${base}/requests`, subscriberToken, { adapterId: 'owoc-cm', operation: 'interactive-read', payload: { meterId: 'ESN-1' }, timeoutInMs: 60_000 });
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };

    const message = await receiveOne(admin, entityNames.ohsInbound(tenant));
    expect(message.applicationProperties).toMatchObject({ kind: 'request', adapterId: 'owoc-cm', operation: 'interactive-read' });
    const request = requestBodySchema.parse(message.body);
    expect(request).toMatchObject({ requestId, replyTo: entityNames.responses(tenant), payload: { meterId: 'ESN-1' } });
    expect(message.messageId).toBe(requestId);

    const pending = (await (await s.api('GET', `${base}/requests/${requestId}`, subscriberToken)).json()) as { status: string };
    expect(pending.status).toBe('pending');

    // What the OHS does: answer on the reply entity with session id = request id.
    const sender = admin.createSender(request.replyTo);
    await sender.sendMessages({
      sessionId: requestId,
      correlationId: requestId,
      messageId: `${requestId}:response`,
      contentType: 'application/json',
      applicationProperties: { tenantId: tenant, kind: 'response', schemaVersion: '1.0' },
      body: { requestId, status: 'completed', result: { readings: [{ meterId: 'ESN-1', value: 42 }] }, completedAt: new Date().toISOString() },
    });
    await sender.close();

    const answered = (await (await s.api('GET', `${base}/requests/${requestId}?waitInMs=5000`, subscriberToken)).json()) as { status: string; result: unknown };
    expect(answered).toMatchObject({ status: 'completed', result: { readings: [{ meterId: 'ESN-1', value: 42 }] } });
    // Stored in Blob: still answered after the session message was completed.
    expect(await (await s.api('GET', `${base}/requests/${requestId}`, subscriberToken)).json()).toMatchObject({ status: 'completed' });
  });

  describe('SAS checked by the broker', () => {
    let subscriberGrant: SasGrant;
    let ohsGrant: SasGrant;
    beforeAll(async () => {
      subscriberGrant = sasGrantSchema.parse(await (await s.api('POST', `${base}/sas`, subscriberToken, {})).json());
      ohsGrant = sasGrantSchema.parse(await (await s.api('POST', `${base}/sas`, await s.token(s.ohs), {})).json());
    });

    const clientWith = (sharedAccessSignature: string): ServiceBusClient =>
      new ServiceBusClient(s.emulator.connectionStringFor({ sharedAccessSignature }), fastRetry);

    it("refuses a subscriber's SAS for sending to the OHS inbound entity, and for sending at all", async () => {
      const own = subscriberGrant.serviceBus.entities[0]!;
      const client = clientWith(own.sharedAccessSignature);
      try {
        const toOhs = client.createSender(entityNames.ohsInbound(tenant));
        await expect(toOhs.sendMessages({ body: 'forged subscription' })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
        const toSelf = client.createSender(own.entity);
        await expect(toSelf.sendMessages({ body: 'listen-only key' })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
      } finally {
        await client.close();
      }
      const stats = s.emulator.entities.stats().find((q) => q.path.toLowerCase() === entityNames.ohsInbound(tenant).toLowerCase());
      expect(stats).toBeDefined();
      expect(stats!.active).toBe(0);
    });

    it("lets a subscriber's SAS listen on its own delivery entity", async () => {
      const own = subscriberGrant.serviceBus.entities[0]!;
      const sender = admin.createSender(own.entity);
      await sender.sendMessages({ body: { hello: 'subscriber' }, messageId: 'd1' });
      await sender.close();
      const client = clientWith(own.sharedAccessSignature);
      try {
        expect((await receiveOne(client, own.entity)).body).toEqual({ hello: 'subscriber' });
      } finally {
        await client.close();
      }
    });

    it("lets the OHS's SAS send to responses but not listen there, and listen on its inbound entity", async () => {
      const responses = ohsGrant.serviceBus.entities.find((e) => e.entity === entityNames.responses(tenant))!;
      const inbound = ohsGrant.serviceBus.entities.find((e) => e.entity === entityNames.ohsInbound(tenant))!;
      const sendClient = clientWith(responses.sharedAccessSignature);
      const listenClient = clientWith(inbound.sharedAccessSignature);
      try {
        const sender = sendClient.createSender(responses.entity);
        await sender.sendMessages({ body: { ok: true }, sessionId: 'probe', messageId: 'probe-1' });
        const receiver = sendClient.createReceiver(entityNames.ohsInbound(tenant));
        await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });

        const feed = admin.createSender(inbound.entity);
        await feed.sendMessages({ body: { for: 'ohs' }, messageId: 'i1' });
        expect((await receiveOne(listenClient, inbound.entity)).body).toEqual({ for: 'ohs' });
      } finally {
        await Promise.all([sendClient.close(), listenClient.close()]);
      }
    });
  });

  it('logs neither secrets, tokens nor SAS signatures', () => {
    const text = s.logs.text();
    expect(text).toContain('request relayed');
    expect(text).not.toContain(s.subscriber.secret);
    expect(text).not.toContain(s.ohs.secret);
    expect(text).not.toMatch(/sig=[A-Za-z0-9%]{10,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./);
  });
});
