import { defineAdapter } from '../../../core/sdk/index.js';
import { InterrogationReadingsAdapter, interrogationReadingsFeed } from './interrogation-readings-adapter.js';
import { interrogationReadingsConfigSchema } from './interrogation-readings-config.js';

/** Manifest of the owoc-interrogation-readings data-feed adapter. */
export const manifest = defineAdapter({
  id: 'owoc-interrogation-readings',
  dataSource: 'OWOC-CM Interrogation Readings (Web Service)',
  description:
    'Hosts the OWOC-CM DataSubscriberService endpoint (SOAP 1.1, document/literal, WCF basicHttpBinding profile) to which the head-end ' +
    'pushes DataArrived batches of interrogation readings, IEC 61968-9 shaped (MeterReading / IntervalBlock / IntervalReading / Reading). ' +
    'Each batch is validated as a whole, mapped to canonical readings (unit from the ReadingType code, interval start from its measuring ' +
    'period, IEC quality codes) and acknowledged only after the OHS stored it. Optional WS-Security UsernameToken. REPRESENTATIVE contract: ' +
    'our own WSDL and urn: namespaces, following the publicly documented verbs and pattern.',
  method: 'data-feed',
  feeds: [
    {
      name: interrogationReadingsFeed,
      description: 'Interval and register readings pushed by the head-end (DataArrived), one canonical reading per value.',
      recordKinds: ['reading'],
    },
  ],
  configSchema: interrogationReadingsConfigSchema,
  stability: 'beta',
  implementation: InterrogationReadingsAdapter,
});

export default manifest;

export { InterrogationReadingsAdapter, interrogationReadingsFeed } from './interrogation-readings-adapter.js';
export {
  interrogationReadingsConfigSchema,
  subscriberUrl,
  type InterrogationReadingsConfig,
  type InterrogationReadingsConfigInput,
} from './interrogation-readings-config.js';
export { mapDataArrived, type MappedDataArrived } from './map-data-arrived.js';
