import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NonceCache, verifyUsernameToken } from './username-token.js';

const expected = { username: 'head-end', password: 's3cret&pw' };
const TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

/** A Security header as the soap package parses it. */
function textToken(username: string, password: string) {
  return { UsernameToken: { Username: username, Password: { attributes: { Type: TEXT }, $value: password } } };
}

function digestToken(password: string, created: string, nonce = Buffer.from('0123456789abcdef')) {
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
  return { UsernameToken: { Username: expected.username, Password: { attributes: { Type: DIGEST }, $value: digest }, Nonce: nonce.toString('base64'), Created: created } };
}

describe('verifyUsernameToken', () => {
  it('accepts the right PasswordText token and refuses wrong or missing ones', () => {
    expect(verifyUsernameToken(textToken('head-end', 's3cret&pw'), expected)).toEqual({ ok: true });
    expect(verifyUsernameToken({ UsernameToken: { Username: 'head-end', Password: 's3cret&pw' } }, expected)).toEqual({ ok: true });
    expect(verifyUsernameToken(textToken('head-end', 'guess'), expected)).toEqual({ ok: false, reason: 'wrong username or password' });
    expect(verifyUsernameToken(textToken('other', 's3cret&pw'), expected)).toEqual({ ok: false, reason: 'wrong username or password' });
    expect(verifyUsernameToken(undefined, expected)).toMatchObject({ ok: false });
    expect(verifyUsernameToken({}, expected)).toMatchObject({ ok: false });
    expect(verifyUsernameToken([textToken('head-end', 's3cret&pw'), textToken('head-end', 's3cret&pw')], expected)).toMatchObject({ ok: false });
  });

  it('accepts a fresh PasswordDigest once and refuses a replay, a stale one or a wrong password', () => {
    const now = Date.parse('2024-03-15T06:00:00Z');
    const nonces = new NonceCache(600_000);
    const token = digestToken(expected.password, '2024-03-15T05:59:30Z');
    expect(verifyUsernameToken(token, expected, { now, nonces })).toEqual({ ok: true });
    expect(verifyUsernameToken(token, expected, { now, nonces })).toEqual({ ok: false, reason: 'replayed UsernameToken nonce' });
    expect(verifyUsernameToken(digestToken(expected.password, '2024-03-15T05:40:00Z', Buffer.from('another nonce')), expected, { now, nonces })).toMatchObject({ ok: false, reason: expect.stringContaining('clock skew') });
    expect(verifyUsernameToken(digestToken('wrong', '2024-03-15T05:59:30Z', Buffer.from('third nonce')), expected, { now, nonces })).toEqual({ ok: false, reason: 'wrong username or password' });
  });
});
