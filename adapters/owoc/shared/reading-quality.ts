import type { ReadingQuality } from '../../../core/sdk/index.js';

/**
 * Canonical quality of an IEC 61968-9 reading quality code (`system.category.index`):
 * `1.0.0` valid, `2.8.x` estimated, anything else questionable. No code means the head-end
 * reported nothing unusual, i.e. valid. The source code travels on as `qualityCode`.
 */
export function qualityOfCode(code: string | undefined): { quality: ReadingQuality; qualityCode?: string } {
  if (code === undefined) return { quality: 'valid' };
  if (code === '1.0.0') return { quality: 'valid', qualityCode: code };
  if (/^2\.8\.\d+$/.test(code)) return { quality: 'estimated', qualityCode: code };
  return { quality: 'questionable', qualityCode: code };
}
