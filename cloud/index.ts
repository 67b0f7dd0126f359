/** The IHC cloud side: identity (OAuth 2.0 client credentials), the gateway API and the SAS service. */
export { startCloud, type CloudOptions, type RunningCloud } from './start-cloud.js';
export { createIdentityServer, identityPaths, DEFAULT_AUDIENCE, type IdentityServer, type IdentityServerOptions } from './identity/identity-server.js';
export { ClientRegistry, ClientRegistryError, type RegisteredClient, type NewClient } from './identity/client-registry.js';
export { SigningKeyRing, SIGNING_ALGORITHM, type SigningKey, type SigningKeyRingOptions } from './identity/signing-key-ring.js';
export { OAuthError, oauthErrorCodes, type OAuthErrorCode } from './identity/oauth-error.js';
export { createGatewayServer, TENANT_ROUTE_PREFIX, type GatewayServer, type GatewayServerOptions } from './gateway/gateway-server.js';
export {
  createAccessTokenVerifier,
  InvalidTokenError,
  TokenVerificationUnavailableError,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type VerifiedAccessToken,
} from './gateway/access-token-verifier.js';
export { BlobStateStore, type RequestRecord, type SubscriptionRecord, type StoredFile } from './gateway/blob-state-store.js';
export { createServiceBusRelay, type GatewayBus, type ServiceBusRelayOptions } from './gateway/service-bus-relay.js';
export { GatewayError, gatewayErrorStatus, isGatewayError, type GatewayErrorCode } from './gateway/gateway-error.js';
export { defaultGatewayLimits, type GatewayLimits } from './gateway/gateway-deps.js';
export { createSasService, entitlementsFor, MAX_SAS_LIFETIME_IN_MS, containerPermissionsByRole, type SasService, type SasServiceOptions, type SasRequest } from './sas/sas-service.js';
export { signServiceBusSas, pickNamespaceKey, type NamespaceKey } from './sas/service-bus-sas.js';
export { parseServiceBusConnectionString, parseStorageConnectionString } from './config/connection-strings.js';
