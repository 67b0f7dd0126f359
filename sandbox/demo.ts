import 'reflect-metadata';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedRecordsBody, FileNotificationBody } from '../contracts/envelope.js';
import { CloudServiceClient, readEndpoints } from './cloud-service-client.js';
import { simulatedMeterId } from './simulators/owoc/index.js';

// `npm run demo`: act as a cloud service against the running sandbox (`npm start` in another terminal).
const endpoints = await readEndpoints().catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
const service = new CloudServiceClient(endpoints);
const step = (text: string): void => console.log(`\n▸ ${text}`);
const fail = (text: string): never => {
  console.error(`\n✗ ${text}`);
  process.exit(1);
};

step(`authenticating as ${endpoints.subscriber.clientId} (OAuth 2.0 client credentials)`);
await service.accessToken();
console.log('  got a one-hour access token for tenant', endpoints.tenantId);

step('subscribing to OWOC-CM interrogation readings and to CMEP file notifications');
await service.subscribe('owoc-interrogation-readings', 'interrogation-readings');
await service.subscribe('cmep-files', 'files');
console.log(`  deliveries go to ${service.deliveryEntity}`);

let readings = 0;
let printed = 0;
let uploaded: FileNotificationBody | undefined;
const deliveries = await service.deliveries((envelope) => {
  if (envelope.properties.kind === 'feed.records') {
    const body = envelope.body as FeedRecordsBody;
    readings += body.records.length;
    for (const record of body.records) {
      if (printed >= 5 || record.kind !== 'reading') continue;
      printed += 1;
      console.log(`  reading  ${record.meterId}  ${record.timestamp}  ${record.value} ${record.unit}  (${record.quality})`);
    }
  } else if (envelope.properties.kind === 'file.uploaded') {
    uploaded = envelope.body as FileNotificationBody;
  } else if (envelope.properties.kind === 'file.detected') {
    console.log(`  file detected: ${(envelope.body as FileNotificationBody).fileName}`);
  }
});

step('waiting for readings pushed by the head-end simulator');
for (let i = 0; i < 150 && readings < 20; i += 1) await new Promise((r) => setTimeout(r, 200));
if (readings === 0) fail('no readings arrived within 30 s; is the sandbox running? see .sandbox/ohs.log');
console.log(`  ${readings} readings received so far`);

step('interactive read of two meters through the OHS (request/response)');
const meters = [simulatedMeterId(1), simulatedMeterId(2)];
const requestId = await service.request('owoc-interactive-reads', 'interactive-read', { meterIds: meters }, { timeoutInMs: 30_000 });
const answer = await service.response(requestId, 35_000);
console.log(`  request ${requestId}: ${answer.status}`);
if (answer.status === 'completed') {
  for (const meter of (answer.result as { meters: Array<{ meterId: string; status: string; readings: unknown[]; error?: string }> }).meters) {
    console.log(`  ${meter.meterId}: ${meter.status}${meter.status === 'ok' ? `, ${meter.readings.length} readings` : ` (${meter.error ?? 'failed'})`}`);
  }
} else {
  console.log(`  ${answer.error?.code}: ${answer.error?.message}`);
}

step('dropping a CMEP file into the OHS folder (file transfer)');
const fixture = fileURLToPath(new URL('../adapters/cmep/cmep-files/fixtures/valid/spec-examples.cmep', import.meta.url));
const name = `demo-${new Date().toISOString().replace(/[:.]/g, '-')}.cmep`;
await copyFile(fixture, join(endpoints.ohs.folders['cmep-files']!, name));
console.log(`  copied to ${join(endpoints.ohs.folders['cmep-files']!, name)}`);
for (let i = 0; i < 150 && uploaded === undefined; i += 1) await new Promise((r) => setTimeout(r, 200));
const done = uploaded as FileNotificationBody | undefined;
if (!done) fail('no file.uploaded notification within 30 s; see .sandbox/ohs.log');
else console.log(`  uploaded: ${done.blobName} (${done.size} bytes, sha256 ${done.sha256?.slice(0, 16)}…, ${done.recordCount} records)`);

await deliveries.close();
console.log(`\n✓ demo complete: ${readings} readings, one interactive read, one file uploaded`);
process.exit(0);
