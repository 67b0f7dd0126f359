import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults } from './faults.js';
import type { QueueStats } from './queue.js';

/** What the admin interface exposes. */
export interface AdminServerOptions {
  host: string;
  port: number;
  faults: Faults;
  stats: () => QueueStats[];
  connections: () => number;
}

/** A running admin interface. */
export interface AdminServer {
  readonly url: string;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;
type Route = (params: Params) => unknown;

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts the loopback HTTP admin interface. Parameters come as a JSON body or as query parameters.
 *
 * - `GET  /health`, `GET /entities`
 * - `POST /faults/drop-connections`   `{graceful?}`
 * - `POST /faults/refuse-connections` `{durationInMs}`
 * - `POST /faults/server-busy`        `{entityPath?, durationInMs?}`
 * - `POST /faults/expire-locks`       `{entityPath?}`
 * - `POST /faults/reset`
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { faults } = options;
  const routes: Record<string, Route> = {
    'GET /health': () => ({ status: 'ok', connections: options.connections() }),
    'GET /entities': () => ({ entities: options.stats() }),
    'POST /faults/drop-connections': (p) => ({ affected: faults.dropConnections({ graceful: bool(p.graceful) }) }),
    'POST /faults/refuse-connections': (p) => {
      faults.refuseConnections({ durationInMs: requiredNumber(p, 'durationInMs') });
      return {};
    },
    'POST /faults/server-busy': (p) => ({
      affected: faults.serverBusy({ entityPath: optionalString(p.entityPath), durationInMs: optionalNumber(p, 'durationInMs') }),
    }),
    'POST /faults/expire-locks': (p) => ({ affected: faults.expireLocks({ entityPath: optionalString(p.entityPath) }) }),
    'POST /faults/reset': () => {
      faults.reset();
      return {};
    },
  };

  const server = createServer((request, response) => {
    void handle(routes, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(routes: Record<string, Route>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://admin');
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) return send(response, 404, { error: `no route ${request.method} ${url.pathname}` });
    const params: Params = { ...Object.fromEntries(url.searchParams), ...(await readJson(request)) };
    send(response, 200, { ok: true, ...(route(params) as object) });
  } catch (error) {
    send(response, 400, { error: (error as Error).message });
  }
}

async function readJson(request: IncomingMessage): Promise<Params> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('body must be a JSON object');
  return value as Params;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function optionalNumber(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a non-negative number`);
  return number;
}

function requiredNumber(params: Params, name: string): number {
  const number = optionalNumber(params, name);
  if (number === undefined) throw new Error(`${name} is required`);
  return number;
}
