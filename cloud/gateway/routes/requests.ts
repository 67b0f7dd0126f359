import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  claimCheckBodySchema,
  entityNames,
  envelopeProperties,
  responseBodySchema,
  scopes,
  type RequestBody,
} from '../../../contracts/index.js';
import { authorize, caller } from '../authorization.js';
import type { RequestRecord } from '../blob-state-store.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { GatewayError } from '../gateway-error.js';
import type { Disposition, ReceivedEnvelope } from '../service-bus-relay.js';
import { parseOrThrow } from '../validation.js';
import { adapterIdSchema, nameSchema, relayFailure } from './common.js';

const idempotencyKeySchema = z.string().min(1).max(200);

const idParamsSchema = z.object({ tenant: z.string(), id: z.uuid('request id must be a UUID') });

/** The view of a request a caller gets: the stored record without internal fields. */
function view(record: RequestRecord): Omit<RequestRecord, 'subscriberId'> {
  const { subscriberId: _subscriberId, ...rest } = record;
  return rest;
}

/**
 * Request/response through the tenant's OHS. POST relays a `request` (deadline, idempotency key) and answers
 * 202 with the request id; GET answers from Blob, or reads the response from the sessionful responses entity
 * (session id = request id), stores it, and answers. Optional `waitInMs` long-polls, bounded.
 */
export function registerRequestRoutes(api: FastifyInstance, deps: GatewayDeps): void {
  const { limits } = deps;
  const access = { onRequest: authorize({ scope: scopes.requests, roles: ['subscriber'] }) };

  const createRequestSchema = z.object({
    adapterId: adapterIdSchema,
    operation: nameSchema,
    payload: z.unknown().optional(),
    timeoutInMs: z.number().int().min(1_000).max(limits.maxRequestTimeoutInMs).optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  });
  const waitQuerySchema = z.object({ waitInMs: z.coerce.number().int().min(0).max(limits.maxWaitInMs).optional() });

  api.post('/requests', access, async (request, reply) => {
    const { tenant } = request.params as { tenant: string };
    const subscriberId = caller(request).claims.client_id;
    const input = parseOrThrow(createRequestSchema, request.body, 'body');
    const headerKey = request.headers['idempotency-key'];
    if (headerKey !== undefined && (typeof headerKey !== 'string' || !idempotencyKeySchema.safeParse(headerKey).success)) {
      throw new GatewayError('invalid_request', "header 'Idempotency-Key' must be 1-200 characters", 'Idempotency-Key');
    }
    if (headerKey && input.idempotencyKey && headerKey !== input.idempotencyKey) {
      throw new GatewayError('invalid_request', "header 'Idempotency-Key' and body field 'idempotencyKey' differ", 'idempotencyKey');
    }
    const payloadBytes = Buffer.byteLength(JSON.stringify(input.payload ?? null));
    if (payloadBytes > limits.maxRequestPayloadBytes) {
      throw new GatewayError('payload_too_large', `body field 'payload' is ${payloadBytes} bytes; the limit is ${limits.maxRequestPayloadBytes}`, 'payload');
    }

    const requestId = randomUUID();
    const idempotencyKey = input.idempotencyKey ?? headerKey ?? requestId;
    const payloadSha256 = createHash('sha256').update(JSON.stringify(input.payload ?? null)).digest('hex');
    const owner = await deps.store.claimIdempotencyKey(tenant, subscriberId, idempotencyKey, requestId);
    if (owner !== requestId) {
      const earlier = await deps.store.getRequest(tenant, owner);
      // The same key for a different request is a client bug: answering the first request would hide it.
      if (earlier && (earlier.adapterId !== input.adapterId || earlier.operation !== input.operation || (earlier.payloadSha256 !== undefined && earlier.payloadSha256 !== payloadSha256))) {
        throw new GatewayError('conflict', `idempotency key "${idempotencyKey}" was already used for a different request (${earlier.requestId})`, 'idempotencyKey');
      }
      return reply.code(202).header('location', `${request.url.replace(/\/$/, '')}/${owner}`).send(earlier ? view(earlier) : { requestId: owner, status: 'pending' });
    }

    const now = Date.now();
    const timeoutInMs = input.timeoutInMs ?? limits.defaultRequestTimeoutInMs;
    const record: RequestRecord = {
      requestId,
      subscriberId,
      adapterId: input.adapterId,
      operation: input.operation,
      idempotencyKey,
      payloadSha256,
      deadline: new Date(now + timeoutInMs).toISOString(),
      createdAt: new Date(now).toISOString(),
      status: 'pending',
    };
    const body: RequestBody = {
      requestId,
      idempotencyKey,
      adapterId: record.adapterId,
      operation: record.operation,
      deadline: record.deadline,
      payload: input.payload ?? null,
      replyTo: entityNames.responses(tenant),
    };
    await deps.store.putRequest(tenant, record);
    try {
      await deps.bus.send(
        entityNames.ohsInbound(tenant),
        { messageId: requestId, correlationId: requestId, properties: envelopeProperties(tenant, 'request', { adapterId: record.adapterId, operation: record.operation }), body },
        // The message expires with the request: an OHS that comes back late never sees it.
        { timeToLiveInMs: timeoutInMs },
      );
    } catch (err) {
      await deps.store.releaseIdempotencyKey(tenant, subscriberId, idempotencyKey).catch(() => undefined);
      await deps.store.deleteBlob(tenant, `requests/${requestId}.json`).catch(() => undefined);
      throw relayFailure(deps, err, 'request could not be relayed to the OHS');
    }
    deps.logger.info({ tenant, subscriberId, requestId, adapterId: record.adapterId, operation: record.operation, deadline: record.deadline }, 'request relayed');
    return reply.code(202).header('location', `${request.url.replace(/\/$/, '')}/${requestId}`).send(view(record));
  });

  api.get('/requests/:id', access, async (request) => {
    const { tenant, id } = parseOrThrow(idParamsSchema, request.params, 'params');
    const { waitInMs = 0 } = parseOrThrow(waitQuerySchema, request.query, 'query');
    const subscriberId = caller(request).claims.client_id;
    let record = await deps.store.getRequest(tenant, id);
    if (!record || record.subscriberId !== subscriberId) throw new GatewayError('not_found', 'no such request');
    const waitUntil = Date.now() + waitInMs;

    while (record.status === 'pending') {
      // Never wait past the deadline plus grace: by then the answer is "timed-out", not "pending".
      const remaining = Math.max(0, Math.min(waitUntil, Date.parse(record.deadline) + limits.responseGraceInMs + 1) - Date.now());
      let outcome;
      try {
        outcome = await deps.bus.receiveFromSession(entityNames.responses(tenant), id, remaining, (message) => settleResponse(deps, tenant, record!, message));
      } catch (err) {
        throw relayFailure(deps, err, 'response could not be read');
      }
      record = (await deps.store.getRequest(tenant, id)) ?? record;
      if (record.status !== 'pending') break;
      if (outcome === 'empty' && Date.now() > Date.parse(record.deadline) + limits.responseGraceInMs) {
        record = { ...record, status: 'timed-out', error: { code: 'timeout', message: 'no response from the OHS before the deadline', retryable: true }, completedAt: new Date().toISOString() };
        await deps.store.putRequest(tenant, record);
        break;
      }
      if (Date.now() >= waitUntil) break;
      // Another gateway instance holds the session: give it a moment, then look at the stored record again.
      if (outcome === 'busy') await sleep(Math.min(250, Math.max(0, waitUntil - Date.now())));
    }
    return view(record);
  });
}

