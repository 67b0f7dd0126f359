import { z } from 'zod';

/**
 * Canonical record shapes, modelled on IEC 61968-9 (MeterReadings / EndDeviceEvents) so that cloud
 * consumers never need to know a head-end's dialect. Every timestamp is ISO 8601 in UTC ('Z').
 */

const utcTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'timestamp must be ISO 8601 in UTC, ending in Z');

/** Reading quality, a small closed vocabulary; the head-end's own code travels beside it in `qualityCode`. */
export const readingQualitySchema = z.enum(['valid', 'estimated', 'edited', 'questionable', 'missing', 'invalid']);
/** Reading quality. */
export type ReadingQuality = z.infer<typeof readingQualitySchema>;

/** One measured value: an interval reading (with `intervalStart`) or a register read. */
export const readingSchema = z.object({
  kind: z.literal('reading'),
  meterId: z.string().min(1).describe('Meter identifier as the head-end names it (e.g. an ESN)'),
  readingType: z.string().min(1).describe('IEC 61968-9 ReadingType code, or a source-specific reading id'),
  timestamp: utcTimestamp.describe('Interval end or register read time, UTC'),
  intervalStart: utcTimestamp.optional().describe('Interval start, UTC; absent for register reads'),
  value: z.number().finite(),
  unit: z.string().min(1).describe('Unit of measure, e.g. kWh, kW, V, F'),
  quality: readingQualitySchema,
  qualityCode: z.string().optional().describe('Source quality code, e.g. IEC 61968-9 "2.8.0"'),
});
/** One measured value. */
export type Reading = z.infer<typeof readingSchema>;

/** Something that happened at a device: an exception, alarm, trap or job update. */
export const deviceEventSchema = z.object({
  kind: z.literal('event'),
  meterId: z.string().min(1),
  eventType: z.string().min(1).describe('Source event code or IEC 61968-9 EndDeviceEventType'),
  name: z.string().min(1).describe('Human-readable event name'),
  category: z.string().optional(),
  timestamp: utcTimestamp,
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  arguments: z.record(z.string(), z.string()).optional(),
});
/** Something that happened at a device. */
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

/** Progress of a head-end job (e.g. an interrogation by group). */
export const jobUpdateSchema = z.object({
  kind: z.literal('job-update'),
  jobId: z.string().min(1),
  jobType: z.string().min(1),
  state: z.enum(['Initialized', 'InProgress', 'Completed', 'CompletedWithErrors', 'Failed', 'Cancelled', 'TimedOut']),
  timestamp: utcTimestamp,
  counts: z.object({ total: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), pending: z.number().int() }).partial().optional(),
});
/** Progress of a head-end job. */
export type JobUpdate = z.infer<typeof jobUpdateSchema>;

/** Any canonical record a feed publishes. */
export const feedRecordSchema = z.discriminatedUnion('kind', [readingSchema, deviceEventSchema, jobUpdateSchema]);
/** Any canonical record a feed publishes. */
export type FeedRecord = z.infer<typeof feedRecordSchema>;
