import { ServiceBusClient, type ServiceBusClientOptions } from '@azure/service-bus';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCloudSandbox, type CloudSandbox } from '../../cloud/testing/cloud-sandbox.js';
import { entityNames } from '../../contracts/index.js';
import type { AuthError } from './auth-error.js';
import { ClientCredentialsTokenProvider } from './client-credentials-token-provider.js';
import { SasManager } from './sas-manager.js';

describe('SAS rotation under load against the sandbox broker', () => {
  const tenant = 'contoso';
  let s: CloudSandbox;
  let tokens: ClientCredentialsTokenProvider;
  let sas: SasManager;
  let admin: ServiceBusClient;
  const errors: AuthError[] = [];
  let rotations = 0;

  beforeAll(async () => {
    s = await startCloudSandbox(tenant);
    admin = new ServiceBusClient(s.emulator.connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 10_000 } });
    tokens = new ClientCredentialsTokenProvider({ tokenEndpoint: s.cloud.tokenEndpoint, clientId: s.ohs.id, clientSecret: s.ohs.secret, logger: s.logs.logger });
    sas = new SasManager({ gatewayUrl: s.cloud.gatewayUrl, tenantId: tenant, tokenSource: tokens, rotateEveryInMs: 100, logger: s.logs.logger, onError: (err) => errors.push(err) });
    sas.onRotate(() => {
      rotations++;
    });
    await sas.start();
  });
  afterAll(async () => {
    sas?.close();
    tokens?.close();
    await admin?.close();
    await s?.close();
  });

  // SAS credentials need the credential constructor, which always uses TLS: reach the broker over WSS, trusting its test certificate.
  const ohsClientOptions = (): ServiceBusClientOptions => ({
    webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: s.certificate.cert } },
    retryOptions: { maxRetries: 3, retryDelayInMs: 100, timeoutInMs: 10_000 },
  });

  it('loses no message while tokens rotate, with new links picking up the current SAS', async () => {
    const handedOut = new Set<string>();
    const provider = {
      isSasTokenProvider: true as const,
      getToken: async (audience: string) => {
        const token = await sas.serviceBusTokenProvider.getToken(audience);
        handedOut.add(token.token);
        return token;
      },
    };
    const ohs = new ServiceBusClient(`localhost:${s.emulator.wsPort}`, provider, ohsClientOptions());
    const events = entityNames.ohsEvents(tenant);
    const inbound = entityNames.ohsInbound(tenant);
    const sentEvents = new Set<string>();
    const sentInbound = new Set<string>();
    const receivedEvents = new Set<string>();
    const receivedInbound = new Set<string>();

    // Cloud side drains the OHS's events while the OHS sends.
    const eventReceiver = admin.createReceiver(events);
    const stopDrain = eventReceiver.subscribe(
      {
        processMessage: async (message) => {
          receivedEvents.add(String(message.messageId));
        },
        processError: async () => undefined,
      },
      { autoCompleteMessages: true, maxConcurrentCalls: 4 },
    );

    try {
      const rotationsAtStart = rotations;
      let batch = 0;
      // Keep the load going until several rotations happened during it (event-driven, not timed).
      while (batch < 12 || rotations - rotationsAtStart < 4) {
        // A fresh OHS sender every other batch: each new link negotiates a claim with the SAS current at that moment.
        const sender = ohs.createSender(events);
        for (let n = 0; n < 2; n++, batch++) {
          const ids = Array.from({ length: 10 }, (_, i) => `e-${batch}-${i}`);
          await sender.sendMessages(ids.map((messageId) => ({ messageId, body: { batch } })));
          ids.forEach((id) => sentEvents.add(id));
          const inboundIds = Array.from({ length: 5 }, (_, i) => `i-${batch}-${i}`);
          const cloudSender = admin.createSender(inbound);
          await cloudSender.sendMessages(inboundIds.map((messageId) => ({ messageId, body: { batch } })));
          await cloudSender.close();
          inboundIds.forEach((id) => sentInbound.add(id));
        }
        await sender.close();
        // The OHS listens in short sessions too, re-attaching (and re-authorising) each time.
        const receiver = ohs.createReceiver(inbound);
        while (receivedInbound.size < sentInbound.size) {
          const messages = await receiver.receiveMessages(sentInbound.size - receivedInbound.size, { maxWaitTimeInMs: 5_000 });
          for (const message of messages) {
            await receiver.completeMessage(message);
            receivedInbound.add(String(message.messageId));
          }
          if (messages.length === 0) break;
        }
        await receiver.close();
        await sleep(20);
        if (batch > 400) throw new Error('rotation did not progress');
      }
      await expect.poll(() => receivedEvents.size, { timeout: 15_000, interval: 100 }).toBe(sentEvents.size);
    } finally {
      await stopDrain.close();
      await eventReceiver.close();
      await ohs.close();
    }

    expect([...receivedEvents].sort()).toEqual([...sentEvents].sort());
    expect([...receivedInbound].sort()).toEqual([...sentInbound].sort());
    expect(handedOut.size).toBeGreaterThan(1);
    expect(errors).toEqual([]);
  });

  it('lets a per-entity AzureSASCredential client keep sending across rotations', async () => {
    const events = entityNames.ohsEvents(tenant);
    const credential = sas.serviceBusCredential(events);
    const client = new ServiceBusClient(`localhost:${s.emulator.wsPort}`, credential, ohsClientOptions());
    const signatures = new Set<string>();
    try {
      const start = rotations;
      let n = 0;
      while (rotations - start < 3 || signatures.size < 2) {
        signatures.add(credential.signature);
        const sender = client.createSender(events);
        await sender.sendMessages({ messageId: `c-${n++}`, body: 'x' });
        await sender.close();
        await sleep(20);
        if (n > 500) throw new Error('rotation did not progress');
      }
      const receiver = admin.createReceiver(events, { receiveMode: 'receiveAndDelete' });
      const got = new Set<string>();
      for (;;) {
        const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 500 });
        batch.forEach((m) => got.add(String(m.messageId)));
        if (batch.length === 0) break;
      }
      await receiver.close();
      expect(got.size).toBe(n);
    } finally {
      await client.close();
    }
  });
});
