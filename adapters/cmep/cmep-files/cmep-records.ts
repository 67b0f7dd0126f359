import type { LineEnding } from './read-cmep-lines.js';
import type { CmepInterval } from './cmep-values.js';

/** Quality class of a reading: v1.20's flag letter (empty = validated OK). */
export type CmepQualityClass = '' | 'R' | 'E' | 'A' | 'N';

/**
 * A triplet's quality flag. v1.20 defines one letter; vendors append opaque flags (`R0`, `N32`,
 * `R 00 00`), which are preserved in `vendorFlags` rather than interpreted.
 */
export interface CmepQuality {
  class: CmepQualityClass;
  vendorFlags: string;
  /** The flag as written. */
  raw: string;
}

/** Fields 1-7, shared by every CMEP record type. */
export interface CmepRecordHeader {
  recordVersion: string;
  senderId: string;
  senderCustomerId: string;
  receiverId: string;
  receiverCustomerId: string;
  /** When the record was created, ISO 8601 UTC; absent when the field is empty. */
  timeStamp?: string;
  /** The optional CRC-16 field (`H` + 4 hex digits) as written; not verified (polynomial unspecified). */
  crc?: string;
}

/** One interval or register reading of a MEPMD01 record. */
export interface CmepReading {
  /** Interval end (or read time), ISO 8601 UTC. */
  timestamp: string;
  timestampMs: number;
  /** Whether the timestamp was computed from the previous one plus Interval (its field was empty). */
  computed: boolean;
  /** Local time base only: the wall-clock time fell in a repeated DST hour and was resolved by order. */
  ambiguousLocalTime?: true;
  quality: CmepQuality;
  value: number;
}

/** MEPMD01: interval data, pulse data or register reads of one meter channel. */
export interface CmepMeterDataRecord extends CmepRecordHeader {
  recordType: 'MEPMD01';
  /** Field 8 as written (may be empty in vendor files). */
  meterIdField: string;
  /** The meter identifier used for this record (field 8, or the configured fallback field). */
  meterId: string;
  purpose: string;
  commodity: string;
  units: string;
  calculationConstant?: number;
  interval: CmepInterval;
  readings: CmepReading[];
}

/** One TOU bucket of a MEPMD02 record. */
export interface CmepTouReading {
  label: string;
  quality: CmepQuality;
  value: number;
}

/** MEPMD02: time-of-use totals of one meter channel over one period. */
export interface CmepTouDataRecord extends CmepRecordHeader {
  recordType: 'MEPMD02';
  meterIdField: string;
  meterId: string;
  purpose: string;
  commodity: string;
  units: string;
  /** `S` summer, `W` winter, empty (winter for seasonal accounts). */
  season: string;
  calculationConstant?: number;
  /** Period start and end, ISO 8601 UTC. */
  dataStart: string;
  dataEnd: string;
  readings: CmepTouReading[];
}

/** One (id, value) parameter of a MEPEC01 record. */
export interface CmepEquipmentParameter {
  id: string;
  value: string;
}

/** MEPEC01: configuration of one piece of equipment (meter, recorder, PT, CT). */
export interface CmepEquipmentConfigRecord extends CmepRecordHeader {
  recordType: 'MEPEC01';
  recordId: string;
  operationType: string;
  purpose: string;
  comment: string;
  commodity: string;
  activity: string;
  equipmentType: string;
  manufacturer: string;
  model: string;
  serial: string;
  identifier: string;
  /** ISO dates (YYYY-MM-DD), absent when empty. */
  purchaseDate?: string;
  installationDate?: string;
  owner: string;
  parameters: CmepEquipmentParameter[];
}

/** A record the parser understands. */
export type CmepRecord = CmepMeterDataRecord | CmepTouDataRecord | CmepEquipmentConfigRecord;

/** What {@link parseCmep} yields, in file order. Lines are 1-based. */
export type CmepItem =
  | { type: 'record'; line: number; lineEnding: LineEnding; record: CmepRecord }
  /** A known record type whose layout this parser does not read (e.g. MEPAD01, MLA01); lexically checked only. */
  | { type: 'passed-through'; line: number; lineEnding: LineEnding; recordType: string; fields: string[] }
  | { type: 'problem'; line: number; message: string };
