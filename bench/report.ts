/** One benchmark figure beside its baseline, measured in the same run. */
export interface BenchResult {
  section: string;
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  /** For "lower is better" units (latency), the ratio is inverted so > 1 always means faster. */
  lowerIsBetter?: boolean;
  note?: string;
}

/** Ratio of ours to baseline, oriented so that 1.0 means parity and above means better. */
export function ratio(result: BenchResult): number {
  return result.lowerIsBetter ? result.baseline / result.ours : result.ours / result.baseline;
}

/** Print results as an aligned table. */
export function printResults(results: readonly BenchResult[]): void {
  const rows = [['section', 'benchmark', 'ours', 'baseline', 'unit', 'ratio'], ...results.map((r) => [r.section, r.name, r.ours.toFixed(1), r.baseline.toFixed(1), r.unit, ratio(r).toFixed(2)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  for (const r of results) if (r.note) console.log(`  note (${r.name}): ${r.note}`);
}
