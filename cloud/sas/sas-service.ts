import { ContainerSASPermissions, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { entityNames, type ClientRole, type SasGrant, type ServiceBusRight } from '../../contracts/index.js';
import { pickNamespaceKey, signServiceBusSas, type NamespaceKey } from './service-bus-sas.js';

/** The longest a SAS may live: the whitepaper's one hour. */
export const MAX_SAS_LIFETIME_IN_MS = 60 * 60 * 1000;

/** Blob container permissions per role: an OHS reads and writes (no delete), a subscriber only reads and lists. */
export const containerPermissionsByRole: Record<ClientRole, string> = { ohs: 'racwl', subscriber: 'rl' };

/** Options for {@link createSasService}. */
export interface SasServiceOptions {
  serviceBus: {
    /** Namespace endpoint as clients address it, e.g. `sb://ns.servicebus.windows.net/`; the prefix of every `sr`. */
    endpoint: string;
    /** Namespace keys (authorization rules) and their rights; Listen-only and Send-only rules keep grants narrow. */
    keys: readonly NamespaceKey[];
  };
  blob: {
    /** Account endpoint, e.g. `https://account.blob.core.windows.net` (Azurite: `http://127.0.0.1:port/devstoreaccount1`). */
    endpoint: string;
    accountName: string;
    accountKey: string;
    /** Allow the SAS over plain HTTP (Azurite only); HTTPS-only otherwise. */
    allowHttp?: boolean;
  };
  /** Upper bound of any grant; {@link MAX_SAS_LIFETIME_IN_MS} by default and never more. */
  maxLifetimeInMs?: number;
  now?: () => number;
}

/** What a caller is entitled to. */
export interface SasRequest {
  tenantId: string;
  role: ClientRole;
  /** The caller's client id; for a subscriber, also its subscriber id (its delivery entity's suffix). */
  clientId: string;
  /** Requested lifetime, capped at the service maximum. */
  lifetimeInMs?: number;
  /** For an OHS: the subscribers whose delivery entities it must be able to send to. */
  deliverySubscribers?: readonly string[];
}

/** One entity and the rights the caller gets on it. */
export interface EntityEntitlement {
  entity: string;
  rights: ServiceBusRight[];
}

/** Exactly the Service Bus entities and the container permissions a role may use in its tenant. */
export function entitlementsFor(request: SasRequest): { entities: EntityEntitlement[]; container: string; permissions: string } {
  const t = request.tenantId;
  const entities: EntityEntitlement[] =
    request.role === 'ohs'
      ? [
          { entity: entityNames.ohsInbound(t), rights: ['Listen'] },
          { entity: entityNames.responses(t), rights: ['Send'] },
          { entity: entityNames.ohsEvents(t), rights: ['Send'] },
          ...[...new Set(request.deliverySubscribers ?? [])].sort().map((subscriber) => ({ entity: entityNames.delivery(t, subscriber), rights: ['Send'] as ServiceBusRight[] })),
        ]
      : [{ entity: entityNames.delivery(t, request.clientId), rights: ['Listen'] }];
  return { entities, container: entityNames.container(t), permissions: containerPermissionsByRole[request.role] };
}

/** Mints SAS grants. */
export interface SasService {
  issue(request: SasRequest): SasGrant;
}

/** The SAS service: signs Service Bus SAS per entity with the narrowest namespace key and a container SAS with the account key. */
export function createSasService(options: SasServiceOptions): SasService {
  const endpoint = options.serviceBus.endpoint.endsWith('/') ? options.serviceBus.endpoint : `${options.serviceBus.endpoint}/`;
  for (const right of ['Listen', 'Send'] as const) {
    if (!pickNamespaceKey(options.serviceBus.keys, [right])) throw new Error(`SAS service needs a namespace key with ${right} rights`);
  }
  const maxLifetime = Math.min(options.maxLifetimeInMs ?? MAX_SAS_LIFETIME_IN_MS, MAX_SAS_LIFETIME_IN_MS);
  const credential = new StorageSharedKeyCredential(options.blob.accountName, options.blob.accountKey);
  const blobEndpoint = options.blob.endpoint.replace(/\/+$/, '');
  const now = options.now ?? Date.now;

  return {
    issue(request) {
      const issuedAt = now();
      const lifetime = Math.max(60_000, Math.min(request.lifetimeInMs ?? maxLifetime, maxLifetime));
      const expiresOnSec = Math.floor((issuedAt + lifetime) / 1000);
      const expiresOn = new Date(expiresOnSec * 1000).toISOString();
      const { entities, container, permissions } = entitlementsFor(request);
      const grants = entities.map(({ entity, rights }) => {
        const key = pickNamespaceKey(options.serviceBus.keys, rights);
        if (!key) throw new Error(`no namespace key grants ${rights.join('+')}`);
        const resourceUri = `${endpoint}${entity}`;
        return { entity, rights, resourceUri, sharedAccessSignature: signServiceBusSas(resourceUri, key, expiresOnSec), expiresOn };
      });
      const sasToken = generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse(permissions),
          // Start a little in the past so that a storage clock slightly behind ours accepts the SAS at once.
          startsOn: new Date(issuedAt - 5 * 60_000),
          expiresOn: new Date(expiresOnSec * 1000),
          protocol: options.blob.allowHttp ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
        },
        credential,
      ).toString();
      return {
        tenantId: request.tenantId,
        role: request.role,
        issuedAt: new Date(issuedAt).toISOString(),
        expiresOn,
        serviceBus: { endpoint, entities: grants },
        blob: { endpoint: blobEndpoint, container, containerUrl: `${blobEndpoint}/${container}`, permissions, sasToken, expiresOn },
      };
    },
  };
}
