import { timingSafeEqual } from 'node:crypto';
import type { AccessRight, SharedAccessRule } from './entity-definitions.js';
import { parseSasToken, signSas } from './sas-token.js';

/** What a verified token entitles a connection to: rights on every address under `path`, until `expiresAtMs`. */
export interface Claim {
  /** Lowercased entity path the claim covers ('' is the whole namespace), e.g. `q1` or `t1/subscriptions/s1`. */
  path: string;
  rights: ReadonlySet<AccessRight>;
  expiresAtMs: number;
  keyName: string;
}

/** Result of checking one put-token request. */
export type SasVerification = { ok: true; claim: Claim } | { ok: false; description: string };

/** Finds the rules named `keyName` whose scope contains `path` (namespace rules and the entity's own rules). */
export type RuleLookup = (keyName: string, path: string) => SharedAccessRule[];

/** Verifies Service Bus SAS tokens: format, key name, HMAC-SHA256 signature, expiry and audience. */
export class SasVerifier {
  constructor(
    private readonly rulesFor: RuleLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks `token`, presented for `audience` (the put-token `name`), and returns the claim it grants. */
  verify(token: string, audience: string): SasVerification {
    const parsed = parseSasToken(token);
    if (!parsed) {
      return fail(`InvalidSignature: the token is not of the form 'SharedAccessSignature sr=..&sig=..&se=..&skn=..'.`);
    }
    const target = parseResourceUri(audience);
    const granted = parseResourceUri(parsed.resource);
    if (!target) return fail(`InvalidAudience: '${audience}' is not a Service Bus resource URI.`);
    if (!granted) return fail(`InvalidAudience: the token resource '${parsed.resource}' is not a Service Bus resource URI.`);
    if (!sameNamespace(granted.host, target.host) || !pathCovers(granted.path, target.path)) {
      return fail(`InvalidAudience: the token audience '${parsed.resource}' does not cover '${audience}'.`);
    }
    if (parsed.expiresAtSeconds * 1000 <= this.now()) {
      return fail(`ExpiredToken: The token is expired. Expiration time: '${new Date(parsed.expiresAtSeconds * 1000).toISOString()}'.`);
    }
    const rules = this.rulesFor(parsed.keyName, granted.path);
    if (rules.length === 0) {
      return fail(`InvalidSignature: no shared access rule named '${parsed.keyName}' applies to '${parsed.resource}'.`);
    }
    const rule = rules.find((candidate) => signatureMatches(candidate, parsed.encodedResource, parsed.expiresAtText, parsed.signature));
    if (!rule) return fail('InvalidSignature: The token has an invalid signature.');
    return {
      ok: true,
      claim: { path: target.path, rights: effectiveRights(rule.rights), expiresAtMs: parsed.expiresAtSeconds * 1000, keyName: rule.keyName },
    };
  }
}

function fail(description: string): SasVerification {
  return { ok: false, description };
}

function signatureMatches(rule: SharedAccessRule, encodedResource: string, expiry: string, signature: string): boolean {
  const given = Buffer.from(signature, 'base64');
  return [rule.primaryKey, rule.secondaryKey].some((key) => {
    if (key === undefined) return false;
    const expected = Buffer.from(signSas(key, encodedResource, expiry), 'base64');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/** `Manage` implies `Send` and `Listen`, as Azure requires of Manage rules. */
export function effectiveRights(rights: readonly AccessRight[]): ReadonlySet<AccessRight> {
  const set = new Set<AccessRight>(rights);
  if (set.has('Manage')) {
    set.add('Send');
    set.add('Listen');
  }
  return set;
}

/** Host and lowercased path (no leading or trailing '/') of `sb://host[:port]/path`; the scheme may be omitted. */
export function parseResourceUri(uri: string): { host: string; path: string } | undefined {
  try {
    const url = new URL(uri.includes('://') ? uri : `sb://${uri}`);
    return { host: url.hostname.toLowerCase().replace(/^\[|\]$/g, ''), path: normalizePath(decodeURIComponent(url.pathname)) };
  } catch {
    return undefined;
  }
}

/** Lowercases and trims '/' so paths compare the way Azure compares entity names. */
export function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** True when `scope` is `path` or one of its ancestors, segment by segment (`q1` covers `q1/$management`, not `q10`). */
export function pathCovers(scope: string, path: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

// The sandbox is reachable under several loopback names; a token minted for one of them is as good as another.
function sameNamespace(a: string, b: string): boolean {
  return a === b || (LOOPBACK.has(a) && LOOPBACK.has(b));
}
