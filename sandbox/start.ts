import 'reflect-metadata';
import { relative } from 'node:path';
import { createLogger } from '../core/log/index.js';
import { startSandboxStack } from './stack.js';

// `npm start`: the whole system on this machine, on loopback, until Ctrl-C.
const dir = process.env.SANDBOX_DIR ?? '.sandbox';
const steps = ['Service Bus broker', 'Azurite (Blob storage)', 'cloud side (identity, gateway, SAS service)', 'head-end simulators (OWOC-CM)', 'OHS (its own process)'];
let step = 0;
const started = Date.now();
console.log('Hybrid Connector sandbox: starting…');
const stack = await startSandboxStack({
  dir,
  progress: (name) => console.log(`  [${++step}/${steps.length}] ${name}`),
  // `npm start` builds first; the OHS then runs compiled, as it would be deployed.
  ohsEntry: 'dist',
  logger: createLogger({ name: 'sandbox', level: (process.env.LOG_LEVEL as 'warn' | undefined) ?? 'warn' }),
}).catch((error: unknown) => {
  console.error(`\nThe sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});
const e = stack.endpoints;
const rel = (path: string): string => relative(process.cwd(), path) || '.';
console.log(`
Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Everything listens on loopback only.

  tenant             ${e.tenantId}
  gateway API        ${e.gatewayUrl}/api/v1/tenants/${e.tenantId}
  token endpoint     ${e.tokenEndpoint}
  Service Bus        sb://localhost:${e.serviceBus.tlsPort} (TLS), wss://localhost:${e.serviceBus.wsPort} (WebSockets), sb://127.0.0.1:${e.serviceBus.port} (plain, dev)
  OHS management     ${e.ohs.managementUrl}/status
  OHS feed endpoint  ${e.ohs.feedEndpoint} (the OWOC-CM simulator pushes DataArrived here every second)
  OHS log            ${rel(e.ohs.logFile)}
  drop files into    ${Object.entries(e.ohs.folders).map(([adapter, folder]) => `${rel(folder)}  (${adapter})`).join('\n                     ')}

Credentials of a demo cloud service (client id, secret, scope) and every connection string are in
${rel(dir)}/endpoints.json (readable by you only).

Try:
  npm run demo                                   act as a cloud service: subscribe, read a meter, upload a file
  curl ${e.ohs.managementUrl}/status
  npx ohs check-file cmep-files adapters/cmep/cmep-files/fixtures/valid/spec-examples.cmep

Ctrl-C stops everything.`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await stack.close();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
