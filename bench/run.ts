import 'reflect-metadata';
import { printResults, type BenchResult } from './report.js';
import { feedBench } from './feed.bench.js';
import { requestBench } from './request.bench.js';
import { transportBench } from './transport.bench.js';
import { uploadBench } from './upload.bench.js';

/** Benchmark sections, run in order; `npm run bench -- transport` runs one. */
const sections: Record<string, () => Promise<BenchResult[]>> = {
  transport: transportBench,
  feed: feedBench,
  request: requestBench,
  upload: uploadBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`running ${name} …`);
  results.push(...(await run()));
}
printResults(results);
