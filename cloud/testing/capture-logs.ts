import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/log/index.js';

/** A logger whose lines are kept in memory, for asserting that nothing secret is ever written. */
export interface CapturedLogs {
  logger: Logger;
  lines: string[];
  text(): string;
}

/** A debug-level logger writing into an in-memory list of lines. */
export function captureLogs(name = 'test'): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ name, level: 'debug', destination }), lines, text: () => lines.join('\n') };
}
