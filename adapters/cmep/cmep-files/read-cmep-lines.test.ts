import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCmepLines, type CmepLine } from './read-cmep-lines.js';

async function lines(chunks: Array<string | Buffer>, keep = 2048): Promise<CmepLine[]> {
  const out: CmepLine[] = [];
  for await (const line of readCmepLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), keep)) out.push(line);
  return out;
}

describe('readCmepLines', () => {
  it('tells CR LF, LF and an unterminated last line apart', async () => {
    expect((await lines(['a,b\r\nc\nd'])).map((l) => [l.line, l.text, l.ending, l.length])).toEqual([
      [1, 'a,b', 'CRLF', 3],
      [2, 'c', 'LF', 1],
      [3, 'd', 'none', 1],
    ]);
  });

  it('recognises CR LF split across chunks and drops a leading BOM', async () => {
    const result = await lines([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf, 0x41, 0x0d]), Buffer.from([0x0a, 0x42, 0x0d, 0x0a])]);
    expect(result.map((l) => [l.text, l.ending, l.length])).toEqual([
      ['A', 'CRLF', 1],
      ['B', 'CRLF', 1],
    ]);
  });

  it('keeps blank lines so line numbers stay true', async () => {
    expect((await lines(['a\r\n\r\nb\r\n'])).map((l) => [l.line, l.text])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
    ]);
  });

  it('keeps only a prefix of an overlong line but measures all of it', async () => {
    const [line] = await lines(['x'.repeat(5000), 'y'.repeat(5000), '\r\n'], 100);
    expect(line).toMatchObject({ length: 10_000, truncated: true, ending: 'CRLF' });
    expect(line!.text.length).toBeLessThanOrEqual(101);
  });

  it('reads a line exactly at the limit whole', async () => {
    const [line] = await lines(['z'.repeat(100) + '\r\n'], 100);
    expect(line).toMatchObject({ length: 100, truncated: false });
    expect(line!.text).toBe('z'.repeat(100));
  });
});
