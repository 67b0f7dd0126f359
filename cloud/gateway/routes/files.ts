import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { downloadStatusBlobName, downloadStatusSchema, entityNames, envelopeProperties, scopes, type FileDownloadBody } from '../../../contracts/index.js';
import { authorize, caller } from '../authorization.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { GatewayError } from '../gateway-error.js';
import { parseOrThrow } from '../validation.js';
import { adapterIdSchema, relayFailure } from './common.js';

/** A plain file name: no folders, no traversal, no control characters. */
const fileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$/, 'must be a plain file name (letters, digits, dot, underscore, hyphen, space; no folders)')
  .refine((name) => !name.includes('..'), 'must not contain ".."');

const fileQuerySchema = z.object({ adapterId: adapterIdSchema, fileName: fileNameSchema });

/**
 * Files to an OHS folder (download direction): the body (application/octet-stream) is stored in the tenant's
 * container under `downloads/<downloadId>/<fileName>`, then `file.download` tells the OHS to fetch it into the
 * adapter's inbound folder. The upload direction is the OHS's: it notifies subscribers with `file.detected` and
 * `file.uploaded` on each subscriber's delivery entity; the gateway is not involved.
 */
export function registerFileRoutes(api: FastifyInstance, deps: GatewayDeps): void {
  api.post(
    '/files',
    { onRequest: authorize({ scope: scopes.files, roles: ['subscriber'] }), bodyLimit: deps.limits.maxFileBytes },
    async (request, reply) => {
      const { tenant } = request.params as { tenant: string };
      const query = parseOrThrow(fileQuerySchema, request.query, 'query');
      if (!Buffer.isBuffer(request.body)) {
        throw new GatewayError('unsupported_media_type', 'the file must be sent as application/octet-stream', 'content-type');
      }
      const downloadId = randomUUID();
      const stored = await deps.store.putFile(tenant, `downloads/${downloadId}/${query.fileName}`, request.body);
      const body: FileDownloadBody = { downloadId, adapterId: query.adapterId, fileName: query.fileName, ...stored };
      await deps.store.putDownload(tenant, { downloadId, subscriberId: caller(request).claims.client_id, adapterId: query.adapterId, fileName: query.fileName, size: stored.size, sha256: stored.sha256, createdAt: new Date().toISOString() });
      try {
        await deps.bus.send(entityNames.ohsInbound(tenant), {
          messageId: downloadId,
          correlationId: downloadId,
          properties: envelopeProperties(tenant, 'file.download', { adapterId: query.adapterId }),
          body,
        });
      } catch (err) {
        await deps.store.deleteBlob(tenant, stored.blobName).catch(() => undefined);
        await deps.store.deleteBlob(tenant, `downloads/${downloadId}.json`).catch(() => undefined);
        throw relayFailure(deps, err, 'file download could not be relayed to the OHS');
      }
      deps.logger.info({ tenant, subscriberId: caller(request).claims.client_id, downloadId, adapterId: query.adapterId, size: stored.size }, 'file relayed for download');
      return reply.code(202).header('location', `${request.url.split('?')[0]!.replace(/\/$/, '')}/${downloadId}`).send({ ...body, status: 'pending' });
    },
  );

  // Where a download stands: pending until the OHS writes its outcome (downloaded, or failed with a typed
  // error such as an adapter that takes no downloads) beside the blob.
  api.get('/files/:downloadId', { onRequest: authorize({ scope: scopes.files, roles: ['subscriber'] }) }, async (request) => {
    const { tenant, downloadId } = parseOrThrow(downloadParamsSchema, request.params, 'params');
    const record = await deps.store.getDownload(tenant, downloadId);
    if (!record || record.subscriberId !== caller(request).claims.client_id) throw new GatewayError('not_found', 'no such download');
    const outcome = await deps.store.readJson<unknown>(tenant, downloadStatusBlobName(downloadId));
    const parsed = outcome === undefined ? undefined : downloadStatusSchema.safeParse(outcome);
    if (parsed?.success) return { ...record, ...parsed.data };
    return { ...record, status: 'pending' };
  });
}

const downloadParamsSchema = z.object({ tenant: z.string(), downloadId: z.string().uuid() });
