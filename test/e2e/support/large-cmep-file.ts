import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** What {@link writeLargeCmepFile} wrote. */
export interface LargeCmepFile {
  size: number;
  sha256: string;
  /** MEPMD01 records (one per line). */
  records: number;
  /** Meter ids, sorted. */
  meters: string[];
  /** First and last reading time, ISO UTC. */
  timeRange: { from: string; to: string };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const cmepTime = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}`;
};
const isoTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Write a valid CMEP v1.20 file of at least `minBytes`: one MEPMD01 record per meter and day with 24
 * hourly kWh values (CR LF line endings), days following each other. Hashes while writing.
 */
export async function writeLargeCmepFile(path: string, minBytes: number, meterCount = 40): Promise<LargeCmepFile> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const firstEnd = Date.UTC(2020, 0, 1, 1);
  let size = 0;
  let records = 0;
  let day = 0;
  let lastEnd = firstEnd;
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    const bytes = Buffer.from(chunk.join(''), 'ascii');
    chunk = [];
    hash.update(bytes);
    if (!out.write(bytes)) await once(out, 'drain');
  };
  while (size < minBytes) {
    const dayStart = firstEnd + day * 86_400_000;
    for (let m = 0; m < meterCount && size < minBytes; m += 1) {
      const triplets = Array.from({ length: 24 }, (_, h) => `${h === 0 ? cmepTime(dayStart) : ''},,${(((m * 31 + day * 7 + h) % 997) / 100).toFixed(2)}`);
      const line = `MEPMD01,19970819,EXAMPLEUTIL,ACCT${pad(m, 5)},HCSIM,,202403150605,MTR-${pad(m, 5)},OK,E,KWH,1.0,00000100,24,${triplets.join(',')}\r\n`;
      chunk.push(line);
      size += line.length;
      records += 1;
      lastEnd = dayStart + 23 * 3_600_000;
      if (chunk.length >= 2_000) await flush();
    }
    day += 1;
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return {
    size,
    sha256: hash.digest('hex'),
    records,
    meters: Array.from({ length: Math.min(meterCount, records) }, (_, m) => `MTR-${pad(m, 5)}`),
    timeRange: { from: isoTime(firstEnd), to: isoTime(lastEnd) },
  };
}
