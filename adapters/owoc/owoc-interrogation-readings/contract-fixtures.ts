import { readFile } from 'node:fs/promises';
import type { AdapterFixtures } from '../../../core/testing/adapter-fixtures.js';
import { pushDataArrived } from '../../../sandbox/simulators/owoc/push-data-arrived.js';
import { interrogationReadingsConfigSchema, subscriberUrl } from './interrogation-readings-config.js';

const fixtureXml = new URL('./fixtures/data-arrived.xml', import.meta.url);
const meter = '2.16.840.1.114416.14.900000101';

/**
 * Fixtures the adapter contract suite runs owoc-interrogation-readings against. The adapter listens on
 * a free loopback port (port 0); `push` reads the bound URL from the instance under test and sends the
 * REPRESENTATIVE DataArrived fixture there, as the head-end would. A stopped adapter has no URL, so a
 * push to it goes to port 0 and is refused.
 */
export const fixtures: AdapterFixtures = {
  config: { host: '127.0.0.1', port: 0, username: 'owoc-head-end', password: 'contract-fixture-only' },
  feeds: [
    {
      feed: 'interrogation-readings',
      push: async (adapterConfig, adapter) => {
        const config = interrogationReadingsConfigSchema.parse(adapterConfig);
        const url = (adapter as { endpointUrl?: string }).endpointUrl ?? subscriberUrl(config);
        await pushDataArrived(url, await readFile(fixtureXml, 'utf8'), {
          credentials: { username: config.username!, password: config.password! },
          timeoutInMs: 10_000,
        });
      },
      expectRecords: [
        {
          kind: 'reading',
          meterId: meter,
          readingType: '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0',
          timestamp: '2024-03-15T00:15:00Z',
          intervalStart: '2024-03-15T00:00:00Z',
          value: 0.412,
          unit: 'kWh',
          quality: 'valid',
        },
        {
          kind: 'reading',
          meterId: meter,
          readingType: '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0',
          timestamp: '2024-03-15T00:30:00Z',
          intervalStart: '2024-03-15T00:15:00Z',
          value: 0.398,
          unit: 'kWh',
          quality: 'estimated',
          qualityCode: '2.8.0',
        },
        {
          kind: 'reading',
          meterId: meter,
          readingType: '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0',
          timestamp: '2024-03-15T00:00:00Z',
          value: 18361.9,
          unit: 'kWh',
          quality: 'valid',
        },
      ],
    },
  ],
};
