import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Client secrets are stored only as salted scrypt hashes, encoded as
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>` so that parameters can be raised later
 * without invalidating existing registrations.
 */

const DEFAULT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, options, (err, derived) => (err ? reject(err) : resolve(derived)));
  });
}

/** Hash a client secret with a fresh random salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = DEFAULT_PARAMS;
  const derived = await scryptAsync(secret, salt, KEY_LENGTH, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, r, p, salt.toString('base64url'), derived.toString('base64url')].join('$');
}

/** Check a presented secret against a stored hash in constant time; a malformed hash never verifies. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length === 0) return false;
  const derived = await scryptAsync(secret, salt, expected.length, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(derived, expected);
}

let dummy: Promise<string> | undefined;
/** A hash of a random value, verified against for unknown client ids so that timing does not reveal which ids exist. */
export function dummySecretHash(): Promise<string> {
  return (dummy ??= hashSecret(randomBytes(32).toString('base64url')));
}

/** A new client secret: 256 random bits, base64url. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
