/** The minimal structured logger adapters receive (pino-compatible). */
export interface AdapterLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): AdapterLogger;
}

/** What every adapter is given when it starts. */
export interface AdapterContext {
  tenantId: string;
  log: AdapterLogger;
  /** Aborted when the adapter is being stopped; long-running work should end on it. */
  signal: AbortSignal;
}
