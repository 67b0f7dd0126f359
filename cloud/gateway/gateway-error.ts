/** Every error code the gateway answers with: one catalogue, one HTTP status each. */
export const gatewayErrorStatus = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  upstream_unavailable: 503,
} as const;
/** A gateway error code. */
export type GatewayErrorCode = keyof typeof gatewayErrorStatus;

/** A refusal or failure the gateway renders as `{ error: { code, message, field? } }`; never carries library internals. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly statusCode: number;
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.statusCode = gatewayErrorStatus[code];
  }

  /** The response body. */
  toJSON(): { error: { code: GatewayErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** Name-based guard, robust across module copies. */
export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof Error && err.name === 'GatewayError' && 'code' in err && 'statusCode' in err;
}
