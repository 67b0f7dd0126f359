import type { z } from 'zod';
import type { AdapterContext } from './context.js';

/** Declaration of one operation a request-response adapter offers. */
export interface OperationDeclaration {
  /** Operation name, kebab-case, e.g. "interactive-read". */
  name: string;
  description: string;
  /** Schema of the request payload; the core validates before calling `handle`. */
  request: z.ZodType;
  /** Schema of the result payload. */
  result: z.ZodType;
  /** Deadline applied when the caller gives none. */
  defaultTimeoutInMs: number;
}

/** Per-call options of {@link RequestResponseAdapter.handle}. */
export interface HandleOptions {
  /** Aborted when the deadline passes or the adapter stops. */
  signal: AbortSignal;
  /** Absolute deadline. */
  deadline: Date;
}

/** A request-response adapter: answers operations by calling the head-end. */
export interface RequestResponseAdapter {
  start(context: AdapterContext): Promise<void>;
  stop(): Promise<void>;
  /** Execute one operation; resolve with a result matching the declared schema, or throw a HybridError. */
  handle(operation: string, request: unknown, options: HandleOptions): Promise<unknown>;
}
