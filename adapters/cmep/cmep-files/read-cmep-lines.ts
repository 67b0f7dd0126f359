import type { Readable } from 'node:stream';

/** How a line was terminated. */
export type LineEnding = 'CRLF' | 'LF' | 'none';

/** One physical line of a CMEP file. */
export interface CmepLine {
  /** 1-based line number. */
  line: number;
  /** The line without its terminator; cut short when `truncated`. */
  text: string;
  /** Length in bytes without the terminator, even when the text was cut short. */
  length: number;
  ending: LineEnding;
  /** True when the line was longer than the kept prefix; only a prefix of it is in `text`. */
  truncated: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Split a byte stream into lines without ever holding more than `keepBytes` of one line, so a file
 * with no line breaks (or a binary file) cannot exhaust memory. CR LF and LF are both recognised;
 * the caller decides whether LF alone is acceptable. A UTF-8 BOM before line 1 is dropped.
 */
export async function* readCmepLines(input: Readable, keepBytes: number): AsyncGenerator<CmepLine, void, undefined> {
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  let lastByte = -1;
  let lineNumber = 1;

  const finish = (ending: LineEnding): CmepLine => {
    let bytes = Buffer.concat(parts, kept);
    let textLength = length;
    if (ending === 'CRLF') {
      textLength -= 1;
      if (bytes.length > textLength) bytes = bytes.subarray(0, textLength);
    }
    if (lineNumber === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
      textLength -= 3;
    }
    const result: CmepLine = { line: lineNumber, text: bytes.toString('utf8'), length: textLength, ending, truncated: textLength > bytes.length };
    parts = [];
    kept = 0;
    length = 0;
    lastByte = -1;
    lineNumber += 1;
    return result;
  };

  const keep = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    length += chunk.length;
    lastByte = chunk[chunk.length - 1]!;
    // Keep one byte beyond the limit so a trailing CR can still be recognised and dropped.
    const room = keepBytes + 1 - kept;
    if (room <= 0) return;
    const slice = chunk.length <= room ? chunk : chunk.subarray(0, room);
    parts.push(slice);
    kept += slice.length;
  };

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let at = buffer.indexOf(LF, start); at !== -1; at = buffer.indexOf(LF, start)) {
      keep(buffer.subarray(start, at));
      start = at + 1;
      yield finish(lastByte === CR ? 'CRLF' : 'LF');
    }
    keep(buffer.subarray(start));
  }
  if (length > 0) yield finish('none');
}
