/** Fields of a `Key=Value;Key=Value` connection string, keys lowercased. */
function fields(connectionString: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    const at = segment.indexOf('=');
    if (at > 0) out.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  return out;
}

/** The parts of a Service Bus connection string the cloud side needs. */
export interface ServiceBusConnection {
  /** `sb://host[:port]/`, with a trailing slash. */
  endpoint: string;
  keyName: string;
  key: string;
  useDevelopmentEmulator: boolean;
}

/** Parse `Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...[;UseDevelopmentEmulator=true]`. */
export function parseServiceBusConnectionString(connectionString: string): ServiceBusConnection {
  const parts = fields(connectionString);
  const endpoint = parts.get('endpoint');
  const keyName = parts.get('sharedaccesskeyname');
  const key = parts.get('sharedaccesskey');
  if (!endpoint) throw new Error('Service Bus connection string has no Endpoint');
  if (!keyName || !key) throw new Error('Service Bus connection string needs SharedAccessKeyName and SharedAccessKey');
  return { endpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/`, keyName, key, useDevelopmentEmulator: parts.get('usedevelopmentemulator') === 'true' };
}

/** The parts of a storage connection string the SAS service needs. */
export interface StorageConnection {
  accountName: string;
  accountKey: string;
  /** Blob endpoint without a trailing slash. */
  blobEndpoint: string;
}

/** Parse an Azure Storage (or Azurite) connection string with an account key. */
export function parseStorageConnectionString(connectionString: string): StorageConnection {
  const parts = fields(connectionString);
  const accountName = parts.get('accountname');
  const accountKey = parts.get('accountkey');
  if (!accountName || !accountKey) throw new Error('storage connection string needs AccountName and AccountKey');
  const explicit = parts.get('blobendpoint');
  const blobEndpoint = explicit ?? `${parts.get('defaultendpointsprotocol') ?? 'https'}://${accountName}.blob.${parts.get('endpointsuffix') ?? 'core.windows.net'}`;
  return { accountName, accountKey, blobEndpoint: blobEndpoint.replace(/\/+$/, '') };
}
