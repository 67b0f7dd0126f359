import type { FeedRecord } from '../../contracts/records.js';

/** A file the adapter must accept, with the metadata it must report. */
export interface ValidFileFixture {
  /** Absolute path of the fixture file. */
  path: string;
  expect: {
    recordCount: number;
    identifiers?: string[];
    timeRange?: { from: string; to: string };
    /** Keys and values that must appear in `metadata` (a subset match). */
    metadata?: Record<string, unknown>;
  };
}

/** A file the adapter must reject, with where the reasons must point. */
export interface InvalidFileFixture {
  path: string;
  expect: {
    /** Every one of these 1-based lines must be named by some reason. */
    lines?: number[];
    /** Every one of these substrings must appear in some reason's message (case-insensitive). */
    messages?: string[];
  };
}

/** A head-end push the data-feed adapter must turn into these records. */
export interface FeedFixture {
  feed: string;
  /**
   * Sends the head-end's push to the adapter (e.g. a SOAP call) and resolves when acknowledged.
   * `adapter` is the instance under test, so a fixture can read where it listens (e.g. `endpointUrl`).
   */
  push(adapterConfig: Record<string, unknown>, adapter: unknown): Promise<void>;
  expectRecords: FeedRecord[];
}

/** A request the request-response adapter must answer. */
export interface RequestFixture {
  operation: string;
  request: unknown;
  /** Expected result (deep-equal), or the error code the adapter must throw. */
  expect: { result: unknown } | { errorCode: string };
}

/**
 * Everything the contract suite needs to exercise one adapter. Each adapter folder exports one of
 * these from `contract-fixtures.ts`; integrators write the same for their own adapters.
 */
export interface AdapterFixtures {
  /** A config that validates and lets the adapter start on this machine (secrets already resolved). */
  config: Record<string, unknown>;
  /** Started before and stopped after the method cases (e.g. a head-end simulator); returns config overrides. */
  setup?: () => Promise<{ config?: Record<string, unknown>; teardown: () => Promise<void> }>;
  files?: { valid: ValidFileFixture[]; invalid: InvalidFileFixture[] };
  feeds?: FeedFixture[];
  requests?: RequestFixture[];
}
