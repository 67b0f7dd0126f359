import type { AdapterMethod } from './method.js';

/**
 * The data-source types of the seed whitepaper's table, with the method each uses.
 * Built-in adapters name their data source exactly as written here; `defineAdapter` checks the method.
 */
export const seedDataSources: ReadonlyMap<string, AdapterMethod> = new Map<string, AdapterMethod>([
  ['OWOC-CM Interrogation Readings (Web Service)', 'data-feed'],
  ['OWOC-CM Job Updates (Web Service)', 'data-feed'],
  ['OWOC-CM Exceptions (Web Service)', 'data-feed'],
  ['OWOC-CM Interactive Reads (WCF)', 'request-response'],
  ['OWOC-CM Remote Disconnect (WCF)', 'request-response'],
  ['ChoiceConnect Fixed Network On-Demand Reads (WCF)', 'request-response'],
  ['Master Data Import (MDI) XML Files', 'file-transfer'],
  ['Common Reading Format (CRF) XML Files', 'file-transfer'],
  ['Common Event Format (CEF) XML Files', 'file-transfer'],
  ['Distribution Equipment Hierarchy (DEH) XML Files', 'file-transfer'],
  ['Weather CSV Files', 'file-transfer'],
  ['AMM Tibco Interrogation Readings', 'data-feed'],
  ['AMM Tibco Alarms', 'data-feed'],
  ['AMM Tibco On-Demand Reads', 'data-feed'],
  ['SensorIQ High-Frequency Reads', 'data-feed'],
  ['SensorIQ Traps', 'data-feed'],
  ['Program-Based Configuration (PBC) XML Files', 'file-transfer'],
  ['Wom - Various Files', 'file-transfer'],
  ['Metering Exchange Protocol (CMEP) Files', 'file-transfer'],
  ['SSN Files', 'file-transfer'],
]);
