import { createHmac } from 'node:crypto';

/** When a minted token stops being valid. */
export interface SasTokenOptions {
  /** Absolute expiry; wins over `timeToLiveInMs`. */
  expiresAt?: Date;
  /** Lifetime from now; default one hour, as the Azure SDK mints them. */
  timeToLiveInMs?: number;
}

/** The fields of a `SharedAccessSignature ...` token. */
export interface ParsedSasToken {
  /** `sr` exactly as it appears in the token (still URL-encoded); the signature covers this form. */
  encodedResource: string;
  /** `sr` decoded: the resource URI the token grants access to. */
  resource: string;
  /** `sig` decoded: base64 HMAC-SHA256. */
  signature: string;
  /** `se`: expiry in seconds since the Unix epoch. */
  expiresAtSeconds: number;
  /** `se` exactly as written; the signature covers this form. */
  expiresAtText: string;
  /** `skn` decoded: the shared access key (rule) name. */
  keyName: string;
}

const PREFIX = 'SharedAccessSignature ';

/**
 * Mints a Service Bus SAS token exactly as `@azure/core-amqp` does: the HMAC key is the UTF-8 bytes of the key
 * string as written (not base64-decoded) and the signed text is `encoded sr + "\n" + se`.
 */
export function createSasToken(resourceUri: string, keyName: string, key: string, options: SasTokenOptions = {}): string {
  const expiresAtMs = options.expiresAt?.getTime() ?? Date.now() + (options.timeToLiveInMs ?? 3_600_000);
  const se = Math.floor(expiresAtMs / 1000);
  const sr = encodeURIComponent(resourceUri);
  const sig = encodeURIComponent(signSas(key, sr, String(se)));
  return `${PREFIX}sr=${sr}&sig=${sig}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}

/** Base64 HMAC-SHA256 of `encodedResource + "\n" + expiry` under `key`. */
export function signSas(key: string, encodedResource: string, expiresAtSeconds: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(`${encodedResource}\n${expiresAtSeconds}`).digest('base64');
}

/** Parses a SAS token; `undefined` when it is not one. */
export function parseSasToken(token: string): ParsedSasToken | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const fields = new Map<string, string>();
  for (const pair of token.slice(PREFIX.length).trim().split('&')) {
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    fields.set(pair.slice(0, at).toLowerCase(), pair.slice(at + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) return undefined;
  if (!/^\d+$/.test(se)) return undefined;
  try {
    return {
      encodedResource: sr,
      resource: decodeURIComponent(sr),
      signature: decodeURIComponent(sig),
      expiresAtSeconds: Number(se),
      expiresAtText: se,
      keyName: decodeURIComponent(skn),
    };
  } catch {
    return undefined;
  }
}
