import { z } from '../../../core/sdk/index.js';
import { defaultReadingTypeUnits } from './reading-type.js';

/** Config field shared by the OWOC adapters: extra or overriding units by reading type. */
export const readingTypeUnitsField = z
  .record(
    z.string().regex(/^(-?\d{1,4}\.-?\d{1,4}|-?\d{1,4}(\.-?\d{1,4}){17})$/, 'key must be a full 18-part ReadingType code or a "multiplier.uom" pair such as "3.72"'),
    z.string().trim().min(1),
  )
  .default({})
  .describe(
    'Units by IEC 61968-9 ReadingType, merged over the built-in table. A key is either a full 18-part code (exact match, wins) or a ' +
      '"multiplier.uom" pair taken from parts 16-17 of the code. Built in: ' +
      Object.entries(defaultReadingTypeUnits)
        .map(([key, unit]) => `${key}=${unit}`)
        .join(', ') +
      '. A reading whose unit cannot be derived makes the whole push (or answer) invalid.',
  );

/** The effective unit table: built-in entries with the configured ones over them. */
export function effectiveUnits(configured: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.freeze({ ...defaultReadingTypeUnits, ...configured });
}
