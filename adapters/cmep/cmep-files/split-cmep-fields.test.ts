import { describe, expect, it } from 'vitest';
import { splitCmepFields } from './split-cmep-fields.js';

describe('splitCmepFields', () => {
  it('splits on the separator, trims unquoted fields and keeps empty ones', () => {
    expect(splitCmepFields('MEPMD01, 19970819 ,,x,', ',')).toEqual({ fields: ['MEPMD01', '19970819', '', 'x', ''], problems: [], positional: true });
  });

  it('keeps separators and spaces inside quotes and unescapes doubled quotes', () => {
    expect(splitCmepFields('a,"EXAMPLE UTIL, INC.", "say ""hi"" " ,b', ',').fields).toEqual(['a', 'EXAMPLE UTIL, INC.', 'say "hi" ', 'b']);
  });

  it('uses the configured separator', () => {
    expect(splitCmepFields('MEPMD01~a,b~"c~d"', '~').fields).toEqual(['MEPMD01', 'a,b', 'c~d']);
  });

  it('reports text after a closing quote but keeps positions', () => {
    const result = splitCmepFields('a,"b"c,d', ',');
    expect(result.fields).toEqual(['a', 'bc', 'd']);
    expect(result.problems).toEqual(['field 2 has text after its closing quote']);
    expect(result.positional).toBe(true);
  });

  it('reports an unclosed quote and marks positions unreliable', () => {
    const result = splitCmepFields('a,"b,c,d', ',');
    expect(result.problems).toEqual(['field 2 opens a quote that is never closed']);
    expect(result.positional).toBe(false);
  });

  it('reports fields longer than 256 characters, quotes included', () => {
    expect(splitCmepFields(`a,${'x'.repeat(256)}`, ',').problems).toEqual([]);
    expect(splitCmepFields(`a,"${'x'.repeat(255)}"`, ',').problems).toEqual(['field 2 is 257 characters long; the limit is 256']);
  });
});
