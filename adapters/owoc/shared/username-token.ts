import { createHash, timingSafeEqual } from 'node:crypto';
import { asElement, attribute, occurrences, textOf } from './soap-object.js';

/** The credentials a WS-Security UsernameToken must carry. */
export interface UsernameTokenCredentials {
  username: string;
  password: string;
}

/** Outcome of {@link verifyUsernameToken}; `reason` is for logs only, never for the sender. */
export type UsernameTokenCheck = { ok: true } | { ok: false; reason: string };

/** Remembers recent PasswordDigest nonces so a captured message cannot be replayed. */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  constructor(
    readonly ttlInMs: number,
    readonly maxEntries = 10_000,
  ) {}

  /** Record a nonce; false when it was already seen within the time-to-live. */
  remember(nonce: string, now: number): boolean {
    for (const [key, expires] of this.#seen) {
      if (expires > now && this.#seen.size < this.maxEntries) break;
      this.#seen.delete(key);
    }
    const expires = this.#seen.get(nonce);
    if (expires !== undefined && expires > now) return false;
    this.#seen.set(nonce, now + this.ttlInMs);
    return true;
  }
}

const DIGEST = '#PasswordDigest';

/**
 * Check the UsernameToken of a parsed `wsse:Security` header (OASIS UsernameToken Profile 1.0)
 * against the expected credentials. Accepts PasswordText (meant for TLS or a trusted LAN) and
 * PasswordDigest = Base64(SHA-1(nonce + created + password)), the latter only with a fresh
 * `Created` and an unseen nonce. Comparisons run in constant time.
 */
export function verifyUsernameToken(
  security: unknown,
  expected: UsernameTokenCredentials,
  options: { now?: number; maxClockSkewInMs?: number; nonces?: NonceCache } = {},
): UsernameTokenCheck {
  const header = occurrences(security);
  if (header.length !== 1) return { ok: false, reason: header.length === 0 ? 'no WS-Security header' : 'more than one WS-Security header' };
  const tokens = occurrences(asElement(header[0])?.UsernameToken);
  if (tokens.length !== 1) return { ok: false, reason: tokens.length === 0 ? 'no UsernameToken' : 'more than one UsernameToken' };
  const token = asElement(tokens[0]);
  if (token === undefined) return { ok: false, reason: 'empty UsernameToken' };
  const username = textOf(token.Username);
  const passwordNode = token.Password;
  const password = typeof passwordNode === 'string' ? passwordNode : textOf(passwordNode);
  if (username === undefined || password === undefined) return { ok: false, reason: 'UsernameToken lacks Username or Password' };
  const passwordElement = asElement(passwordNode);
  const type = passwordElement === undefined ? undefined : attribute(passwordElement, 'Type');
  const userMatches = constantTimeEqual(username, expected.username);
  if (type !== undefined && type.endsWith(DIGEST)) {
    const nonce = textOf(token.Nonce);
    const created = textOf(token.Created);
    if (!nonce || !created) return { ok: false, reason: 'PasswordDigest without Nonce or Created' };
    const now = options.now ?? Date.now();
    const createdAt = Date.parse(created);
    const skew = options.maxClockSkewInMs ?? 5 * 60_000;
    if (Number.isNaN(createdAt) || Math.abs(now - createdAt) > skew) return { ok: false, reason: 'UsernameToken Created is missing or outside the allowed clock skew' };
    const digest = createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(expected.password, 'utf8')]))
      .digest('base64');
    if (!(userMatches && constantTimeEqual(password, digest))) return { ok: false, reason: 'wrong username or password' };
    if (options.nonces && !options.nonces.remember(nonce, now)) return { ok: false, reason: 'replayed UsernameToken nonce' };
    return { ok: true };
  }
  return userMatches && constantTimeEqual(password, expected.password) ? { ok: true } : { ok: false, reason: 'wrong username or password' };
}

/** Compare two strings without revealing, through timing, where they differ (or their lengths). */
function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
