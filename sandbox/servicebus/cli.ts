/**
 * `npm run sandbox:servicebus -- --port N [--tls-port N] [--ws-port N] [--entities FILE] ...`
 * Starts the Service Bus sandbox broker on 127.0.0.1, prints its connection strings, runs until SIGINT/SIGTERM.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulatorOptions } from './emulator.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import type { TlsMaterial } from './transport-listeners.js';

const USAGE = `usage: sandbox:servicebus [options]
  --port N                 plain-TCP AMQP port (UseDevelopmentEmulator=true); default 5672, 0 = any free port
  --tls-port N             also serve AMQP over TLS 1.2+ on N
  --ws-port N              also serve AMQP over secure WebSockets (/$servicebus/websocket) on N
  --cert FILE --key FILE   PEM certificate and key for TLS/WSS; default a fresh self-signed one for localhost
  --host-name NAME         host name for TLS/WSS connection strings (must match the certificate); default localhost
  --entities FILE          JSON entities file (queues, topics, subscriptions, access rules)
  --auto-create            create unknown entities on first use (default when no --entities is given)
  --no-auto-create         refuse unknown entities with amqp:not-found
  --admin-port N           admin HTTP port (faults, stats); default any free port
  --max-message-size N     default maximum message size in bytes; default 262144
  --quiet                  do not log broker diagnostics`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'tls-port': { type: 'string' },
      'ws-port': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'host-name': { type: 'string' },
      entities: { type: 'string' },
      'auto-create': { type: 'boolean' },
      'no-auto-create': { type: 'boolean' },
      'admin-port': { type: 'string' },
      'max-message-size': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const tlsPort = portOption(values['tls-port'], '--tls-port');
  const wsPort = portOption(values['ws-port'], '--ws-port');
  const hostName = values['host-name'] ?? 'localhost';
  let material: TlsMaterial | undefined;
  if (tlsPort !== undefined || wsPort !== undefined) material = await tlsMaterial(values.cert, values.key, hostName);

  const options: ServiceBusEmulatorOptions = {
    port: portOption(values.port, '--port') ?? 5672,
    hostName,
    autoCreateEntities: values['no-auto-create'] ? false : (values['auto-create'] ?? (values.entities === undefined ? true : undefined)),
    log: values.quiet ? () => undefined : (line) => console.error(`[servicebus] ${line}`),
  };
  if (values.entities !== undefined) options.entitiesFile = values.entities;
  if (values['admin-port'] !== undefined) options.adminPort = portOption(values['admin-port'], '--admin-port')!;
  if (values['max-message-size'] !== undefined) options.maxMessageSizeInBytes = positiveInteger(values['max-message-size'], '--max-message-size');
  if (material && tlsPort !== undefined) options.tls = { ...material, port: tlsPort };
  if (material && wsPort !== undefined) options.webSockets = { ...material, port: wsPort };

  const emulator = await startServiceBusEmulator(options);
  console.log(`connection string: ${emulator.connectionString}`);
  if (emulator.tlsConnectionString) console.log(`tls connection string: ${emulator.tlsConnectionString}`);
  if (emulator.webSocketConnectionString) {
    console.log(`websocket connection string: ${emulator.webSocketConnectionString}`);
    console.log('  (pass webSocketOptions: { webSocket: WebSocket } from the ws package to ServiceBusClient)');
  }
  console.log(`admin: ${emulator.adminUrl}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function tlsMaterial(certFile: string | undefined, keyFile: string | undefined, hostName: string): Promise<TlsMaterial> {
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--cert and --key go together');
  if (certFile !== undefined && keyFile !== undefined) {
    return { cert: await readFile(certFile), key: await readFile(keyFile) };
  }
  const material = await createSelfSignedCertificate(hostName);
  const path = join(await mkdtemp(join(tmpdir(), 'servicebus-sandbox-')), 'cert.pem');
  await writeFile(path, material.cert);
  console.log(`certificate: ${path} (self-signed; trust it with NODE_EXTRA_CA_CERTS=${path})`);
  return material;
}

function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), got '${value}'`);
  return port;
}

function positiveInteger(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return number;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
