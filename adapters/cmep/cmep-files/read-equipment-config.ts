import type { FieldReader } from './cmep-field-reader.js';
import type { CmepEquipmentConfigRecord, CmepEquipmentParameter } from './cmep-records.js';
import { commodities } from './read-meter-data.js';

/** Operation types of MEPEC01 (v1.20). */
export const equipmentOperationTypes = ['UPDATE', 'UPDATE-ACK', 'UPDATE-NAK', 'REMOVE', 'REMOVE-ACK', 'REMOVE-NAK', 'CFG-REQ', 'CFG', 'CFG-NAK'] as const;
/** Most parameter pairs one MEPEC01 record may carry. */
export const maxEquipmentParameters = 16;

const FIRST_PARAMETER = 23;

/** Read a MEPEC01 (equipment configuration) record; undefined when it has problems (see `reader.problems`). */
export function readEquipmentConfig(reader: FieldReader): CmepEquipmentConfigRecord | undefined {
  const header = reader.header();
  const recordId = reader.arbitraryText(8, 'Record ID', 16);
  const operationType = reader.protocolText(9, 'Operation Type', { allowed: equipmentOperationTypes, required: true });
  const purpose = reader.protocolText(10, 'Purpose', { allowed: ['OK', 'RESEND', 'CORRECT'], required: true });
  const comment = reader.arbitraryText(11, 'Comment', 64);
  const commodity = reader.protocolText(12, 'Commodity', { allowed: commodities });
  const activity = reader.protocolText(13, 'Activity', { allowed: ['CHANGE', 'SET', 'REMOVE', 'MAINT'] });
  const equipmentType = reader.protocolText(14, 'Equipment Type', { allowed: ['METER', 'RECORDER', 'PT', 'CT'] });
  const purchaseDate = reader.date(19, 'Date of Purchase');
  const installationDate = reader.date(20, 'Date of Installation');
  const count = reader.integer(22, 'Parameter Count');
  // Header problems do not stop the parameters from being checked; a wrong count does.
  const before = reader.problems.length;
  if (count !== undefined && (count < 0 || count > maxEquipmentParameters)) {
    reader.problem(`Parameter Count (field 22) is ${count}; a MEPEC01 record carries 0 to ${maxEquipmentParameters} parameters`);
  }
  const crc = count === undefined || count < 0 ? undefined : reader.trailer(FIRST_PARAMETER, count, 2, 'parameter pairs', 'Parameter Count (field 22)');
  const parameters: CmepEquipmentParameter[] = [];
  if (count !== undefined && reader.problems.length === before) {
    for (let i = 0; i < count; i++) {
      const at = FIRST_PARAMETER + i * 2;
      const id = reader.protocolText(at, `parameter ${i + 1} id`, { required: true });
      const value = reader.arbitraryText(at + 1, `parameter ${i + 1} value`, 30);
      parameters.push({ id, value });
    }
  }
  if (reader.problems.length > 0) return undefined;
  const record: CmepEquipmentConfigRecord = {
    recordType: 'MEPEC01',
    ...header,
    recordId,
    operationType,
    purpose,
    comment,
    commodity,
    activity,
    equipmentType,
    manufacturer: reader.text(15),
    model: reader.text(16),
    serial: reader.text(17),
    identifier: reader.text(18),
    owner: reader.text(21),
    parameters,
  };
  if (purchaseDate !== undefined) record.purchaseDate = purchaseDate;
  if (installationDate !== undefined) record.installationDate = installationDate;
  if (crc !== undefined) record.crc = crc;
  return record;
}
