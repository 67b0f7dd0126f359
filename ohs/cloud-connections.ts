import { ClientCredentialsTokenProvider, SasManager, toHybridAuthError } from '../core/auth/index.js';
import { HybridError } from '../core/sdk/index.js';
import type { Logger } from '../core/log/index.js';
import type { TenantConnections } from '../core/runtime/index.js';
import { ServiceBusChannel, type ServiceBusChannelOptions } from '../core/transport/index.js';

/** How an OHS reaches the cloud side in production: OAuth client credentials, then SAS from the SAS service. */
export interface CloudConnectionSettings {
  /** Identity token endpoint, e.g. `https://identity.example/connect/token`. */
  tokenEndpoint: string;
  /** Gateway base URL (SAS service). */
  gatewayUrl: string;
  clientId: string;
  /** From the environment or a secret file; never from plugins.json or argv. */
  clientSecret: string;
  /** Service Bus namespace host and ports; the mode is auto-detected (TCP preferred, WebSockets fallback). */
  serviceBus: Pick<ServiceBusChannelOptions, 'host' | 'amqpPort' | 'webSocketPort' | 'webSocketOptions' | 'mode'>;
  /** SAS rotation period; about 30 minutes by default (whitepaper). */
  rotateEveryInMs?: number;
  logger: Logger;
}

/**
 * Connections for each tenant over the cloud side: one client-credentials token provider and one SAS
 * manager per tenant, a channel that asks the SAS manager for a token per entity at every link attach
 * and claim renewal, and a container client that signs each request with the SAS current at that time.
 */
export function cloudConnections(settings: CloudConnectionSettings): (tenantId: string) => Promise<TenantConnections> {
  return async (tenantId) => {
    const log = settings.logger.child({ tenant: tenantId, component: 'auth' });
    const tokens = new ClientCredentialsTokenProvider({
      tokenEndpoint: settings.tokenEndpoint,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      logger: log,
      onError: (error) => log.warn({ code: error.code, err: error.message }, 'token refresh failed; the current token stays in use'),
    });
    const sas = new SasManager({
      gatewayUrl: settings.gatewayUrl,
      tenantId,
      tokenSource: tokens,
      rotateEveryInMs: settings.rotateEveryInMs,
      logger: log,
      onError: (error) => log.warn({ code: error.code, err: error.message }, 'SAS rotation failed; the current grant stays in use'),
    });
    try {
      await sas.start();
    } catch (error) {
      sas.close();
      // Leaves core/auth as the project's error type, so `ohs run` prints one clear line (bad secret, no access…).
      const failure = toHybridAuthError(error);
      throw new HybridError(failure.code, `tenant ${tenantId}: cannot get Service Bus and Blob access from ${settings.gatewayUrl}: ${failure.message}`, { cause: failure, retryable: failure.retryable });
    }
    const channel = new ServiceBusChannel({ ...settings.serviceBus, credentials: { kind: 'sas-provider', provider: sas.serviceBusTokenProvider }, logger: log });
    return {
      channel,
      container: sas.containerClient(),
      close: async () => sas.close(),
      ensureDeliveryAccess: async (entity) => {
        // A new subscriber's entity is in the grant only after a refresh; without it sends would fail
        // until the next rotation. A failure is retryable: the upsert is redelivered.
        await sas.ensureServiceBusCredential(entity).catch((error: unknown) => {
          throw new HybridError('transport', `no send access to ${entity} yet: ${toHybridAuthError(error).message}`, { retryable: true });
        });
      },
    };
  };
}