/** Store the response carried by `message` on the request record; invalid responses fail the request and are dead-lettered. */
async function settleResponse(deps: GatewayDeps, tenant: string, record: RequestRecord, message: ReceivedEnvelope): Promise<Disposition> {
  let body = message.body;
  if (message.properties.claimCheck === true) {
    const reference = claimCheckBodySchema.safeParse(body);
    body = reference.success && reference.data.container === entityNames.container(tenant) ? await deps.store.readJson(tenant, reference.data.blobName) : undefined;
  }
  const parsed = responseBodySchema.safeParse(body);
  const valid = parsed.success && parsed.data.requestId === record.requestId && message.properties.tenantId === tenant;
  if (!valid) {
    deps.logger.warn({ tenant, requestId: record.requestId, messageId: message.messageId }, 'invalid response dead-lettered');
    await deps.store.putRequest(tenant, {
      ...record,
      status: 'failed',
      error: { code: 'InvalidResponse', message: 'the OHS sent a response the gateway could not read', retryable: false },
      completedAt: new Date().toISOString(),
    });
    return 'dead-letter';
  }
  const response = parsed.data;
  await deps.store.putRequest(tenant, {
    ...record,
    status: response.status,
    ...(response.result !== undefined ? { result: response.result } : {}),
    ...(response.error ? { error: response.error } : {}),
    completedAt: response.completedAt,
  });
  deps.logger.info({ tenant, requestId: record.requestId, status: response.status }, 'response stored');
  return 'complete';
}
