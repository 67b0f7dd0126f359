import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { Broker } from './broker.js';
import type { Faults } from './faults.js';

/** A certificate and key in PEM. */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

/** The path the Service Bus client opens for AMQP over WebSockets. */
export const WEBSOCKET_PATH = '/$servicebus/websocket';
/** The WebSocket subprotocol the Service Bus client requires the server to select. */
export const WEBSOCKET_SUBPROTOCOL = 'AMQPWSB10';

// Everything a client connection runs over, reduced to what fault injection and shutdown need.
interface Transport {
  cut(): void;
}

/**
 * The sockets AMQP clients connect to: plain TCP (the client's development-emulator mode), TLS, and secure
 * WebSockets. All bind to one host (loopback), track their connections so they can be cut, and refuse new
 * connections while the `refuse connections` fault is active.
 */
export class TransportListeners {
  private readonly servers: Array<NetServer | TlsServer | HttpsServer> = [];
  private readonly transports = new Set<Transport>();

  constructor(
    private readonly host: string,
    private readonly broker: Broker,
    private readonly faults: Faults,
    private readonly log: (line: string) => void,
  ) {}

  /** Plain AMQP over TCP. Resolves to the bound port. */
  async listenTcp(port: number): Promise<number> {
    const server = createNetServer((socket) => {
      if (this.refused(socket)) return;
      this.track(socket);
      this.broker.acceptSocket(socket);
    });
    return this.start(server, port);
  }

  /** AMQP over TLS 1.2 or later. Resolves to the bound port. */
  async listenTls(port: number, material: TlsMaterial): Promise<number> {
    const server = createTlsServer({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' }, (socket) => {
      this.track(socket);
      this.broker.acceptSocket(socket);
    });
    // Refuse before the handshake, as a dead endpoint would.
    server.on('connection', (socket: Socket) => void this.refused(socket));
    server.on('tlsClientError', (error) => this.log(`tls handshake failed: ${error.message}`));
    return this.start(server, port);
  }

  /** AMQP over secure WebSockets at `/$servicebus/websocket`, subprotocol `AMQPWSB10`. Resolves to the bound port. */
  async listenWebSocket(port: number, material: TlsMaterial): Promise<number> {
    const server = createHttpsServer({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' }, (_request, response) => {
      response.writeHead(404).end();
    });
    server.on('connection', (socket: Socket) => void this.refused(socket));
    server.on('tlsClientError', (error) => this.log(`wss handshake failed: ${error.message}`));
    const wss = new WebSocketServer({
      server,
      path: WEBSOCKET_PATH,
      // The client rejects a handshake that does not select its subprotocol.
      handleProtocols: (protocols) => (protocols.has(WEBSOCKET_SUBPROTOCOL) ? WEBSOCKET_SUBPROTOCOL : false),
    });
    wss.on('connection', (socket) => {
      const transport: Transport = {
        cut: () => {
          this.transports.delete(transport);
          socket.terminate();
        },
      };
      this.transports.add(transport);
      socket.on('close', () => this.transports.delete(transport));
      socket.on('error', (error) => this.log(`websocket error: ${error.message}`));
      this.broker.acceptWebSocket(socket);
    });
    wss.on('error', (error) => this.log(`websocket server error: ${error.message}`));
    return this.start(server, port);
  }

  /** Cuts every client connection at the socket. Returns how many. */
  cutAll(): number {
    const all = [...this.transports];
    for (const transport of all) transport.cut();
    return all.length;
  }

  /**
   * Cuts, after `delayInMs`, the connections open now (and still open then); connections made in the meantime
   * are spared. Used after a graceful close, so a client that reconnects at once is not cut again.
   */
  cutLater(delayInMs: number): void {
    const victims = [...this.transports];
    setTimeout(() => {
      for (const transport of victims) if (this.transports.has(transport)) transport.cut();
    }, delayInMs).unref();
  }

  /** Number of open client connections. */
  get openConnections(): number {
    return this.transports.size;
  }

  /** Cuts every connection and closes every listener. */
  async close(): Promise<void> {
    this.cutAll();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  // A reset (not a clean close) is what the client sees when a broker is unreachable, and it treats ECONNRESET as
  // transient; a clean end would surface as a non-retryable "Failed to connect".
  private refused(socket: Socket): boolean {
    if (!this.faults.isRefusingConnections()) return false;
    socket.resetAndDestroy();
    return true;
  }

  private track(socket: Socket): void {
    // AMQP frames are small and interactive; Nagle's algorithm would add ~40 ms to every round trip.
    socket.setNoDelay(true);
    const transport: Transport = {
      cut: () => {
        this.transports.delete(transport);
        // Destroy with an error so rhea hears about it: a bare destroy() emits no 'end' and rhea would keep the
        // connection (and its heartbeat timer) alive.
        socket.destroy(new Error('connection cut by the sandbox broker'));
      },
    };
    this.transports.add(transport);
    socket.on('close', () => this.transports.delete(transport));
    socket.on('error', () => undefined);
  }

  private start(server: NetServer | TlsServer | HttpsServer, port: number): Promise<number> {
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }
}
