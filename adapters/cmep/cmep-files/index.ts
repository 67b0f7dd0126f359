import { defineAdapter } from '../../../core/sdk/index.js';
import { CmepFilesAdapter } from './cmep-files-adapter.js';
import { cmepConfigSchema } from './cmep-config.js';

/** Manifest of the cmep-files file-transfer adapter. */
export const manifest = defineAdapter({
  id: 'cmep-files',
  dataSource: 'Metering Exchange Protocol (CMEP) Files',
  description:
    'Uploads CMEP (California Metering Exchange Protocol, v1.20) files dropped into the cmep folder. Parses MEPMD01 interval/register data, ' +
    'MEPMD02 TOU data and MEPEC01 equipment configuration with the spec\'s lexical rules (line and field lengths, quoting, numeric, date/time ' +
    'and interval formats, Count vs triplets, optional CRC), tolerating common vendor variants (quality letters with vendor suffixes, no trailing ' +
    'CRC, non-standard unit tokens, local wall-clock time, tilde separators, LF line endings). Other known record types pass through and are counted.',
  method: 'file-transfer',
  files: {
    folder: 'cmep',
    patterns: ['*.cmep', '*.csv', '*.txt', '*.dat'],
    direction: 'both',
    description: 'CMEP record files (MEPMD01, MEPMD02, MEPEC01 and pass-through record types), ASCII lines ending CR LF (LF tolerated).',
  },
  configSchema: cmepConfigSchema,
  stability: 'beta',
  implementation: CmepFilesAdapter,
});

export default manifest;

export { CmepFilesAdapter } from './cmep-files-adapter.js';
export { cmepConfigSchema, type CmepConfig, type CmepConfigInput } from './cmep-config.js';
export { parseCmep, defaultPassThroughRecordTypes, maxLineLength, type CmepParseOptions } from './parse-cmep.js';
export { validateCmep, standardUnits } from './validate-cmep.js';
export { CmepClock, isIanaTimeZone, type CmepTimeBase } from './cmep-clock.js';
export type {
  CmepEquipmentConfigRecord,
  CmepEquipmentParameter,
  CmepItem,
  CmepMeterDataRecord,
  CmepQuality,
  CmepQualityClass,
  CmepReading,
  CmepRecord,
  CmepRecordHeader,
  CmepTouDataRecord,
  CmepTouReading,
} from './cmep-records.js';
export type { CmepInterval } from './cmep-values.js';
export type { LineEnding } from './read-cmep-lines.js';
