import { describe, expect, it } from 'vitest';
import type { SharedAccessRule } from './entity-definitions.js';
import { createSasToken, parseSasToken } from './sas-token.js';
import { pathCovers, SasVerifier } from './sas-verifier.js';

const NOW = Date.UTC(2030, 0, 1);
const ROOT: SharedAccessRule = { keyName: 'root', primaryKey: 'root-key', rights: ['Manage'] };
const LISTEN: SharedAccessRule = { keyName: 'listener', primaryKey: 'listen-key', secondaryKey: 'listen-key-2', rights: ['Listen'] };
const ORDERS_ONLY: SharedAccessRule = { keyName: 'orders-writer', primaryKey: 'orders-key', rights: ['Send'] };

// Namespace rules everywhere; ORDERS_ONLY only inside the `orders` entity.
const verifier = new SasVerifier((keyName, path) => {
  const rules = [ROOT, LISTEN].filter((rule) => rule.keyName === keyName);
  if (path === 'orders' || path.startsWith('orders/')) rules.push(...[ORDERS_ONLY].filter((rule) => rule.keyName === keyName));
  return rules;
}, () => NOW);

const ENDPOINT = 'sb://localhost:5672';
const inAnHour = { expiresAt: new Date(NOW + 3_600_000) };

describe('SAS tokens', () => {
  it('round-trips the Azure SDK token format', () => {
    const token = createSasToken(`${ENDPOINT}/orders`, 'root', 'root-key', inAnHour);
    expect(token).toMatch(/^SharedAccessSignature sr=sb%3A%2F%2Flocalhost%3A5672%2Forders&sig=[^&]+&se=\d+&skn=root$/);
    expect(parseSasToken(token)).toMatchObject({ resource: `${ENDPOINT}/orders`, keyName: 'root', expiresAtSeconds: (NOW + 3_600_000) / 1000 });
    expect(parseSasToken('Bearer abc')).toBeUndefined();
    expect(parseSasToken('SharedAccessSignature sr=x&sig=y')).toBeUndefined();
  });

  it('grants the rule rights for the requested audience; Manage implies Send and Listen', () => {
    const result = verifier.verify(createSasToken(`${ENDPOINT}/`, 'root', 'root-key', inAnHour), `${ENDPOINT}/orders/$management`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.claim.path).toBe('orders/$management');
    expect([...result.claim.rights].sort()).toEqual(['Listen', 'Manage', 'Send']);
    expect(result.claim.expiresAtMs).toBe(NOW + 3_600_000);
  });

  it('accepts the secondary key', () => {
    expect(verifier.verify(createSasToken(`${ENDPOINT}/q`, 'listener', 'listen-key-2', inAnHour), `${ENDPOINT}/q`).ok).toBe(true);
  });

  it.each([
    ['a wrong key', createSasToken(`${ENDPOINT}/q`, 'root', 'guess', inAnHour), `${ENDPOINT}/q`, /invalid signature/],
    ['an unknown key name', createSasToken(`${ENDPOINT}/q`, 'nobody', 'root-key', inAnHour), `${ENDPOINT}/q`, /no shared access rule named 'nobody'/],
    ['an expired token', createSasToken(`${ENDPOINT}/q`, 'root', 'root-key', { expiresAt: new Date(NOW - 1000) }), `${ENDPOINT}/q`, /ExpiredToken/],
    ['another entity', createSasToken(`${ENDPOINT}/q1`, 'root', 'root-key', inAnHour), `${ENDPOINT}/q2`, /InvalidAudience/],
    ['a name prefix that is not a path prefix', createSasToken(`${ENDPOINT}/q`, 'root', 'root-key', inAnHour), `${ENDPOINT}/q2`, /InvalidAudience/],
    ['another namespace', createSasToken('sb://elsewhere.example/q', 'root', 'root-key', inAnHour), `${ENDPOINT}/q`, /InvalidAudience/],
    ['an entity rule outside its entity', createSasToken(`${ENDPOINT}/invoices`, 'orders-writer', 'orders-key', inAnHour), `${ENDPOINT}/invoices`, /no shared access rule/],
    ['garbage', 'SharedAccessSignature nonsense', `${ENDPOINT}/q`, /not of the form/],
  ])('refuses %s', (_case, token, audience, description) => {
    const result = verifier.verify(token, audience);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.description).toMatch(description);
  });

  it('detects a tampered signature, resource or expiry', () => {
    const token = createSasToken(`${ENDPOINT}/q`, 'root', 'root-key', inAnHour);
    const tamperedExpiry = token.replace(/se=(\d+)/, (_m, se: string) => `se=${Number(se) + 60}`);
    const tamperedResource = token.replace('%2Fq&', '%2Fq2&');
    expect(verifier.verify(tamperedExpiry, `${ENDPOINT}/q`).ok).toBe(false);
    expect(verifier.verify(tamperedResource, `${ENDPOINT}/q2`).ok).toBe(false);
  });

  it('lets entity rules sign for their own entity and treats loopback names as one namespace', () => {
    expect(verifier.verify(createSasToken('sb://127.0.0.1:5672/orders', 'orders-writer', 'orders-key', inAnHour), `${ENDPOINT}/orders`).ok).toBe(true);
  });

  it('compares paths segment by segment, case-insensitively via normalized paths', () => {
    expect(pathCovers('', 'anything')).toBe(true);
    expect(pathCovers('q', 'q')).toBe(true);
    expect(pathCovers('q', 'q/$deadletterqueue')).toBe(true);
    expect(pathCovers('q', 'q2')).toBe(false);
    expect(verifier.verify(createSasToken(`${ENDPOINT}/Orders`, 'root', 'root-key', inAnHour), `${ENDPOINT}/orders`).ok).toBe(true);
  });
});
