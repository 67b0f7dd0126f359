import { describeAdapterContract } from '../../core/testing/index.js';
import { contractTable } from './contract-table.js';

for (const row of contractTable) describeAdapterContract(row.manifest, row.fixtures);
