import { expect } from 'vitest';
import type { AdapterFixtures } from '../../../core/testing/adapter-fixtures.js';
import { startOwocDataService } from '../../../sandbox/simulators/owoc/owoc-data-service.js';

const credentials = { username: 'ohs-reader', password: 'contract-fixture-only' };
const meter = '2.16.840.1.114416.14.900000101';
const register = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const fifteenMinute = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const interval = (end: string, start: string, value: number, estimated = false) => ({
  kind: 'reading',
  meterId: meter,
  readingType: fifteenMinute,
  timestamp: end,
  intervalStart: start,
  value,
  unit: 'kWh',
  ...(estimated ? { quality: 'estimated', qualityCode: '2.8.0' } : { quality: 'valid' }),
});

/**
 * Fixtures the adapter contract suite runs owoc-interactive-reads against: `setup` starts the
 * DataService simulator (loopback, free port, fixed meter clock, same UsernameToken) and points the
 * adapter at it. The request token is a fresh UUID per read, hence the matcher.
 */
export const fixtures: AdapterFixtures = {
  config: { endpoint: 'http://127.0.0.1:9/owoc/v1/DataService', ...credentials, pollIntervalInMs: 20, callTimeoutInMs: 10_000 },
  setup: async () => {
    const service = await startOwocDataService({ latencyInMs: 50, failureRate: 0, credentials, now: () => new Date('2024-03-15T06:07:30Z') });
    return { config: { endpoint: service.url }, teardown: () => service.close() };
  },
  requests: [
    {
      operation: 'interactive-read',
      request: { meterIds: [meter], readingTypes: [register, fifteenMinute] },
      expect: {
        result: {
          requestToken: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
          meters: [
            {
              meterId: meter,
              status: 'ok',
              readings: [
                interval('2024-03-15T05:15:00Z', '2024-03-15T05:00:00Z', 0.561),
                interval('2024-03-15T05:30:00Z', '2024-03-15T05:15:00Z', 0.68),
                interval('2024-03-15T05:45:00Z', '2024-03-15T05:30:00Z', 0.799),
                interval('2024-03-15T06:00:00Z', '2024-03-15T05:45:00Z', 0.318, true),
                { kind: 'reading', meterId: meter, readingType: register, timestamp: '2024-03-15T06:07:30Z', value: 59953, unit: 'kWh', quality: 'valid' },
              ],
            },
          ],
        },
      },
    },
    // The simulator's fault mode: a meter id starting with FAULT makes InteractiveRead answer a SOAP fault.
    { operation: 'interactive-read', request: { meterIds: ['FAULT-0001'] }, expect: { errorCode: 'head-end-fault' } },
    { operation: 'interactive-read', request: { meterIds: [] }, expect: { errorCode: 'invalid-input' } },
  ],
};
