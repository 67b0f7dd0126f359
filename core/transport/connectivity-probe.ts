import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';

/** How the OHS reaches Service Bus. */
export type ConnectivityMode = 'amqp' | 'amqp-websockets';

/** Result of probing one mode. */
export interface ProbeResult {
  mode: ConnectivityMode;
  ok: boolean;
  /** Why the probe failed, for status pages and logs. */
  error?: string;
  elapsedInMs: number;
}

// AMQP 1.0 SASL protocol header. A Service Bus endpoint answers it with its own header; a TCP port
// that accepts connections but is not AMQP (a proxy, a captive portal) does not.
const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);

function isAmqpHeader(data: Buffer): boolean {
  return data.length >= 4 && data.subarray(0, 4).toString('latin1') === 'AMQP';
}

/** Options of {@link probeAmqp}. */
export interface AmqpProbeOptions {
  host: string;
  port: number;
  /** TLS (production, 5671) or plain TCP (development emulator). */
  tls: boolean;
  timeoutInMs?: number;
}

/** Probe AMQP over TCP: connect (with TLS 1.2 minimum when asked), exchange protocol headers, hang up. */
export function probeAmqp(options: AmqpProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  const timeoutInMs = options.timeoutInMs ?? 5_000;
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ mode: 'amqp', ok: error === undefined, ...(error === undefined ? {} : { error }), elapsedInMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(`no AMQP answer from ${options.host}:${options.port} within ${timeoutInMs} ms`), timeoutInMs);
    const onConnect = (): void => void socket.write(SASL_HEADER);
    socket = options.tls
      ? tlsConnect({ host: options.host, port: options.port, servername: options.host, minVersion: 'TLSv1.2' }, onConnect)
      : tcpConnect({ host: options.host, port: options.port }, onConnect);
    socket.once('data', (data: Buffer) => finish(isAmqpHeader(data) ? undefined : `${options.host}:${options.port} answered, but not with AMQP`));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(`${error.code ?? 'error'}: ${error.message}`));
    socket.once('close', () => finish(`${options.host}:${options.port} closed the connection`));
  });
}

/** Options of {@link probeAmqpWebSocket}. */
export interface WebSocketProbeOptions {
  host: string;
  port: number;
  /** Passed to the `ws` constructor exactly as the Service Bus client will pass it (e.g. `{ ca }`). */
  webSocketOptions?: Record<string, unknown>;
  timeoutInMs?: number;
}

/** Probe AMQP over secure WebSockets: the path and subprotocol the Service Bus client uses, then a header exchange. */
export function probeAmqpWebSocket(options: WebSocketProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  const timeoutInMs = options.timeoutInMs ?? 5_000;
  const url = `wss://${options.host}:${options.port}/$servicebus/websocket`;
  return new Promise((resolve) => {
    let settled = false;
    const ws = new WebSocket(url, ['AMQPWSB10'], { ...(options.webSocketOptions ?? {}), handshakeTimeout: timeoutInMs, minVersion: 'TLSv1.2' });
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve({ mode: 'amqp-websockets', ok: error === undefined, ...(error === undefined ? {} : { error }), elapsedInMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(`no AMQP answer from ${url} within ${timeoutInMs} ms`), timeoutInMs);
    ws.on('open', () => ws.send(SASL_HEADER));
    ws.on('message', (data: Buffer) => finish(isAmqpHeader(Buffer.from(data)) ? undefined : `${url} answered, but not with AMQP`));
    ws.on('error', (error: NodeJS.ErrnoException) => finish(`${error.code ?? 'error'}: ${error.message}`));
    ws.on('close', () => finish(`${url} closed the connection`));
  });
}

/** Outcome of {@link detectConnectivity}: the chosen mode (or none) and both probe results. */
export interface ConnectivityReport {
  mode: ConnectivityMode | undefined;
  probes: ProbeResult[];
}

/**
 * Probe both ways in parallel and choose: AMQP over TCP when it works (the whitepaper's default),
 * WebSockets on 443 otherwise, nothing when neither answers.
 */
export async function detectConnectivity(amqp: AmqpProbeOptions, webSocket: WebSocketProbeOptions): Promise<ConnectivityReport> {
  const probes = await Promise.all([probeAmqp(amqp), probeAmqpWebSocket(webSocket)]);
  const chosen = probes.find((p) => p.mode === 'amqp' && p.ok) ?? probes.find((p) => p.ok);
  return { mode: chosen?.mode, probes };
}
