import { maxReasonsField, z } from '../../../core/sdk/index.js';
import { isIanaTimeZone } from './cmep-clock.js';
import { defaultPassThroughRecordTypes } from './parse-cmep.js';

/** Configuration of the cmep-files adapter (one entry in plugins.json). */
export const cmepConfigSchema = z
  .object({
    timeBase: z
      .enum(['utc', 'local'])
      .default('utc')
      .describe('Time base of the timestamps in the files: "utc" as CMEP v1.20 specifies, or "local" for head-ends that write wall-clock time (set timeZone).'),
    timeZone: z
      .string()
      .refine(isIanaTimeZone, 'must be an IANA time zone name, e.g. America/Los_Angeles')
      .optional()
      .describe('IANA time zone of local wall-clock timestamps, e.g. America/Los_Angeles; required when timeBase is "local". A repeated DST hour is resolved by reading order per channel.'),
    separator: z
      .enum([',', '~'])
      .default(',')
      .describe('Field separator: "," per the spec, "~" for tilde-separated exports (e.g. Landis+Gyr Command Center).'),
    strictLineEndings: z
      .boolean()
      .default(false)
      .describe('Reject lines that end in LF alone. The spec says CR LF, but many real exports use LF; by default they are accepted and noted in metadata (lineEndings).'),
    meterIdFields: z
      .array(z.number().int().min(3).max(8))
      .min(1)
      .default([8, 6, 5])
      .describe('1-based fields tried in order for the meter identifier of MEPMD01/MEPMD02 records: Meter ID (8) first, then fields vendors use instead when 8 is empty (Sensus-style exports leave it empty).'),
    passThroughRecordTypes: z
      .array(z.string().regex(/^[A-Z][A-Z0-9]{0,11}$/, 'must be an uppercase record type of at most 12 characters'))
      .default([...defaultPassThroughRecordTypes])
      .describe('Record types accepted and counted without reading their layout (administrative, billing and vendor records). Any record type not listed here nor understood (MEPMD01, MEPMD02, MEPEC01) is an error.'),
    maxReasons: maxReasonsField,
  })
  .superRefine((config, ctx) => {
    if (config.timeBase === 'local' && config.timeZone === undefined) {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'timeZone is required when timeBase is "local"' });
    }
  });

/** Validated cmep-files configuration, defaults applied. */
export type CmepConfig = z.output<typeof cmepConfigSchema>;
/** Cmep-files configuration as written in plugins.json. */
export type CmepConfigInput = z.input<typeof cmepConfigSchema>;
