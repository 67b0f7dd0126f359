import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRole, Scope } from '../../contracts/index.js';
import { InvalidTokenError, TokenVerificationUnavailableError, type AccessTokenVerifier, type VerifiedAccessToken } from './access-token-verifier.js';
import { GatewayError } from './gateway-error.js';

const verified = new WeakMap<FastifyRequest, VerifiedAccessToken>();

/** The verified token of an authenticated request (set by {@link authenticate}). */
export function caller(request: FastifyRequest): VerifiedAccessToken {
  const token = verified.get(request);
  if (!token) throw new GatewayError('unauthorized', 'authentication required');
  return token;
}

/** onRequest hook: a valid bearer token or 401 with a Bearer challenge (RFC 6750 §3). */
export function authenticate(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '');
    if (!match) {
      throw new GatewayError('unauthorized', 'a bearer access token is required', undefined, { 'www-authenticate': 'Bearer realm="ihc"' });
    }
    try {
      verified.set(request, await verifier.verify(match[1]!));
    } catch (err) {
      if (err instanceof InvalidTokenError) {
        throw new GatewayError('unauthorized', err.message, undefined, {
          'www-authenticate': `Bearer realm="ihc", error="invalid_token", error_description="${err.message}"`,
        });
      }
      if (err instanceof TokenVerificationUnavailableError) throw new GatewayError('upstream_unavailable', 'token verification is unavailable; retry later');
      throw err;
    }
  };
}

/** What a route demands of the caller. */
export interface RouteAccess {
  scope: Scope;
  roles: readonly ClientRole[];
}

/** onRequest hook: the token's tenant must be the path's tenant, its scopes must include the route's, its role must be allowed. */
export function authorize(access: RouteAccess) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const { claims, scopes } = caller(request);
    const tenant = (request.params as { tenant?: string }).tenant;
    if (tenant !== claims.tenant) throw new GatewayError('forbidden', 'the access token is not valid for this tenant');
    if (!scopes.includes(access.scope)) {
      throw new GatewayError('insufficient_scope', `scope ${access.scope} is required`, undefined, {
        'www-authenticate': `Bearer realm="ihc", error="insufficient_scope", scope="${access.scope}"`,
      });
    }
    if (!access.roles.includes(claims.role)) throw new GatewayError('forbidden', `this route is for role ${access.roles.join(' or ')}`);
  };
}
