import { z } from 'zod';
import type { RejectionReason } from './file-transfer.js';

/** Config field every validating adapter offers: how many rejection reasons one file may list. */
export const maxReasonsField = z
  .number()
  .int()
  .min(1)
  .max(10_000)
  .default(100)
  .describe('Most rejection reasons listed for one file; further problems are summarised in a final "…and N more" reason.');

/**
 * Collects rejection reasons up to a cap. Validation keeps scanning past the cap so the final
 * "…and N more" line tells an operator how broken the file really is, while the reason file
 * and notification stay small.
 */
export class ReasonList {
  readonly #reasons: RejectionReason[] = [];
  readonly #limit: number;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Record one problem. */
  add(line: number, message: string): void {
    if (this.#reasons.length < this.#limit) this.#reasons.push({ line, message });
    else this.#dropped += 1;
  }

  /** Number of problems seen, including those beyond the cap. */
  get total(): number {
    return this.#reasons.length + this.#dropped;
  }

  /** The kept reasons, followed by a summary reason when some were left out. */
  toArray(): RejectionReason[] {
    if (this.#dropped === 0) return [...this.#reasons];
    return [...this.#reasons, { message: `…and ${this.#dropped} more problem${this.#dropped === 1 ? '' : 's'}` }];
  }
}
