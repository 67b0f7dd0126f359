import { readingSchema, z, type OperationDeclaration } from '../../../core/sdk/index.js';

/** Name of the one operation this adapter offers. */
export const interactiveReadOperation = 'interactive-read';

const readingTypeCode = z.string().regex(/^-?\d{1,4}(\.-?\d{1,4}){17}$/, 'must be an 18-part IEC 61968-9 ReadingType code');

/** Payload of an interactive-read request. */
export const interactiveReadRequestSchema = z.strictObject({
  meterIds: z.array(z.string().trim().min(1).max(128)).min(1).max(100).describe('Meters to read (ESN-style ids), 1 to 100; duplicates are read once.'),
  readingTypes: z.array(readingTypeCode).min(1).max(20).optional().describe('ReadingType codes to read; the head-end default (a kWh register read) when absent.'),
});
/** An interactive-read request. */
export type InteractiveReadRequest = z.infer<typeof interactiveReadRequestSchema>;

/** Outcome of one meter. */
export const meterReadOutcomeSchema = z.object({
  meterId: z.string().min(1),
  status: z.enum(['ok', 'failed']),
  readings: z.array(readingSchema),
  error: z.string().optional().describe('Why the read failed, as the head-end said it'),
});
/** Outcome of one meter. */
export type MeterReadOutcome = z.infer<typeof meterReadOutcomeSchema>;

/** Result of an interactive read: one outcome per requested meter, in request order. */
export const interactiveReadResultSchema = z.object({
  requestToken: z.string().min(1).describe('The head-end request token of the read'),
  meters: z.array(meterReadOutcomeSchema),
});
/** Result of an interactive read. */
export type InteractiveReadResult = z.infer<typeof interactiveReadResultSchema>;

/** Declaration of the interactive-read operation. */
export const interactiveReadDeclaration: OperationDeclaration = {
  name: interactiveReadOperation,
  description: 'Read meters now through the head-end (InteractiveRead, then GetInteractiveReadResult until the request completes).',
  request: interactiveReadRequestSchema,
  result: interactiveReadResultSchema,
  defaultTimeoutInMs: 120_000,
};
