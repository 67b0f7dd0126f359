/** Fields of one CMEP line, plus any lexical problems found while splitting it. */
export interface SplitFields {
  fields: string[];
  problems: string[];
  /** False when an unclosed quote swallowed the rest of the line, so field positions mean nothing. */
  positional: boolean;
}

/** Longest field the spec allows, delimiters (quotes) included. */
export const maxFieldLength = 256;

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Split a CMEP line into fields. Unquoted fields are trimmed (the spec strips leading and trailing
 * whitespace); a quoted field keeps its content verbatim, may hold the separator, and writes a
 * quote as `""`. Splitting goes on after a problem so one pass reports every problem on the line.
 */
export function splitCmepFields(text: string, separator: string): SplitFields {
  const fields: string[] = [];
  const problems: string[] = [];
  let positional = true;
  const n = text.length;
  let i = 0;
  for (;;) {
    const start = i;
    let j = i;
    while (isBlank(text[j])) j++;
    let end: number;
    if (text[j] === '"') {
      let value = '';
      let k = j + 1;
      let closed = false;
      while (k < n) {
        const quote = text.indexOf('"', k);
        if (quote === -1) {
          value += text.slice(k);
          k = n;
          break;
        }
        value += text.slice(k, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          k = quote + 2;
          continue;
        }
        k = quote + 1;
        closed = true;
        break;
      }
      if (!closed) {
        problems.push(`field ${fields.length + 1} opens a quote that is never closed`);
        positional = false;
      }
      while (isBlank(text[k])) k++;
      if (k < n && text[k] !== separator) {
        problems.push(`field ${fields.length + 1} has text after its closing quote`);
        const next = text.indexOf(separator, k);
        const tail = next === -1 ? n : next;
        value += text.slice(k, tail).trimEnd();
        k = tail;
      }
      end = k;
      fields.push(value);
    } else {
      const next = text.indexOf(separator, i);
      end = next === -1 ? n : next;
      fields.push(text.slice(i, end).trim());
    }
    if (end - start > maxFieldLength) problems.push(`field ${fields.length} is ${end - start} characters long; the limit is ${maxFieldLength}`);
    if (end >= n) break;
    i = end + 1;
  }
  return { fields, problems, positional };
}
