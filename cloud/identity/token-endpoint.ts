import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientRegistry, RegisteredClient } from './client-registry.js';
import { OAuthError } from './oauth-error.js';
import { SIGNING_ALGORITHM, type SigningKeyRing } from './signing-key-ring.js';

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** What the client-credentials grant needs from its host server. */
export interface ClientCredentialsGrantOptions {
  registry: ClientRegistry;
  keys: SigningKeyRing;
  /** The issuer (`iss`), read per request because it is known only once the server listens. */
  issuer: () => string;
  audience: string;
  tokenLifetimeInMs: number;
  now?: () => number;
}

/** A token request as the HTTP layer hands it over: the Authorization header and the form, if the body was a form. */
export interface TokenRequestInput {
  authorization?: string | undefined;
  form: URLSearchParams | undefined;
}

/** Whether the client tried HTTP Basic authentication (RFC 6749 §5.2 then requires a WWW-Authenticate challenge). */
export function usesBasicAuthentication(authorization: string | undefined): boolean {
  return /^basic\s/i.test(authorization ?? '');
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ':' and base64-encoded.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function readBasic(authorization: string): { clientId: string; clientSecret: string } {
  const encoded = authorization.replace(/^basic\s+/i, '').trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'malformed Basic credentials');
  }
}

function single(form: URLSearchParams, name: string): string | undefined {
  const value = form.get(name);
  return value === null ? undefined : value;
}

/**
 * The client-credentials grant (RFC 6749 §4.4): validate the request, authenticate the client
 * (client_secret_basic or client_secret_post, never both), check the scope, and sign a one-tenant access token.
 * Throws {@link OAuthError} for every refusal.
 */
export async function processTokenRequest(
  input: TokenRequestInput,
  options: ClientCredentialsGrantOptions,
): Promise<{ client: RegisteredClient; response: TokenResponse; kid: string }> {
  const form = input.form;
  if (!form) throw new OAuthError('invalid_request', 'request body must be application/x-www-form-urlencoded');
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
  }
  const grantType = single(form, 'grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'only grant_type=client_credentials is supported');

  const bodyId = single(form, 'client_id');
  const bodySecret = single(form, 'client_secret');
  let clientId: string | undefined;
  let clientSecret: string | undefined;
  if (usesBasicAuthentication(input.authorization)) {
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method, not Basic and client_secret together');
    ({ clientId, clientSecret } = readBasic(input.authorization!));
    if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
  } else {
    clientId = bodyId;
    clientSecret = bodySecret;
  }
  if (!clientId) throw new OAuthError('invalid_client', 'client authentication required: client_id and client_secret');
  if (!clientSecret) throw new OAuthError('invalid_client', 'client authentication required: client_secret is missing');
  const client = await options.registry.authenticate(clientId, clientSecret);
  if (!client) throw new OAuthError('invalid_client', 'client authentication failed');

  const requested = (single(form, 'scope') ?? '').split(' ').filter(Boolean);
  const refused = requested.filter((scope) => !(client.scopes as string[]).includes(scope));
  if (refused.length > 0) throw new OAuthError('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);
  const granted = requested.length > 0 ? [...new Set(requested)] : client.scopes;

  const now = options.now ?? Date.now;
  const issuedAt = Math.floor(now() / 1000);
  const lifetime = Math.floor(options.tokenLifetimeInMs / 1000);
  const key = options.keys.active;
  const token = await new SignJWT({ client_id: client.clientId, tenant: client.tenantId, role: client.role, scope: granted.join(' ') })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer())
    .setAudience(options.audience)
    .setSubject(client.clientId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { client, kid: key.kid, response: { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: granted.join(' ') } };
}
