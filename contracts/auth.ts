import { z } from 'zod';

/**
 * The security contract between the cloud side and its clients (OHS instances and subscribing cloud services):
 * roles, scopes, access-token claims and the SAS grant the SAS service hands out.
 */

/** Who a client is: an on-premises hybrid service of a tenant, or a subscribing cloud service. */
export const clientRoles = ['ohs', 'subscriber'] as const;
/** A client role. */
export type ClientRole = (typeof clientRoles)[number];

/** Every scope the identity service can grant. A closed union: the gateway maps each route to one. */
export const scopes = {
  /** Subscribe to and unsubscribe from a tenant's feeds. */
  feeds: 'ihc.feeds',
  /** Send requests to a tenant's OHS and read their responses. */
  requests: 'ihc.requests',
  /** Send files to a tenant's OHS folders. */
  files: 'ihc.files',
  /** Obtain Service Bus and Blob SAS tokens for the caller's own entities. */
  sas: 'ihc.sas',
  /** OHS-only gateway routes (e.g. the tenant's full subscription list, for resynchronisation). */
  ohs: 'ihc.ohs',
} as const;
/** A scope. */
export type Scope = (typeof scopes)[keyof typeof scopes];
/** All scopes, in a stable order. */
export const allScopes: readonly Scope[] = Object.values(scopes);

/** Scopes each role may ever be granted; registering a client with others is refused. */
export const scopesByRole: Record<ClientRole, readonly Scope[]> = {
  ohs: [scopes.sas, scopes.ohs],
  subscriber: [scopes.feeds, scopes.requests, scopes.files, scopes.sas],
};

/** Claims of an access token (RFC 9068 JWT profile, plus the tenant and role). */
export const accessTokenClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string(),
  client_id: z.string(),
  tenant: z.string(),
  role: z.enum(clientRoles),
  /** Space-separated granted scopes. */
  scope: z.string(),
  exp: z.number(),
  iat: z.number(),
  jti: z.string(),
});
/** Claims of an access token. */
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** Service Bus rights a SAS can carry (Azure's authorization-rule rights). */
export const serviceBusRights = ['Listen', 'Send', 'Manage'] as const;
/** A Service Bus right. */
export type ServiceBusRight = (typeof serviceBusRights)[number];

/** One Service Bus entity the caller may use, with its own SAS token. */
export const serviceBusEntityGrantSchema = z.object({
  entity: z.string().min(1),
  rights: z.array(z.enum(serviceBusRights)).min(1),
  /** The `sr` the token was signed for (the entity's URI). */
  resourceUri: z.string(),
  /** `SharedAccessSignature sr=...&sig=...&se=...&skn=...`; give it to an `AzureSASCredential`. */
  sharedAccessSignature: z.string(),
  expiresOn: z.string(),
});
/** One Service Bus entity grant. */
export type ServiceBusEntityGrant = z.infer<typeof serviceBusEntityGrantSchema>;

/** What `POST /api/v1/tenants/{tenant}/sas` answers: SAS tokens for exactly what the caller's role may use. */
export const sasGrantSchema = z.object({
  tenantId: z.string(),
  role: z.enum(clientRoles),
  issuedAt: z.string(),
  /** Earliest expiry of anything in the grant. */
  expiresOn: z.string(),
  serviceBus: z.object({
    /** Namespace endpoint, e.g. `sb://example.servicebus.windows.net/`. */
    endpoint: z.string(),
    entities: z.array(serviceBusEntityGrantSchema),
  }),
  blob: z.object({
    /** Account endpoint, e.g. `https://account.blob.core.windows.net`. */
    endpoint: z.string(),
    container: z.string(),
    /** Container URL without the SAS. */
    containerUrl: z.string(),
    /** Container SAS permissions, in Azure's letter notation (e.g. `rl`, `racwl`). */
    permissions: z.string(),
    /** SAS query string without the leading `?`. */
    sasToken: z.string(),
    expiresOn: z.string(),
  }),
});
/** A SAS grant. */
export type SasGrant = z.infer<typeof sasGrantSchema>;
