import type { AccessToken, NamedKeyCredential } from '@azure/core-auth';
import type { Logger } from '../log/index.js';
import type { BackoffOptions } from '../retry/backoff.js';
import type { ConnectivityMode } from './connectivity-probe.js';

/**
 * A source of SAS tokens per audience, in the shape `@azure/core-amqp` recognises (`isSasTokenProvider`):
 * the client asks it at every link attach and claim renewal, so rotated tokens reach live links.
 */
export interface SasTokenSource {
  readonly isSasTokenProvider: true;
  getToken(audience: string): Promise<AccessToken>;
}

/**
 * Credentials of a channel.
 * - `named-key`: one shared access key (sandbox, or a dedicated OHS key); `update()` on the credential rotates it.
 * - `sas-provider`: short-lived SAS tokens per entity from the cloud SAS service (core/auth SasManager),
 *   rotated before expiry without dropping links.
 */
export type ChannelCredentials = { kind: 'named-key'; credential: NamedKeyCredential } | { kind: 'sas-provider'; provider: SasTokenSource };

/** Options of {@link ServiceBusChannel}. Durations end in `InMs`. */
export interface ServiceBusChannelOptions {
  /** Namespace host, e.g. `contoso.servicebus.windows.net`, or `127.0.0.1` for the sandbox. */
  host: string;
  /** AMQP port: 5671 (TLS) by default, 5672 with `useDevelopmentEmulator`. */
  amqpPort?: number;
  /** AMQP-over-WebSockets port: 443 by default. */
  webSocketPort?: number;
  /** Plain TCP without TLS: the Service Bus emulator / sandbox mode only. */
  useDevelopmentEmulator?: boolean;
  /** Passed to the `ws` constructor (e.g. `{ ca }` for a private CA). */
  webSocketOptions?: Record<string, unknown>;
  credentials: ChannelCredentials;
  /** `auto` (default) probes both ways, prefers TCP and re-probes after persistent failure. */
  mode?: ConnectivityMode | 'auto';
  probeTimeoutInMs?: number;
  /** How long failures must persist before connectivity is probed again. Default 60 s. */
  reprobeAfterInMs?: number;
  /** Backoff between send attempts. */
  retry?: BackoffOptions & { maxAttempts?: number };
  /**
   * Time one Service Bus operation may take before it counts as failed and is retried by the channel.
   * Default 20 s: a send issued on a socket that died silently otherwise waits the client's 60 s.
   */
  operationTimeoutInMs?: number;
  logger?: Logger;
}

/** Parse a Service Bus connection string into channel options (sandbox and key-based deployments). */
export function channelOptionsFromConnectionString(
  connectionString: string,
  createNamedKey: (name: string, key: string) => NamedKeyCredential,
): Pick<ServiceBusChannelOptions, 'host' | 'amqpPort' | 'useDevelopmentEmulator' | 'credentials'> {
  const parts = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    const at = segment.indexOf('=');
    if (at > 0) parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  const keyName = parts.get('sharedaccesskeyname');
  const key = parts.get('sharedaccesskey');
  if (endpoint === undefined) throw new TypeError('Service Bus connection string has no Endpoint');
  if (keyName === undefined || key === undefined) throw new TypeError('Service Bus connection string needs SharedAccessKeyName and SharedAccessKey');
  const url = new URL(endpoint.replace(/^sb:/, 'http:'));
  return {
    host: url.hostname,
    ...(url.port === '' ? {} : { amqpPort: Number(url.port) }),
    useDevelopmentEmulator: parts.get('usedevelopmentemulator') === 'true',
    credentials: { kind: 'named-key', credential: createNamedKey(keyName, key) },
  };
}
