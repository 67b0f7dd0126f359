import type { CmepClock } from './cmep-clock.js';
import type { CmepQuality, CmepQualityClass, CmepRecordHeader } from './cmep-records.js';
import { lexDate, lexDateTime, lexFloat, lexInteger, maxProtocolTextLength, type Lexed } from './cmep-values.js';

const CRC = /^H[0-9A-Fa-f]{4}$/;
const qualityClasses: ReadonlySet<string> = new Set(['', 'R', 'E', 'A', 'N']);

/** Settings every record reader shares. */
export interface RecordContext {
  clock: CmepClock;
  /** 1-based fields tried in order for the meter identifier. */
  meterIdFields: readonly number[];
  /** Last instant per channel (meter + units), to order readings in a repeated DST hour. */
  lastInstant: Map<string, number>;
}

/** ISO 8601 UTC text of an instant, without a `.000` fraction. */
export function toIsoUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * Typed access to the fields of one record by 1-based position, collecting a problem for each bad
 * field instead of stopping at the first. Missing trailing fields read as empty, as the spec's
 * truncation rule says.
 */
export class FieldReader {
  readonly problems: string[] = [];
  readonly fields: readonly string[];
  readonly context: RecordContext;

  constructor(fields: readonly string[], context: RecordContext) {
    this.fields = fields;
    this.context = context;
  }

  /** The field at 1-based `position`, or '' when the record is shorter. */
  text(position: number): string {
    return this.fields[position - 1] ?? '';
  }

  /** Note a problem about this record. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** A Protocol Text field: at most 12 characters, optionally from a closed list, optionally required. */
  protocolText(position: number, name: string, options: { allowed?: readonly string[]; required?: boolean } = {}): string {
    const value = this.text(position);
    if (value === '') {
      if (options.required) this.problem(`${name} (field ${position}) is empty`);
      return value;
    }
    if (value.length > maxProtocolTextLength) {
      this.problem(`${name} (field ${position}) "${value}" is ${value.length} characters; Protocol Text is at most ${maxProtocolTextLength}`);
    } else if (options.allowed !== undefined && !options.allowed.includes(value)) {
      this.problem(`${name} (field ${position}) "${value}" is not one of ${options.allowed.join(', ')}`);
    }
    return value;
  }

  /** An Arbitrary Text field with an optional length limit. */
  arbitraryText(position: number, name: string, maxLength?: number): string {
    const value = this.text(position);
    if (maxLength !== undefined && value.length > maxLength) this.problem(`${name} (field ${position}) is ${value.length} characters; the limit is ${maxLength}`);
    return value;
  }

  /** A lexical field: the value, or undefined after noting why the text is wrong. */
  lexed<T>(position: number, name: string, lex: (text: string) => Lexed<T>): T | undefined {
    const text = this.text(position);
    const result = lex(text);
    if (result.ok) return result.value;
    this.problem(`${name} (field ${position}) "${text}" ${result.message}`);
    return undefined;
  }

  /** A Numeric Integer field (empty = 0). */
  integer(position: number, name: string): number | undefined {
    return this.lexed(position, name, lexInteger);
  }

  /** An optional Numeric Floating-Point field: undefined when empty or invalid. */
  optionalFloat(position: number, name: string): number | undefined {
    return this.text(position) === '' ? undefined : this.lexed(position, name, lexFloat);
  }

