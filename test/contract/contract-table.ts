/**
 * The table the contract suite runs over: one row per adapter folder, with that adapter's fixtures.
 * Adding an adapter means adding its row here; the guard test fails otherwise.
 */
import type { AdapterFixtures } from '../../core/testing/index.js';
import type { AdapterManifest } from '../../core/sdk/index.js';
import { manifest as cmepFiles } from '../../adapters/cmep/cmep-files/index.js';
import { fixtures as cmepFilesFixtures } from '../../adapters/cmep/cmep-files/contract-fixtures.js';
import { manifest as weatherCsv } from '../../adapters/weather/weather-csv/index.js';
import { fixtures as weatherCsvFixtures } from '../../adapters/weather/weather-csv/contract-fixtures.js';
import { manifest as owocInteractiveReads } from '../../adapters/owoc/owoc-interactive-reads/index.js';
import { fixtures as owocInteractiveReadsFixtures } from '../../adapters/owoc/owoc-interactive-reads/contract-fixtures.js';
import { manifest as owocInterrogationReadings } from '../../adapters/owoc/owoc-interrogation-readings/index.js';
import { fixtures as owocInterrogationReadingsFixtures } from '../../adapters/owoc/owoc-interrogation-readings/contract-fixtures.js';

/** A row: the adapter's folder (relative to adapters/), its manifest and fixtures. */
export interface ContractRow {
  folder: string;
  manifest: AdapterManifest;
  fixtures: AdapterFixtures;
}

/** Every adapter in adapters/. */
export const contractTable: readonly ContractRow[] = [
  { folder: 'weather/weather-csv', manifest: weatherCsv as unknown as AdapterManifest, fixtures: weatherCsvFixtures },
  { folder: 'cmep/cmep-files', manifest: cmepFiles as unknown as AdapterManifest, fixtures: cmepFilesFixtures },
  { folder: 'owoc/owoc-interrogation-readings', manifest: owocInterrogationReadings as unknown as AdapterManifest, fixtures: owocInterrogationReadingsFixtures },
  { folder: 'owoc/owoc-interactive-reads', manifest: owocInteractiveReads as unknown as AdapterManifest, fixtures: owocInteractiveReadsFixtures },
];
