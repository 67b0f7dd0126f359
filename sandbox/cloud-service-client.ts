import { readFile } from 'node:fs/promises';
import { AzureSASCredential } from '@azure/core-auth';
import { ServiceBusClient, type ServiceBusReceiver } from '@azure/service-bus';
import { ContainerClient } from '@azure/storage-blob';
import WebSocket from 'ws';
import { sasGrantSchema, type SasGrant } from '../contracts/auth.js';
import { entityNames } from '../contracts/entities.js';
import type { Envelope } from '../contracts/envelope.js';
import { claimCheckBodySchema, envelopePropertiesSchema } from '../contracts/envelope.js';
import type { SandboxEndpoints } from './stack.js';

/** A gateway answer: status and parsed JSON body. */
export interface GatewayAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * What a cloud service does against the gateway, written once for `npm run demo` and the end-to-end
 * tests: client-credentials token, subscriptions, requests, file sends, and reading its own delivery
 * entity with the SAS the gateway hands out (over WebSockets, trusting the sandbox CA).
 */
export class CloudServiceClient {
  readonly #e: SandboxEndpoints;
  #token: { value: string; expiresAt: number } | undefined;

  constructor(endpoints: SandboxEndpoints) {
    this.#e = endpoints;
  }

  /** The subscriber's delivery entity. */
  get deliveryEntity(): string {
    return entityNames.delivery(this.#e.tenantId, this.#e.subscriber.clientId);
  }

  /** An access token (client_secret_basic), cached until shortly before expiry. */
  async accessToken(): Promise<string> {
    if (this.#token && this.#token.expiresAt > Date.now() + 60_000) return this.#token.value;
    const { clientId, clientSecret, scope } = this.#e.subscriber;
    const response = await fetch(this.#e.tokenEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token) throw new Error(`token endpoint answered ${response.status}: ${body.error ?? 'no token'}`);
    this.#token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }

  /** Call a tenant route of the gateway (`path` after `/api/v1/tenants/{tenant}`). */
  async api<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GatewayAnswer<T>> {
    const isBytes = body instanceof Uint8Array;
    const response = await fetch(`${this.#e.gatewayUrl}/api/v1/tenants/${this.#e.tenantId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isBytes ? (body as Uint8Array) : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Subscribe to a feed of an adapter (file adapters offer the feed "files"). */
  async subscribe(adapterId: string, feed: string): Promise<{ subscriptionId?: string; id?: string }> {
    const answer = await this.api<{ subscriptionId?: string; id?: string }>('POST', '/subscriptions', { adapterId, feed });
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`subscribe answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Send a request; returns its id. */
  async request(adapterId: string, operation: string, payload: unknown, options: { timeoutInMs?: number; idempotencyKey?: string } = {}): Promise<string> {
    const answer = await this.api<{ requestId: string }>('POST', '/requests', { adapterId, operation, payload, ...options });
    if (answer.status !== 202) throw new Error(`request answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.requestId;
  }

  /** Long-poll a request until it is no longer pending (or `deadlineInMs` passes). */
  async response(requestId: string, deadlineInMs = 60_000): Promise<{ status: string; result?: unknown; error?: { code: string; message: string; retryable: boolean } }> {
    const until = Date.now() + deadlineInMs;
    for (;;) {
      const answer = await this.api<{ status: string }>('GET', `/requests/${requestId}?waitInMs=${Math.min(20_000, Math.max(0, until - Date.now()))}`);
      if (answer.status !== 200) throw new Error(`GET request answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (answer.body.status !== 'pending' || Date.now() >= until) return answer.body as never;
    }
  }

  /** The SAS grant for this subscriber (Listen on its delivery entity, read on the container). */
  async sas(): Promise<SasGrant> {
    const answer = await this.api('POST', '/sas', {});
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`SAS answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return sasGrantSchema.parse(answer.body);
  }

  /** Receive envelopes from the delivery entity until closed; completes each after `onEnvelope`. */
  async deliveries(onEnvelope: (envelope: Envelope) => void | Promise<void>): Promise<{ close(): Promise<void> }> {
    const grant = await this.sas();
    const entity = grant.serviceBus.entities.find((g) => g.entity === this.deliveryEntity);
    if (!entity) throw new Error(`the SAS grant has no token for ${this.deliveryEntity}`);
    const ca = await readFile(this.#e.serviceBus.caFile, 'utf8');
    const client = new ServiceBusClient(`localhost:${this.#e.serviceBus.wsPort}`, new AzureSASCredential(entity.sharedAccessSignature), {
      webSocketOptions: { webSocket: WebSocket as never, webSocketConstructorOptions: { ca } },
    });
    const receiver: ServiceBusReceiver = client.createReceiver(this.deliveryEntity);
    // Bodies too large for a message arrive as claim checks: read them with the container SAS.
    const container = new ContainerClient(`${grant.blob.containerUrl}?${grant.blob.sasToken}`);
    const subscription = receiver.subscribe(
      {
        processMessage: async (message) => {
          const properties = envelopePropertiesSchema.parse(message.applicationProperties ?? {});
          let body: unknown = message.body;
          if (properties.claimCheck) {
            const reference = claimCheckBodySchema.parse(body);
            body = JSON.parse((await container.getBlockBlobClient(reference.blobName).downloadToBuffer()).toString('utf8'));
          }
          await onEnvelope({ messageId: String(message.messageId), ...(message.correlationId ? { correlationId: String(message.correlationId) } : {}), properties, body });
        },
        processError: async () => undefined,
      },
      { maxConcurrentCalls: 1 },
    );
    return {
      close: async () => {
        await subscription.close();
        await receiver.close();
        await client.close();
      },
    };
  }

  /** Send a file to an OHS folder (download direction). */
  async sendFile(adapterId: string, fileName: string, bytes: Uint8Array): Promise<GatewayAnswer> {
    return this.api('POST', `/files?adapterId=${encodeURIComponent(adapterId)}&fileName=${encodeURIComponent(fileName)}`, bytes);
  }
}

/** Read `.sandbox/endpoints.json` (or another folder's). */
export async function readEndpoints(dir = process.env.SANDBOX_DIR ?? '.sandbox'): Promise<SandboxEndpoints> {
  try {
    return JSON.parse(await readFile(`${dir}/endpoints.json`, 'utf8')) as SandboxEndpoints;
  } catch {
    throw new Error(`no ${dir}/endpoints.json: start the sandbox first with npm start (in another terminal)`);
  }
}
