/** The OHS's credentials: OAuth client-credentials access tokens and rotating Service Bus / Blob SAS. */
export { AuthError, isAuthError, authErrorCodes, toHybridAuthError, type AuthErrorCode } from './auth-error.js';
export {
  ClientCredentialsTokenProvider,
  type AccessToken,
  type AccessTokenSource,
  type ClientCredentialsTokenProviderOptions,
  type GetTokenOptions,
} from './client-credentials-token-provider.js';
export { SasManager, grantForAudience, type SasManagerOptions, type RotationListener, type ServiceBusSasTokenProvider } from './sas-manager.js';
export { createRotatingSasPipeline, createSasContainerClient, withSas } from './sas-blob-pipeline.js';
