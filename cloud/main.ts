import { parseArgs } from 'node:util';
import { z } from 'zod';
import { serviceBusRights } from '../contracts/index.js';
import { createLogger } from '../core/log/index.js';
import { startCloud } from './start-cloud.js';

const USAGE = `Usage: npm run cloud -- [options]

Starts the IHC cloud side: identity (OAuth 2.0 client credentials) and the gateway API with the SAS service.
Secrets are read from the environment, never from flags (flags show up in process lists):

  IHC_SERVICE_BUS_CONNECTION_STRING   the gateway's Service Bus connection string (required)
  IHC_BLOB_CONNECTION_STRING          Blob storage connection string with an account key (required)
  IHC_SAS_KEYS                        JSON [{"name","key","rights":["Listen"|"Send"|"Manage"]}], the namespace keys
                                      the SAS service signs with (default: the connection string's key)

Options:
  --registry FILE          client registry (default .sandbox/clients.json; create clients with npm run ihc)
  --host ADDRESS           bind address (default 127.0.0.1)
  --identity-port N        identity port (default 0: a free port)
  --gateway-port N         gateway port (default 0: a free port)
  --issuer URL             token issuer (default: the identity URL)
  --audience NAME          token audience (default ihc-gateway)
  --service-bus-endpoint   sb://host[:port]/ as OHS instances reach the namespace (default: from the connection string)
  --help`;

const sasKeysSchema = z.array(z.object({ name: z.string().min(1), key: z.string().min(1), rights: z.array(z.enum(serviceBusRights)).min(1) }));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      registry: { type: 'string', default: process.env.IHC_CLIENT_REGISTRY ?? '.sandbox/clients.json' },
      host: { type: 'string', default: '127.0.0.1' },
      'identity-port': { type: 'string', default: '0' },
      'gateway-port': { type: 'string', default: '0' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      'service-bus-endpoint': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = createLogger({ name: 'cloud' });
  const serviceBusConnectionString = process.env.IHC_SERVICE_BUS_CONNECTION_STRING;
  const blobConnectionString = process.env.IHC_BLOB_CONNECTION_STRING;
  if (!serviceBusConnectionString || !blobConnectionString) {
    process.stderr.write(`IHC_SERVICE_BUS_CONNECTION_STRING and IHC_BLOB_CONNECTION_STRING must be set.\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const sasKeys = process.env.IHC_SAS_KEYS ? sasKeysSchema.parse(JSON.parse(process.env.IHC_SAS_KEYS)) : undefined;
  const cloud = await startCloud({
    serviceBusConnectionString,
    blobConnectionString,
    registryFile: values.registry,
    host: values.host,
    identityPort: Number(values['identity-port']),
    gatewayPort: Number(values['gateway-port']),
    logger,
    ...(sasKeys ? { sasKeys } : {}),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values.audience ? { audience: values.audience } : {}),
    ...(values['service-bus-endpoint'] ? { serviceBusEndpoint: values['service-bus-endpoint'] } : {}),
  });
  process.stdout.write(
    [
      `identity  ${cloud.identityUrl}`,
      `  token   ${cloud.tokenEndpoint}`,
      `  issuer  ${cloud.issuer}`,
      `gateway   ${cloud.gatewayUrl}/api/v1/tenants/{tenant}/...`,
      `registry  ${values.registry}`,
      '',
    ].join('\n'),
  );
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping');
    cloud.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  createLogger({ name: 'cloud' }).fatal({ err }, 'cloud failed to start');
  process.exitCode = 1;
});
