import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CmepItem, CmepMeterDataRecord } from './cmep-records.js';
import { parseCmep, type CmepParseOptions } from './parse-cmep.js';

async function parse(lines: string[], options?: CmepParseOptions, eol = '\r\n'): Promise<CmepItem[]> {
  const items: CmepItem[] = [];
  for await (const item of parseCmep(Readable.from([Buffer.from(lines.join(eol) + eol)]), options)) items.push(item);
  return items;
}

const problems = (items: CmepItem[]) => items.flatMap((i) => (i.type === 'problem' ? [[i.line, i.message] as const] : []));
const records = (items: CmepItem[]) => items.flatMap((i) => (i.type === 'record' ? [i.record] : []));

const MD01 = 'MEPMD01,19970819,EXAMPLEUTIL,ACCT00042,HCSIM,,202403150605,MTR-10042,OK,E,KWH,1.0,00000015,4,202403150015,,0.412,,,0.398,,E,0.405,,,0.391';

describe('parseCmep', () => {
  it('reads a MEPMD01 record, computing empty Date/Times from Interval', async () => {
    const [record] = records(await parse([MD01])) as CmepMeterDataRecord[];
    expect(record).toMatchObject({
      recordType: 'MEPMD01',
      recordVersion: '19970819',
      senderId: 'EXAMPLEUTIL',
      senderCustomerId: 'ACCT00042',
      receiverId: 'HCSIM',
      receiverCustomerId: '',
      timeStamp: '2024-03-15T06:05:00Z',
      meterId: 'MTR-10042',
      purpose: 'OK',
      commodity: 'E',
      units: 'KWH',
      calculationConstant: 1,
      interval: { months: 0, days: 0, hours: 0, minutes: 15 },
    });
    expect(record!.crc).toBeUndefined();
    expect(record!.readings.map((r) => [r.timestamp, r.computed, r.quality.class, r.value])).toEqual([
      ['2024-03-15T00:15:00Z', false, '', 0.412],
      ['2024-03-15T00:30:00Z', true, '', 0.398],
      ['2024-03-15T00:45:00Z', true, 'E', 0.405],
      ['2024-03-15T01:00:00Z', true, '', 0.391],
    ]);
  });

  it('reads MEPMD02 and MEPEC01 records', async () => {
    const items = await parse([
      'MEPMD02,19970819,EXAMPLEUTIL,ACCT00042,HCSIM,,202404010610,MTR-10042,OK,E,KWH,S,1.0,202403010000,202404010000,3,ON-PEAK,,212.4,PART-PEAK,,180.1,OFF-PEAK,E,402.9',
      'MEPEC01,19980618,EXAMPLEUTIL,ACCT00042,HCSIM,,202403150605,REQ-77,UPDATE,OK,,E,SET,METER,EXAMPLEMFG,X200,SN998877,MTR-10042,20230101,20240301,EXAMPLEUTIL,2,FORM,2S,KH,7.2',
    ]);
    expect(problems(items)).toEqual([]);
    const [tou, equipment] = records(items);
    expect(tou).toMatchObject({ recordType: 'MEPMD02', season: 'S', dataStart: '2024-03-01T00:00:00Z', dataEnd: '2024-04-01T00:00:00Z' });
    expect(tou!.recordType === 'MEPMD02' && tou!.readings.map((r) => [r.label, r.quality.class, r.value])).toEqual([
      ['ON-PEAK', '', 212.4],
      ['PART-PEAK', '', 180.1],
      ['OFF-PEAK', 'E', 402.9],
    ]);
    expect(equipment).toMatchObject({
      recordType: 'MEPEC01',
      recordId: 'REQ-77',
      operationType: 'UPDATE',
      equipmentType: 'METER',
      serial: 'SN998877',
      identifier: 'MTR-10042',
      purchaseDate: '2023-01-01',
      installationDate: '2024-03-01',
      parameters: [
        { id: 'FORM', value: '2S' },
        { id: 'KH', value: '7.2' },
      ],
    });
  });

  it('keeps vendor quality flags and falls back to field 6 for the meter id', async () => {
    const [record] = records(
      await parse(['MEPMD01,20080501,EXAMPLEVENDOR,UTIL:000123,0012345678,MTR-20077,202403150730,,OK,W,CFREG,1.0,00000100,2,202403150500,R0,10441,202403150600,R 00 00,10442'], undefined, '\n'),
    ) as CmepMeterDataRecord[];
    expect(record!.meterIdField).toBe('');
    expect(record!.meterId).toBe('MTR-20077');
    expect(record!.readings.map((r) => r.quality)).toEqual([
      { class: 'R', vendorFlags: '0', raw: 'R0' },
      { class: 'R', vendorFlags: ' 00 00', raw: 'R 00 00' },
    ]);
  });

  it('honours a configured meter id field order', async () => {
    const line = 'MEPMD01,20080501,EXAMPLEVENDOR,UTIL:000123,0012345678,MTR-20077,202403150730,,OK,W,CFREG,1.0,00000100,1,202403150500,R0,10441';
    const [record] = records(await parse([line], { meterIdFields: [8, 5] })) as CmepMeterDataRecord[];
    expect(record!.meterId).toBe('0012345678');
  });

  it('captures a CRC, accepts an empty CRC field, and refuses any other extra field', async () => {
    const items = await parse([`${MD01},H1A2B`, `${MD01},`, `${MD01},H1A2`, `${MD01},X,Y,Z`]);
    expect(records(items).map((r) => r.crc)).toEqual(['H1A2B', undefined]);
    expect(problems(items)).toEqual([
      [3, 'the field after the last of 4 triplets (field 27) "H1A2" is not a CRC (H followed by 4 hex digits) or empty'],
      [4, 'Count (field 14) says 4 triplets but 3 more fields follow them (5 triplets?)'],
    ]);
  });

  it('reports a Count above the maximum and a Count with missing triplets', async () => {
    const items = await parse([MD01.replace(',4,2024', ',49,2024'), MD01.replace(',4,2024', ',5,2024') + ',H1A2B']);
    expect(problems(items)).toEqual([
      [1, 'Count (field 14) is 49; a MEPMD01 record carries 0 to 48 triplets'],
      [1, 'Count (field 14) says 49 triplets but the record holds 4'],
      [2, 'Count (field 14) says 5 triplets but the record holds 4'],
    ]);
  });

  it('accepts a record truncated after its header (Count empty means 0)', async () => {
    const items = await parse(['MEPMD01,19970819,EXAMPLEUTIL,ACCT00042']);
    expect(problems(items)).toEqual([]);
    expect(records(items)[0]).toMatchObject({ recordType: 'MEPMD01', readings: [] });
  });

  it('needs a date/time on the first triplet and a non-zero Interval to compute later ones', async () => {
    const items = await parse([
      'MEPMD01,19970819,U,A,H,,202403150605,M1,OK,E,KWH,1.0,00000015,1,,,0.4',
      'MEPMD01,19970819,U,A,H,,202403150605,M2,OK,E,KWH,1.0,,2,202403150015,,0.4,,,0.5',
    ]);
    expect(problems(items)).toEqual([
      [1, 'triplet 1 Date/Time (field 15) is empty; the first triplet must carry a date/time'],
      [2, 'triplet 2 Date/Time (field 18) is empty but Interval is zero, so it cannot be computed'],
    ]);
  });

  it('reports every problem of a record, header and triplets alike', async () => {
    const items = await parse(['MEPMD01,1997081,U,A,H,,2024031506,M1,MAYBE,X,kwh,one,00000015,2,202403150015,Q,abc,,,0.5']);
    expect(problems(items).map(([, m]) => m)).toEqual([
      'Record Version (field 2) "1997081" is not a CCYYMMDD date',
      'Time Stamp (field 7) "2024031506" is not a CCYYMMDDHHMM date/time',
      'Purpose (field 9) "MAYBE" is not one of OK, RESEND, SUMMARY, HISTORY, PROFILE, TEMPLATE, REJECT',
      'Commodity (field 10) "X" is not one of E, G, W, S',
      'Units (field 11) "kwh" is not an uppercase unit token',
      'Calculation Constant (field 12) "one" is not a number',
      'triplet 1 quality flag (field 16) "Q" does not start with a quality letter (R, E, A, N or empty)',
      'triplet 1 value (field 17) "abc" is not a number',
    ]);
  });

  it('passes known record types through and refuses unknown ones', async () => {
    const items = await parse(['MEPAD01,19970912,U,A,H,,202403150605,whatever', 'EMED01,x,y', 'NOTCMEP,1,2', 'MEPAD01,"unclosed']);
    expect(items.filter((i) => i.type === 'passed-through').map((i) => i.type === 'passed-through' && [i.line, i.recordType])).toEqual([
      [1, 'MEPAD01'],
      [2, 'EMED01'],
    ]);
    expect(problems(items)).toEqual([
      [3, 'unknown record type "NOTCMEP"'],
      [4, 'field 2 opens a quote that is never closed'],
    ]);
    expect(problems(await parse(['EMED01,x'], { passThroughRecordTypes: ['MEPAD01'] }))).toEqual([[1, 'unknown record type "EMED01"']]);
  });

  it('reads tilde-separated files when configured, and hints when not', async () => {
    const tilde = MD01.replaceAll(',', '~');
    expect(records(await parse([tilde], { separator: '~' }))).toHaveLength(1);
    expect(problems(await parse([tilde]))[0]![1]).toContain('looks "~"-separated');
  });

  it('accepts LF line endings unless strictLineEndings is set, and skips blank lines', async () => {
    const lenient = await parse([MD01, '', MD01], undefined, '\n');
    expect(lenient.map((i) => i.type === 'record' && [i.line, i.lineEnding])).toEqual([
      [1, 'LF'],
      [3, 'LF'],
    ]);
    const strict = await parse([MD01, MD01], { strictLineEndings: true }, '\n');
    expect(problems(strict)).toEqual([
      [1, 'line ends with LF alone; CMEP lines end with CR LF'],
      [2, 'line ends with LF alone; CMEP lines end with CR LF'],
    ]);
  });

  it('refuses lines over 2048 characters with CR LF, and accepts one at the limit', async () => {
    const pad = (length: number) => `MEPAD01,"${'x'.repeat(250)}"`.padEnd(length, ',');
    const items = await parse([pad(2046), pad(2047)]);
    expect(problems(items)).toEqual([[2, 'line is 2049 characters with CR LF; the limit is 2048']]);
  });

  it('converts local wall-clock time and resolves the repeated DST hour by order', async () => {
    const items = await parse(
      [
        'MEPMD01,19970819,U,A,H,,202411031005,M1,OK,E,KWH,1.0,00000100,4,202411030000,,0.5,202411030100,,0.6,202411030100,,0.7,202411030200,,0.8',
        'MEPMD01,19970819,U,A,H,,202403100405,M2,OK,E,KWH,1.0,00000100,1,202403100230,,0.5',
      ],
      { timeBase: 'local', timeZone: 'America/Los_Angeles' },
    );
    const [record] = records(items) as CmepMeterDataRecord[];
    expect(record!.timeStamp).toBe('2024-11-03T18:05:00Z');
    expect(record!.readings.map((r) => [r.timestamp, r.ambiguousLocalTime ?? false])).toEqual([
      ['2024-11-03T07:00:00Z', false],
      ['2024-11-03T08:00:00Z', true],
      ['2024-11-03T09:00:00Z', true],
      ['2024-11-03T10:00:00Z', false],
    ]);
    expect(problems(items)).toEqual([[2, 'triplet 1 Date/Time (field 15) "202403100230" does not exist in the configured time zone (skipped by a DST change)']]);
  });

  it('checks MEPMD02 periods, labels and counts', async () => {
    const base = 'MEPMD02,19970819,U,A,H,,202404010610,M1,OK,E,KWH,S,1.0';
    const items = await parse([`${base},202404010000,202403010000,1,TOTAL,,1`, `${base},202403010000,202404010000,1,MIDPEAK,,1`, 'MEPMD02,19970819,U,A,H,,202404010610,M1,OK,E,KWH,X,1.0,202403010000,202404010000,0']);
    expect(problems(items)).toEqual([
      [1, 'Data Timestamp (field 15) is not after Data Start Time (field 14)'],
      [2, 'triplet 1 TOU label (field 17) "MIDPEAK" is not one of ON-PEAK, OFF-PEAK, PART-PEAK, PEAK-2, PEAK-3, PEAK-4, TOTAL'],
      [3, 'Season (field 12) "X" is not one of S, W'],
    ]);
  });

  it('checks MEPEC01 enumerations, lengths and parameter counts', async () => {
    const items = await parse([
      'MEPEC01,19980618,U,A,H,,202403150605,REQ-77-TOO-LONG-ID,UPSERT,OK,,E,SET,METER,MFG,X200,SN1,MTR-1,20230101,20240301,U,1,FORM,2S',
      `MEPEC01,19980618,U,A,H,,202403150605,REQ-78,UPDATE,OK,,E,SET,METER,MFG,X200,SN1,MTR-1,20230101,20240301,U,2,FORM,${'x'.repeat(31)}`,
    ]);
    expect(problems(items)).toEqual([
      [1, 'Record ID (field 8) is 18 characters; the limit is 16'],
      [1, 'Operation Type (field 9) "UPSERT" is not one of UPDATE, UPDATE-ACK, UPDATE-NAK, REMOVE, REMOVE-ACK, REMOVE-NAK, CFG-REQ, CFG, CFG-NAK'],
      [2, 'Parameter Count (field 22) says 2 parameter pairs but the record holds 1'],
    ]);
    const long = await parse([`MEPEC01,19980618,U,A,H,,202403150605,REQ-78,UPDATE,OK,,E,SET,METER,MFG,X200,SN1,MTR-1,20230101,20240301,U,1,FORM,${'x'.repeat(31)}`]);
    expect(problems(long)).toEqual([[1, 'parameter 1 value (field 24) is 31 characters; the limit is 30']]);
  });

  it('stops holding a line in memory once it passes the limit', async () => {
    const huge = Readable.from((function* () {
      for (let i = 0; i < 2000; i++) yield Buffer.alloc(64 * 1024, 0x41); // 128 MiB without a line break
    })());
    const items: CmepItem[] = [];
    for await (const item of parseCmep(huge)) items.push(item);
    expect(items).toEqual([{ type: 'problem', line: 1, message: `line is ${2000 * 64 * 1024 + 2} characters with CR LF; the limit is 2048` }]);
  });
});
