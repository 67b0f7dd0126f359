import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../core/log/index.js';
import {
  createRootContainer,
  formatProblem,
  loadPluginsFile,
  pluginsJsonSchema,
  TenantScope,
  type AdapterRegistry,
} from '../core/plugins/index.js';
import { fileCandidateFromPath } from '../core/mechanisms/files/file-candidate.js';
import { isHybridError, type FileTransferAdapter } from '../core/sdk/index.js';
import { builtInRegistry } from './composition.js';
import { cloudConnections } from './cloud-connections.js';
import { runOhs, type OhsSettings } from './run-ohs.js';
import { keyConnections } from './key-connections.js';

/** Output sinks, so tests can run the CLI in-process and read what it printed. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = `usage: ohs <command> [options]

commands:
  adapters [--json]                          list the adapters this build offers
  validate [--plugins FILE]                  check plugins.json (default ./plugins.json); lists every problem
  check-file ADAPTER_ID FILE [--plugins FILE --tenant T]
                                             run a file-transfer adapter's validation on one file
  schema [--out FILE]                        print (or write) the JSON Schema of plugins.json
  run [--plugins FILE] [--data-dir DIR] [--file-root DIR] [--management-port N]
      --token-endpoint URL --gateway URL --client-id ID --service-bus-host HOST [--amqp-port N] [--ws-port N]
                                             run the OHS against the cloud side (client secret from
                                             OHS_CLIENT_SECRET or OHS_CLIENT_SECRET_FILE); or, without
                                             --token-endpoint, with keys from OHS_SERVICE_BUS_CONNECTION_STRING
                                             and OHS_BLOB_CONNECTION_STRING
`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
}

async function adaptersCommand(registry: AdapterRegistry, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const manifests = registry.list();
  if (values.json) {
    io.out(JSON.stringify(manifests.map((m) => ({ id: m.id, dataSource: m.dataSource, method: m.method, stability: m.stability })), null, 2));
    return 0;
  }
  for (const line of table([['ID', 'DATA SOURCE', 'METHOD', 'STABILITY'], ...manifests.map((m) => [m.id, m.dataSource, m.method, m.stability])])) io.out(line);
  return 0;
}

async function validateCommand(registry: AdapterRegistry, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { plugins: { type: 'string', default: 'plugins.json' } } });
  const result = await loadPluginsFile(values.plugins, registry);
  if (!result.ok) {
    io.err(`${values.plugins}: ${result.problems.length} problem(s)`);
    for (const problem of result.problems) io.err(`  - ${formatProblem(problem)}`);
    return 1;
  }
  const enabled = result.plugins.tenants.reduce((sum, t) => sum + t.adapters.filter((a) => a.enabled).length, 0);
  io.out(`${values.plugins} is valid: ${result.plugins.tenants.length} tenant(s), ${enabled} adapter(s) enabled`);
  return 0;
}

async function checkFileCommand(registry: AdapterRegistry, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { plugins: { type: 'string' }, tenant: { type: 'string' } } });
  const [adapterId, file] = positionals;
  if (adapterId === undefined || file === undefined) {
    io.err('usage: ohs check-file ADAPTER_ID FILE [--plugins FILE --tenant T]');
    return 2;
  }
  const manifest = registry.find(adapterId);
  if (manifest === undefined) {
    io.err(`unknown adapter "${adapterId}"; known adapters: ${registry.ids().join(', ')}`);
    return 2;
  }
  if (manifest.method !== 'file-transfer') {
    io.err(`adapter "${adapterId}" is a ${manifest.method} adapter; check-file needs a file-transfer adapter`);
    return 2;
  }
  let config: Readonly<Record<string, unknown>>;
  if (values.plugins !== undefined) {
    const loaded = await loadPluginsFile(values.plugins, registry);
    if (!loaded.ok) {
      io.err(`${values.plugins} is not valid; run ohs validate --plugins ${values.plugins}`);
      return 2;
    }
    const tenants = loaded.plugins.tenants.filter((t) => values.tenant === undefined || t.tenantId === values.tenant);
    const entry = tenants.flatMap((t) => t.adapters).find((a) => a.adapterId === adapterId);
    if (entry === undefined) {
      io.err(`adapter "${adapterId}" is not configured${values.tenant ? ` for tenant ${values.tenant}` : ''} in ${values.plugins}`);
      return 2;
    }
    config = entry.config;
  } else {
    const parsed = manifest.configSchema.safeParse({});
    if (!parsed.success) {
      io.err(`adapter "${adapterId}" has required settings; pass --plugins FILE [--tenant T] to use a configured one`);
      return 2;
    }
    config = parsed.data;
  }
  const logger = createLogger({ name: 'ohs check-file', level: 'warn', destination: process.stderr as never });
  const root = createRootContainer(registry, logger);
  const scope = TenantScope.create(root, { tenantId: values.tenant ?? 'check-file', displayName: undefined, adapters: [{ adapterId, enabled: true, config }] });
  const adapter = scope.get(adapterId).instance as unknown as FileTransferAdapter;
  const abort = new AbortController();
  try {
    await adapter.start({ tenantId: scope.tenantId, log: logger, signal: abort.signal });
    let candidate;
    try {
      candidate = await fileCandidateFromPath(file);
    } catch (error) {
      io.err(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 2;
    }
    const result = await adapter.validate(candidate);
    if (result.accepted) {
      io.out(`${candidate.name}: accepted by ${adapterId}`);
      io.out(JSON.stringify({ recordCount: result.recordCount, timeRange: result.timeRange, identifiers: result.identifiers, metadata: result.metadata }, null, 2));
      return 0;
    }
    io.err(`${candidate.name}: rejected by ${adapterId} (${result.reasons.length} reason(s))`);
    for (const reason of result.reasons) {
      const where = [reason.line !== undefined ? `line ${reason.line}` : undefined, reason.element].filter(Boolean).join(', ');
      io.err(`  - ${where ? `${where}: ` : ''}${reason.message}`);
    }
    return 1;
  } finally {
    abort.abort();
    await scope.dispose();
  }
}

async function schemaCommand(registry: AdapterRegistry, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const text = `${JSON.stringify(pluginsJsonSchema(registry), null, 2)}\n`;
  if (values.out === undefined) io.out(text.trimEnd());
  else {
    await writeFile(values.out, text);
    io.out(`wrote ${values.out}`);
  }
  return 0;
}

async function runCommand(registry: AdapterRegistry, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      plugins: { type: 'string', default: 'plugins.json' },
      'data-dir': { type: 'string', default: '.ohs/data' },
      'file-root': { type: 'string', default: '.ohs/files' },
      'management-port': { type: 'string', default: '0' },
      'stable-for-ms': { type: 'string', default: '1000' },
      'token-endpoint': { type: 'string' },
      gateway: { type: 'string' },
      'client-id': { type: 'string' },
      'service-bus-host': { type: 'string' },
      'amqp-port': { type: 'string' },
      'ws-port': { type: 'string' },
      'ws-ca-file': { type: 'string' },
      'sas-rotate-every-ms': { type: 'string' },
    },
  });
  const logger = createLogger({ name: 'ohs' });
  let connect: OhsSettings['connect'];
  if (values['token-endpoint'] !== undefined) {
    // Production form: OAuth client credentials, then rotating SAS from the cloud SAS service.
    const missing = (['gateway', 'client-id', 'service-bus-host'] as const).filter((k) => values[k] === undefined);
    const clientSecret = process.env.OHS_CLIENT_SECRET ?? (process.env.OHS_CLIENT_SECRET_FILE ? (await readFile(process.env.OHS_CLIENT_SECRET_FILE, 'utf8')).trim() : undefined);
    if (missing.length > 0 || !clientSecret) {
      io.err(`ohs run: with --token-endpoint also give ${missing.map((k) => `--${k}`).join(', ') || 'nothing else'}${clientSecret ? '' : ' and set OHS_CLIENT_SECRET (or OHS_CLIENT_SECRET_FILE)'}`);
      return 2;
    }
    connect = cloudConnections({
      tokenEndpoint: values['token-endpoint'],
      gatewayUrl: values.gateway!,
      clientId: values['client-id']!,
      clientSecret,
      rotateEveryInMs: values['sas-rotate-every-ms'] === undefined ? undefined : Number(values['sas-rotate-every-ms']),
      serviceBus: {
        host: values['service-bus-host']!,
        ...(values['amqp-port'] === undefined ? {} : { amqpPort: Number(values['amqp-port']) }),
        ...(values['ws-port'] === undefined ? {} : { webSocketPort: Number(values['ws-port']) }),
        ...(values['ws-ca-file'] === undefined ? {} : { webSocketOptions: { ca: await readFile(values['ws-ca-file'], 'utf8') } }),
      },
      logger,
    });
  } else {
    // Key form (sandbox, key-based deployments). Connection strings hold keys: environment only, never argv.
    const serviceBus = process.env.OHS_SERVICE_BUS_CONNECTION_STRING;
    const blob = process.env.OHS_BLOB_CONNECTION_STRING;
    if (!serviceBus || !blob) {
      io.err('ohs run: give --token-endpoint, --gateway, --client-id and --service-bus-host (with OHS_CLIENT_SECRET), or set OHS_SERVICE_BUS_CONNECTION_STRING and OHS_BLOB_CONNECTION_STRING');
      return 2;
    }
    connect = keyConnections({ serviceBusConnectionString: serviceBus, blobConnectionString: blob, createContainers: process.env.OHS_CREATE_CONTAINERS === 'true' });
  }
  const running = await runOhs(
    registry,
    {
      pluginsFile: values.plugins,
      dataDir: values['data-dir'],
      fileRoot: values['file-root'],
      managementPort: Number(values['management-port']),
      fileWatch: { stableForInMs: Number(values['stable-for-ms']) },
      connect,
    },
    logger,
  );
  io.out(`ohs running: management ${running.management.url}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.out('ohs stopping…');
  await running.stop();
  return 0;
}

/** Run the `ohs` CLI with the given arguments; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }, registry = builtInRegistry()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'adapters':
        return await adaptersCommand(registry, rest, io);
      case 'validate':
        return await validateCommand(registry, rest, io);
      case 'check-file':
        return await checkFileCommand(registry, rest, io);
      case 'schema':
        return await schemaCommand(registry, rest, io);
      case 'run':
        return await runCommand(registry, rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // Argument errors from parseArgs and HybridErrors are the user's to fix: one clear line, no stack.
    if (isHybridError(error) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`ohs ${command}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
