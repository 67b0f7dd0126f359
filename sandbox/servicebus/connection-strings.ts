/** How a client reaches the emulator. */
export type EmulatorTransport = 'tcp' | 'tls' | 'websocket';

/** Options of a connection string. */
export interface ConnectionStringOptions {
  /** Default `tcp` (the client's `UseDevelopmentEmulator=true` mode). */
  transport?: EmulatorTransport;
  /** SAS rule name; default the first namespace rule (RootManageSharedAccessKey unless configured). */
  keyName?: string;
  /** SAS key; default that rule's primary key. */
  key?: string;
  /** A ready-made `SharedAccessSignature sr=...` token to use instead of a key (sent for every audience). */
  sharedAccessSignature?: string;
  /** Adds `EntityPath=`. */
  entityPath?: string;
}

/** Builds a Service Bus connection string for `endpoint` (`sb://host:port`). */
export function buildConnectionString(
  endpoint: string,
  credentials: { keyName: string; key: string } | { sharedAccessSignature: string },
  options: { developmentEmulator: boolean; entityPath?: string },
): string {
  const parts = [`Endpoint=${endpoint}`];
  if ('sharedAccessSignature' in credentials) {
    parts.push(`SharedAccessSignature=${credentials.sharedAccessSignature}`);
  } else {
    parts.push(`SharedAccessKeyName=${credentials.keyName}`, `SharedAccessKey=${credentials.key}`);
  }
  if (options.entityPath) parts.push(`EntityPath=${options.entityPath}`);
  // Only this flag makes the client use plain TCP (default port 5672) instead of TLS.
  if (options.developmentEmulator) parts.push('UseDevelopmentEmulator=true');
  return parts.join(';');
}
