import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BodyTooLargeError, readLimitedBody } from './read-limited-body.js';
import { screenSoapXml } from './screen-soap-xml.js';
import { soapFaultEnvelope } from './soap-fault.js';

/** A request the guard refused before the SOAP service saw it. */
export interface SoapRejection {
  status: number;
  reason: string;
  remoteAddress: string | undefined;
}

/** Options of {@link guardSoapListener}. */
export interface SoapGuardOptions {
  /** URL path of the endpoint, without a trailing slash. */
  path: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Namespace the body element must be in. */
  namespace: string;
  /** SOAPAction of each operation, by the local name of its body element. */
  actions: Readonly<Record<string, string>>;
  /** The WSDL served on `GET <path>?wsdl`. */
  wsdl: () => string;
  /** Told about every refused request (for logs and counters). */
  onRejected?: (rejection: SoapRejection) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Put a gate in front of the `soap` server's request listener. The `soap` package reads whole
 * bodies without a limit and hands them to its parser; the gate reads the body itself (bounded),
 * screens it (no DTD or entities, well-formed, a SOAP 1.1 envelope for one of our operations in our
 * namespace) and passes it on pre-read as `req.body`, which the `soap` server then uses as is. Every
 * refusal is a SOAP 1.1 Client fault that names the problem.
 */
export function guardSoapListener(soapListener: RequestListener, options: SoapGuardOptions): RequestListener {
  return (req, res) => {
    void gate(req, res).catch(() => {
      if (!res.headersSent) refuse(req, res, options, 500, 'the request could not be read');
      else res.destroy();
    });
  };

  async function gate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (pathname !== options.path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (req.method === 'GET' && url.search.toLowerCase().startsWith('?wsdl')) {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(options.wsdl());
      return;
    }
    if (req.method !== 'POST') return refuse(req, res, options, 405, `method ${req.method ?? '?'} is not allowed; POST a SOAP 1.1 envelope`, { Allow: 'GET, POST' });
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return refuse(req, res, options, 415, `Content-Encoding "${encoding}" is not accepted; send the envelope uncompressed`);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('text/xml')) {
      const soap12 = contentType.startsWith('application/soap+xml');
      return refuse(req, res, options, 415, soap12 ? 'SOAP 1.2 is not supported: send a SOAP 1.1 envelope as text/xml' : 'Content-Type must be text/xml (SOAP 1.1)');
    }
    const charset = /charset\s*=\s*"?([^";\s]+)/.exec(contentType)?.[1];
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return refuse(req, res, options, 415, `charset "${charset}" is not accepted; send UTF-8`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) return refuse(req, res, options, 413, `the request body (${declared} bytes) exceeds the limit of ${options.maxBodyBytes} bytes`);
    let bytes: Buffer;
    try {
      bytes = await readLimitedBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse(req, res, options, 413, `the request body exceeds the limit of ${options.maxBodyBytes} bytes`);
      res.destroy();
      return;
    }
    let xml: string;
    try {
      xml = utf8.decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      return refuse(req, res, options, 400, 'the request body is not valid UTF-8');
    }
    if (xml.trim() === '') return refuse(req, res, options, 400, 'the request body is empty');
    const screening = screenSoapXml(xml);
    if (!screening.ok) return refuse(req, res, options, 400, screening.reason);
    const { localName, namespace } = screening.body;
    const action = Object.hasOwn(options.actions, localName) ? options.actions[localName] : undefined;
    if (action === undefined || namespace !== options.namespace) {
      return refuse(req, res, options, 400, `the body element {${namespace ?? ''}}${localName} is not an operation of this endpoint; expected one of ${Object.keys(options.actions).map((a) => `{${options.namespace}}${a}`).join(', ')}`);
    }
    const soapAction = unquote(req.headers.soapaction);
    if (soapAction !== undefined && soapAction !== '' && soapAction !== action && soapAction !== localName && !soapAction.endsWith(`/${localName}`)) {
      return refuse(req, res, options, 400, `SOAPAction "${soapAction}" does not match the body element ${localName} (expected "${action}")`);
    }
    // The soap server uses a pre-read body as is (its express middleware path) and so never reads the stream itself.
    (req as IncomingMessage & { body?: string }).body = xml;
    soapListener(req, res);
  }
}

function unquote(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}

function refuse(req: IncomingMessage, res: ServerResponse, options: SoapGuardOptions, status: number, reason: string, headers: Record<string, string> = {}): void {
  options.onRejected?.({ status, reason, remoteAddress: req.socket.remoteAddress });
  const unread = !req.complete;
  res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', ...(unread ? { Connection: 'close' } : {}), ...headers });
  res.end(soapFaultEnvelope('Client', reason));
  if (unread) discardRest(req, options.maxBodyBytes);
}

/**
 * Read and drop what the sender still sends, so it can read our fault instead of seeing its
 * connection reset mid-upload; past a bound we do reset it rather than read forever.
 */
function discardRest(req: IncomingMessage, maxBodyBytes: number): void {
  const bound = Math.max(4 * maxBodyBytes, 1 << 20);
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bound) req.socket.destroy();
  });
  req.resume();
}
