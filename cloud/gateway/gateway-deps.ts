import type { Logger } from '../../core/log/index.js';
import type { SasService } from '../sas/sas-service.js';
import type { BlobStateStore } from './blob-state-store.js';
import type { GatewayBus } from './service-bus-relay.js';

/** Bounds the gateway enforces. */
export interface GatewayLimits {
  /** Longest `waitInMs` a GET of a request may block. */
  maxWaitInMs: number;
  /** Request timeout when the caller names none. */
  defaultRequestTimeoutInMs: number;
  /** Longest request timeout a caller may ask for. */
  maxRequestTimeoutInMs: number;
  /** After the deadline, how long the gateway still waits for a late response before answering timed-out. */
  responseGraceInMs: number;
  /** Largest JSON request payload relayed to an OHS (it must fit a Service Bus message). */
  maxRequestPayloadBytes: number;
  /** Largest file accepted for download to an OHS. */
  maxFileBytes: number;
}

/** What the route modules share. */
export interface GatewayDeps {
  store: BlobStateStore;
  bus: GatewayBus;
  sas: SasService;
  logger: Logger;
  limits: GatewayLimits;
}

/** Default {@link GatewayLimits}. */
export const defaultGatewayLimits: GatewayLimits = {
  maxWaitInMs: 30_000,
  defaultRequestTimeoutInMs: 60_000,
  maxRequestTimeoutInMs: 15 * 60_000,
  responseGraceInMs: 5_000,
  maxRequestPayloadBytes: 192 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
};