  /** A Date field as ISO `YYYY-MM-DD`; undefined when empty (or invalid, noted). */
  date(position: number, name: string, required = false): string | undefined {
    const text = this.text(position);
    if (text === '') {
      if (required) this.problem(`${name} (field ${position}) is empty`);
      return undefined;
    }
    const date = this.lexed(position, name, lexDate);
    return date === undefined ? undefined : `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  }

  /** A Date/Time field as an instant in the configured time base; undefined when empty or invalid. */
  dateTime(position: number, name: string, after?: number): { ms: number; ambiguous: boolean } | undefined {
    if (this.text(position) === '') return undefined;
    const wall = this.lexed(position, name, lexDateTime);
    if (wall === undefined) return undefined;
    const resolved = this.context.clock.resolve(wall, after);
    if (!resolved.ok) {
      this.problem(`${name} (field ${position}) "${this.text(position)}" ${resolved.message}`);
      return undefined;
    }
    return { ms: resolved.ms, ambiguous: resolved.ambiguous };
  }

  /** A triplet's quality flag: v1.20 letter first, vendor flags after it. */
  quality(position: number, name: string): CmepQuality {
    const raw = this.protocolText(position, name);
    const letter = raw.charAt(0);
    if (!qualityClasses.has(letter)) this.problem(`${name} (field ${position}) "${raw}" does not start with a quality letter (R, E, A, N or empty)`);
    return { class: (qualityClasses.has(letter) ? letter : '') as CmepQualityClass, vendorFlags: raw.slice(1), raw };
  }

  /** Fields 2-7 common to every record; field 1 was matched by the caller. */
  header(): CmepRecordHeader {
    const recordVersion = this.text(2);
    if (recordVersion === '') this.problem('Record Version (field 2) is empty');
    else this.lexed(2, 'Record Version', lexDate);
    const header: CmepRecordHeader = {
      recordVersion,
      senderId: this.arbitraryText(3, 'Sender ID'),
      senderCustomerId: this.arbitraryText(4, 'Sender Customer ID'),
      receiverId: this.arbitraryText(5, 'Receiver ID'),
      receiverCustomerId: this.arbitraryText(6, 'Receiver Customer ID'),
    };
    const timeStamp = this.dateTime(7, 'Time Stamp');
    if (timeStamp !== undefined) header.timeStamp = toIsoUtc(timeStamp.ms);
    return header;
  }

  /** The meter identifier: the first non-empty of the configured fields (field 8 first by default). */
  meterId(): string {
    for (const position of this.context.meterIdFields) {
      const value = this.text(position);
      if (value !== '') return value;
    }
    return '';
  }

  /**
   * Check what follows the last counted field: nothing, or one field that is empty or a CRC.
   * `counted` describes the items for messages ("triplets", "parameter pairs").
   */
  trailer(firstItemField: number, count: number, itemWidth: number, counted: string, countName: string): string | undefined {
    const expectedEnd = firstItemField - 1 + count * itemWidth;
    const extra = this.fields.length - expectedEnd;
    const last = this.fields[this.fields.length - 1] ?? '';
    // Count 0 on a record truncated before its items is what the spec's truncation rule allows.
    if (extra < 0 && count === 0) return undefined;
    if (extra < 0) {
      let present = Math.max(0, this.fields.length - (firstItemField - 1));
      // An empty or CRC field after the items is the CRC slot, not part of a partial item.
      if (present % itemWidth === 1 && (last === '' || CRC.test(last))) present -= 1;
      const whole = Math.floor(present / itemWidth);
      this.problem(`${countName} says ${count} ${counted} but the record holds ${whole}${present % itemWidth === 0 ? '' : ' and a partial one'}`);
      return undefined;
    }
    if (extra === 0) return undefined;
    if (extra === 1) {
      if (last === '') return undefined;
      if (CRC.test(last)) return last;
      this.problem(`the field after the last of ${count} ${counted} (field ${this.fields.length}) "${last}" is not a CRC (H followed by 4 hex digits) or empty`);
      return undefined;
    }
    // A trailing empty or CRC field may sit after the surplus; count whole items before it.
    const surplus = CRC.test(last) || last === '' ? extra - 1 : extra;
    this.problem(`${countName} says ${count} ${counted} but ${surplus} more field${surplus === 1 ? '' : 's'} follow them${surplus % itemWidth === 0 ? ` (${count + surplus / itemWidth} ${counted}?)` : ''}`);
    return undefined;
  }
}
