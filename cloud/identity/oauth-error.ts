/** Error codes of the token endpoint (RFC 6749 §5.2), plus the throttling answer. */
export const oauthErrorCodes = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'temporarily_unavailable',
  'server_error',
] as const;
/** A token endpoint error code. */
export type OAuthErrorCode = (typeof oauthErrorCodes)[number];

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  temporarily_unavailable: 429,
  server_error: 500,
};

/** A token endpoint failure, rendered as `{ error, error_description }` with the RFC's status code. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly statusCode: number;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    statusCode?: number,
  ) {
    super(`${code}: ${description}`);
    this.statusCode = statusCode ?? STATUS[code];
  }

  /** The JSON body of the error response. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}
