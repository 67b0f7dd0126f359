import { generate } from 'selfsigned';
import { entityNames } from '../../contracts/index.js';
import { startAzurite, type AzuriteBlob } from '../../sandbox/blob/index.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../../sandbox/servicebus/index.js';
import { ClientRegistry } from '../identity/client-registry.js';
import { startCloud, type RunningCloud } from '../start-cloud.js';
import { captureLogs, type CapturedLogs } from './capture-logs.js';
import { testSasKeys, type TestClient } from './gateway-harness.js';

/** The gateway's own key on the sandbox broker (Manage), besides the SAS service's Listen-only and Send-only keys. */
export const GATEWAY_KEY = { keyName: 'ihc-gateway', primaryKey: 'gateway-key-for-tests-0123456789', rights: ['Manage' as const] };

/** A throwaway certificate for the broker's WSS listener (loopback names only). */
export async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Broker + Azurite + cloud side for one tenant, with a subscriber and an OHS client and their entities declared. */
export interface CloudSandbox {
  emulator: ServiceBusEmulator;
  azurite: AzuriteBlob;
  cloud: RunningCloud;
  certificate: { cert: string; key: string };
  subscriber: TestClient;
  ohs: TestClient;
  logs: CapturedLogs;
  token(client: TestClient): Promise<string>;
  api(method: string, path: string, token: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** Start everything on loopback with free ports; `close()` stops it all. */
export async function startCloudSandbox(tenant = 'contoso'): Promise<CloudSandbox> {
  const logs = captureLogs('cloud');
  const certificate = await loopbackCertificate();
  const subscriberId = `sub-${tenant}-a`;
  const emulator = await startServiceBusEmulator({
    webSockets: certificate,
    accessRules: [GATEWAY_KEY, ...testSasKeys.map((k) => ({ keyName: k.name, primaryKey: k.key, rights: [...k.rights] }))],
    entities: {
      queues: [
        { name: entityNames.ohsInbound(tenant) },
        { name: entityNames.responses(tenant), requiresSession: true },
        { name: entityNames.ohsEvents(tenant) },
        { name: entityNames.delivery(tenant, subscriberId) },
      ],
    },
  });
  const azurite = await startAzurite();
  const registry = await ClientRegistry.open();
  const sub = await registry.add({ tenantId: tenant, role: 'subscriber', clientId: subscriberId });
  const o = await registry.add({ tenantId: tenant, role: 'ohs' });
  const cloud = await startCloud({
    serviceBusConnectionString: emulator.connectionString,
    blobConnectionString: azurite.connectionString,
    registry,
    sasKeys: testSasKeys,
    serviceBusEndpoint: `${emulator.endpointFor('tcp')}/`,
    logger: logs.logger,
    shutdownGraceInMs: 500,
  });
  const tokenEndpoint = cloud.tokenEndpoint;
  return {
    emulator,
    azurite,
    cloud,
    certificate,
    logs,
    subscriber: { id: sub.client.clientId, secret: sub.secret, tenant, role: 'subscriber' },
    ohs: { id: o.client.clientId, secret: o.secret, tenant, role: 'ohs' },
    async token(client) {
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }).toString(),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
    api(method, path, token, body) {
      return fetch(`${cloud.gatewayUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    },
    async close() {
      await cloud.close();
      await Promise.all([emulator.close(), azurite.close()]);
    },
  };
}
