import type { FastifyInstance } from 'fastify';

/** Listen on host:port (port 0 picks a free one) and return the base URL, without a trailing slash. */
export async function listenAt(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP address');
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${urlHost}:${address.port}`;
}

/**
 * Close gracefully: stop accepting, let in-flight requests finish, then cut whatever is still open after
 * `graceInMs` (e.g. a client that sent half a request and went silent would otherwise hold shutdown for
 * Node's 60 s header timeout).
 */
export async function closeServer(app: FastifyInstance, graceInMs: number): Promise<void> {
  const force = setTimeout(() => app.server.closeAllConnections(), graceInMs);
  force.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(force);
  }
}
