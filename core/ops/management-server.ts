import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenantStatus } from '../runtime/tenant-runtime.js';

/** Options of {@link startManagementServer}. */
export interface ManagementServerOptions {
  /** Loopback by default: the management API is for the operator on this machine. */
  host?: string;
  port?: number;
  status: () => TenantStatus[];
}

/** A running management server. */
export interface ManagementServer {
  url: string;
  close(): Promise<void>;
}

/** Health of the whole OHS from its tenants: degraded when an adapter failed or a tenant is not connected. */
export function overallHealth(tenants: TenantStatus[]): 'ok' | 'degraded' {
  return tenants.every((t) => t.inboundConnected && t.adapters.every((a) => a.state === 'running')) ? 'ok' : 'degraded';
}

/**
 * The OHS management API: `GET /healthz` (200 ok / 503 degraded) and `GET /status` (every tenant's
 * connectivity mode, outbox depth, adapter states). It holds no secrets, and binds to loopback unless
 * told otherwise.
 */
export async function startManagementServer(options: ManagementServerOptions): Promise<ManagementServer> {
  const server: Server = createServer((req, res) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body, null, 2));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      const tenants = options.status();
      const health = overallHealth(tenants);
      return send(health === 'ok' ? 200 : 503, { status: health });
    }
    if (path === '/status') return send(200, { status: overallHealth(options.status()), tenants: options.status() });
    return send(404, { error: `no such endpoint ${path}; try /healthz or /status` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
