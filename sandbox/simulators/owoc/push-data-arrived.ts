import { request, type Agent } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { dataArrivedAction } from '../../../adapters/owoc/shared/data-subscriber-wsdl.js';
import { dataArrivedEnvelope, type DataArrivedPayload, type PushCredentials } from './data-arrived-envelope.js';

/** Options of {@link pushDataArrived}. */
export interface PushOptions {
  /** WS-Security UsernameToken to send. */
  credentials?: PushCredentials;
  /** SOAPAction header; the DataArrived action by default. */
  soapAction?: string;
  /** Extra or replacing HTTP headers (tests send wrong content types with it). */
  headers?: Record<string, string>;
  /** Connection pool; by default a fresh connection that is closed after the answer. */
  agent?: Agent;
  signal?: AbortSignal;
  /** Give up after this long. Default 30 s. */
  timeoutInMs?: number;
}

/** The subscriber's acknowledgement of a push. */
export interface PushAcknowledgement {
  recordsAccepted: number;
  requestToken: string | undefined;
}

/** A push the subscriber did not acknowledge: its HTTP status and SOAP fault, when it sent one. */
export class OwocPushError extends Error {
  override readonly name = 'OwocPushError';
  constructor(
    readonly status: number,
    readonly faultCode: string | undefined,
    readonly faultString: string | undefined,
  ) {
    super(`DataArrived push refused: HTTP ${status}${faultCode === undefined ? '' : ` ${faultCode}`}${faultString === undefined ? '' : `: ${faultString}`}`);
  }
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, processEntities: true, htmlEntities: false, parseTagValue: false });

/**
 * Push one DataArrived to a subscriber endpoint, as the OWOC-CM head-end does. Resolves with the
 * acknowledgement; rejects with {@link OwocPushError} on a fault or error status, or with the network
 * error when the endpoint cannot be reached. `payload` is structured, or raw XML (a body element or a
 * whole envelope, sent as is).
 */
export function pushDataArrived(targetUrl: string, payload: DataArrivedPayload | string, options: PushOptions = {}): Promise<PushAcknowledgement> {
  const body = Buffer.from(dataArrivedEnvelope(payload, options.credentials), 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      targetUrl,
      {
        method: 'POST',
        agent: options.agent ?? false,
        signal: options.signal,
        timeout: options.timeoutInMs ?? 30_000,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: `"${options.soapAction ?? dataArrivedAction}"`,
          'Content-Length': String(body.length),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const envelope = parseEnvelope(text);
          const fault = envelope?.Body?.Fault;
          if (status !== 200 || fault !== undefined) {
            reject(new OwocPushError(status, stringOf(fault?.faultcode), stringOf(fault?.faultstring)));
            return;
          }
          const result = envelope?.Body?.DataArrivedResponse?.DataArrivedResult;
          resolve({ recordsAccepted: Number(stringOf(result?.RecordsAccepted) ?? 0), requestToken: stringOf(result?.RequestToken) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('DataArrived push timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

interface ParsedEnvelope {
  Body?: {
    Fault?: { faultcode?: unknown; faultstring?: unknown };
    DataArrivedResponse?: { DataArrivedResult?: { RecordsAccepted?: unknown; RequestToken?: unknown } };
  };
}

function parseEnvelope(text: string): ParsedEnvelope | undefined {
  try {
    return (parser.parse(text) as { Envelope?: ParsedEnvelope }).Envelope;
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
