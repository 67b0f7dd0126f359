import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { FeedRecord } from '../../../core/sdk/index.js';
import { InterrogationReadingsAdapter } from '../../../adapters/owoc/owoc-interrogation-readings/interrogation-readings-adapter.js';
import { recordingLogger } from '../../../adapters/owoc/shared/recording-logger.js';
import { fifteenMinuteKwh, startOwocDataPusher } from './owoc-data-pusher.js';

describe('OWOC DataArrived pusher', () => {
  it('pushes batches of meters × intervals that the subscriber adapter acknowledges', async () => {
    const records: FeedRecord[] = [];
    const abort = new AbortController();
    const adapter = new InterrogationReadingsAdapter({ port: 0, username: 'he', password: 'pw' }, recordingLogger());
    await adapter.start({ tenantId: 't', log: recordingLogger(), signal: abort.signal, publish: async (_feed, batch) => (records.push(...batch), { batchId: 'b', accepted: batch.length }) });
    try {
      const pusher = startOwocDataPusher({ targetUrl: adapter.endpointUrl!, meters: 3, intervalsPerBatch: 2, batchesPerSecond: 50, maxBatches: 4, credentials: { username: 'he', password: 'pw' } });
      await pusher.done;
      await pusher.stop();
      expect(pusher.stats).toMatchObject({ batchesSent: 4, batchesAcknowledged: 4, batchesFailed: 0, readingsAcknowledged: 24 });
      expect(records).toHaveLength(24);
      expect(records.every((r) => r.kind === 'reading' && r.readingType === fifteenMinuteKwh && r.unit === 'kWh')).toBe(true);
      // Batches continue one series: 4 batches × 2 intervals = 8 distinct interval ends per meter.
      const ends = new Set(records.map((r) => (r.kind === 'reading' ? `${r.meterId}@${r.timestamp}` : '')));
      expect(ends.size).toBe(24);
      expect([...ends].filter((e) => e.startsWith('2.16.840.1.114416.14.900000001@')).sort()[0]).toBe('2.16.840.1.114416.14.900000001@2024-03-15T00:15:00Z');
    } finally {
      await adapter.stop();
      abort.abort();
    }
  });

  it('counts refused pushes and reports them to onError', async () => {
    const server = createServer((_req, res) => res.writeHead(500, { 'Content-Type': 'text/xml' }).end('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>store down</faultstring></s:Fault></s:Body></s:Envelope>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const errors: unknown[] = [];
    try {
      const pusher = startOwocDataPusher({ targetUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/x`, batchesPerSecond: 50, maxBatches: 2, onError: (e) => errors.push(e) });
      await pusher.done;
      await pusher.stop();
      expect(pusher.stats).toMatchObject({ batchesSent: 2, batchesAcknowledged: 0, batchesFailed: 2, lastError: expect.stringContaining('store down') });
      expect(errors).toHaveLength(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
