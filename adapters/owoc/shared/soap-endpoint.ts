import { createServer, type RequestListener, type Server } from 'node:http';
import { listen, type IServices } from 'soap';
import { guardSoapListener, type SoapRejection } from './soap-request-guard.js';

/** Options of {@link startSoapEndpoint}. */
export interface SoapEndpointOptions {
  /** Interface to bind; never all interfaces unless configured. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** URL path, starting with '/'. */
  path: string;
  maxBodyBytes: number;
  /** The WSDL, given the endpoint's address. */
  wsdl: (location: string) => string;
  /** `soap` services object: { [service]: { [port]: { [operation]: handler } } }. */
  services: IServices;
  /** Namespace of the operations' body elements. */
  namespace: string;
  /** SOAPAction by operation (body element local name). */
  actions: Readonly<Record<string, string>>;
  onRejected?: (rejection: SoapRejection) => void;
  /** Longest time a sender may take to send a whole request. Default 60 s. */
  requestTimeoutInMs?: number;
}

/** A running SOAP endpoint. */
export interface SoapEndpoint {
  /** The address senders use, e.g. http://127.0.0.1:49152/owoc/v1/DataSubscriberService. */
  readonly url: string;
  readonly port: number;
  /**
   * Stop accepting, let requests in flight finish for up to `graceInMs` (default 5 s), then close
   * every connection. Resolves once the port is free.
   */
  close(graceInMs?: number): Promise<void>;
}

/**
 * Host a SOAP 1.1 service with the `soap` package on a plain node http server, behind the request
 * guard (body limit, XML screening). Resolves once the port is bound.
 */
export async function startSoapEndpoint(options: SoapEndpointOptions): Promise<SoapEndpoint> {
  const server = createServer({ requestTimeout: options.requestTimeoutInMs ?? 60_000 });
  const path = options.path.length > 1 ? options.path.replace(/\/+$/, '') : options.path;
  let location = `http://localhost${path}`;
  await new Promise<void>((resolve, reject) => {
    try {
      listen(server, {
        path,
        services: options.services,
        xml: options.wsdl(location),
        // Errors that are not faults must not carry a stack trace to the sender.
        suppressStack: true,
        // Content-Length rather than chunked answers: the plainest HTTP for WCF-era clients.
        enableChunkedEncoding: false,
        callback: (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  // soap.listen installed its own request listener once the WSDL was ready; take it and put the
  // guard in front, so no request reaches the soap server unscreened.
  const soapListener = server.listeners('request').at(-1) as RequestListener | undefined;
  if (soapListener === undefined) throw new Error('the soap server did not attach to the http server');
  server.removeAllListeners('request');
  server.on('request', guardSoapListener(soapListener, { ...options, path, wsdl: () => options.wsdl(location) }));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  location = `http://${host}:${port}${path}`;
  return { url: location, port, close: (graceInMs = 5_000) => closeServer(server, graceInMs) };
}

async function closeServer(server: Server, graceInMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + graceInMs;
  let finished = false;
  void closed.then(() => (finished = true));
  // Keep-alive connections become idle once their request is answered; close them as they do.
  while (!finished && Date.now() < deadline) {
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.closeAllConnections();
  await closed;
}
