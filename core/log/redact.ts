/**
 * Secret scrubbing for anything that may reach a log line.
 * Two nets: keys whose names say "secret" are masked whatever their value, and string values are
 * scanned for credential shapes (SAS signatures, bearer tokens, connection-string keys, JWTs) and
 * for every secret value the process has registered (e.g. resolved from plugins.json references).
 */

const MASK = '[REDACTED]';

const SECRET_KEY = /(secret|password|passwd|pwd|token|authorization|sharedaccesskey|connectionstring|apikey|api_key|privatekey|private_key|credential|sig)$/i;

const SECRET_SHAPES: RegExp[] = [
  /SharedAccessSignature\s+[^\s"',;]+(?:&[^\s"',;]+)*/gi,
  /(SharedAccessKey\s*=\s*)[^;\s"']+/gi,
  /((?:^|[?&])sig=)[^&\s"']+/gi,
  /(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /(client_secret=)[^&\s"']+/gi,
];

const knownSecrets = new Set<string>();

/** Register a secret value (at least 4 characters) so that it is masked wherever it appears in a log line. */
export function registerSecret(value: string): void {
  if (value.length >= 4) knownSecrets.add(value);
}

/** Forget every registered secret (tests). */
export function clearRegisteredSecrets(): void {
  knownSecrets.clear();
}

/** Mask credential shapes and registered secret values inside one string. */
export function redactString(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (match, prefix?: string) => (typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}${MASK}` : MASK));
  }
  return out;
}

/** Deep copy of a value with secret-named keys masked and strings scrubbed; safe on cycles and errors. */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const source: Record<string, unknown> =
    value instanceof Error ? { type: value.name, message: value.message, stack: value.stack, ...(value as unknown as Record<string, unknown>) } : (value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null && item !== '' ? MASK : redactValue(item, seen);
  }
  return out;
}
