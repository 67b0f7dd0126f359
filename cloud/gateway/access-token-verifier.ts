import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { accessTokenClaimsSchema, type AccessTokenClaims, type Scope } from '../../contracts/index.js';

/** A verified access token: its claims, with the scope split into a list. */
export interface VerifiedAccessToken {
  claims: AccessTokenClaims;
  scopes: Scope[];
}

/** Why a token was refused; the message is safe to return to the caller (it never contains the token). */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** The verifier could not reach the identity service's keys; the caller should answer 503, not 401. */
export class TokenVerificationUnavailableError extends Error {
  override name = 'TokenVerificationUnavailableError';
}

/** Checks bearer tokens. */
export interface AccessTokenVerifier {
  /** The token's claims, or {@link InvalidTokenError}. */
  verify(token: string): Promise<VerifiedAccessToken>;
}

/** Options for {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Where keys come from: a JWKS URL (fetched and cached) or a key resolver such as `createLocalJWKSet`. */
  keys: { jwksUri: string } | JWTVerifyGetKey;
  /** Accepted clock difference with the identity service, in seconds; 30 by default. */
  clockToleranceInSec?: number;
}

/**
 * A verifier that accepts only ES256 `at+jwt` tokens from the expected issuer for the expected audience,
 * signed by a key the identity service publishes, unexpired, and carrying tenant, role and scope claims.
 * `alg: none` and HMAC tokens are refused by the algorithm allow-list.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const getKey: JWTVerifyGetKey =
    typeof options.keys === 'function'
      ? options.keys
      : // A short cooldown lets a freshly rotated key be picked up quickly; the ring also pre-publishes it.
        createRemoteJWKSet(new URL(options.keys.jwksUri), { cooldownDuration: 5_000, cacheMaxAge: 300_000 });
  return {
    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256'],
          typ: 'at+jwt',
          clockTolerance: options.clockToleranceInSec ?? 30,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (err) {
        if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
          throw new TokenVerificationUnavailableError('signing keys are unavailable', { cause: err });
        }
        throw new InvalidTokenError(describe(err));
      }
      const claims = accessTokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw new InvalidTokenError('token lacks tenant, role or scope claims');
      return { claims: claims.data, scopes: claims.data.scope.split(' ').filter(Boolean) as Scope[] };
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim ${err.claim} is not acceptable`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'token signing key is unknown';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'token is malformed';
  return 'token could not be verified';
}
