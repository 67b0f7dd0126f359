import { randomUUID } from 'node:crypto';
import { dataServiceAction, dataServiceWsdl, type OwocRequestState } from '../../../adapters/owoc/shared/data-service-wsdl.js';
import { owocDataNamespace } from '../../../adapters/owoc/shared/owoc-namespaces.js';
import { startSoapEndpoint } from '../../../adapters/owoc/shared/soap-endpoint.js';
import { soapFault } from '../../../adapters/owoc/shared/soap-fault.js';
import { asElement, occurrences, textOf } from '../../../adapters/owoc/shared/soap-object.js';
import { NonceCache, verifyUsernameToken } from '../../../adapters/owoc/shared/username-token.js';
import { registerKwh, simulatedMeterReading } from './simulated-meter-reading.js';
import { meterHash } from './simulated-values.js';

/** Options of {@link startOwocDataService}. */
export interface OwocDataServiceOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default /owoc/v1/DataService. */
  path?: string;
  /** Time from InteractiveRead until its result is ready (state InProgress until then). Default 0. */
  latencyInMs?: number;
  /** Fraction of meters whose read fails (deterministic per meter id, see {@link simulatedReadFails}). Default 0. */
  failureRate?: number;
  /** Delay before every SOAP answer, to exercise per-call timeouts. Default 0. */
  responseDelayInMs?: number;
  /** When set, every call must carry this WS-Security UsernameToken. */
  credentials?: { username: string; password: string };
  /** Clock of the simulated meters (reading times). Default: the real clock. */
  now?: () => Date;
}

/** Counters of a running simulator. */
export interface OwocDataServiceStats {
  interactiveReads: number;
  resultPolls: number;
  faults: number;
}

/** A running DataService simulator. */
export interface OwocDataService {
  /** Endpoint URL for the adapter's `endpoint` config. */
  readonly url: string;
  readonly stats: Readonly<OwocDataServiceStats>;
  close(): Promise<void>;
}

/** Meter ids starting with this make InteractiveRead answer a SOAP fault (fault mode). */
export const faultMeterPrefix = 'FAULT';
/** Most meters one InteractiveRead may name. */
export const maxMetersPerRead = 1000;

/** Whether the simulator fails the read of a meter at a failure rate (deterministic per meter id). */
export function simulatedReadFails(meterId: string, failureRate: number): boolean {
  return (meterHash(meterId) % 10_000) / 10_000 < failureRate;
}

interface PendingRead {
  meterIds: string[];
  readingTypes: string[];
  readyAt: number;
  expiresAt: number;
}

const RESULT_TTL_IN_MS = 10 * 60_000;

/**
 * The OWOC-CM head-end's `DataService` (REPRESENTATIVE WSDL): `InteractiveRead` answers a request
 * token at once; `GetInteractiveReadResult` answers `InProgress` until `latencyInMs` passed, then
 * `Completed` (or `CompletedWithErrors`) with one MeterResult per meter. Binds loopback by default.
 */
export async function startOwocDataService(options: OwocDataServiceOptions = {}): Promise<OwocDataService> {
  const latency = options.latencyInMs ?? 0;
  const failureRate = options.failureRate ?? 0;
  const delay = options.responseDelayInMs ?? 0;
  const now = options.now ?? (() => new Date());
  const stats: OwocDataServiceStats = { interactiveReads: 0, resultPolls: 0, faults: 0 };
  const reads = new Map<string, PendingRead>();
  const nonces = new NonceCache(10 * 60_000);
  const closing = new AbortController();

  const guard = async (headers: unknown): Promise<void> => {
    if (delay > 0) await sleep(delay, closing.signal);
    if (options.credentials === undefined) return;
    const check = verifyUsernameToken((headers as { Security?: unknown } | undefined)?.Security, options.credentials, { nonces });
    if (!check.ok) throw fault('Client', 'authentication failed: the WS-Security UsernameToken is missing or not valid');
  };
  const fault = (code: 'Client' | 'Server', message: string) => {
    stats.faults += 1;
    return soapFault(code, message);
  };

  const interactiveRead = async (args: unknown, headers: unknown) => {
    await guard(headers);
    stats.interactiveReads += 1;
    const request = asElement(asElement(args)?.request);
    const meterIds = occurrences(asElement(request?.ElectronicSerialNumbers)?.ElectronicSerialNumber).map(textOf);
    const readingTypes = occurrences(asElement(request?.ReadingTypes)?.ReadingType).map(textOf);
    if (meterIds.length === 0 || meterIds.some((id) => !id)) throw fault('Client', 'ElectronicSerialNumbers must name at least one meter');
    if (meterIds.length > maxMetersPerRead) throw fault('Client', `at most ${maxMetersPerRead} meters per InteractiveRead`);
    if (readingTypes.some((t) => !t)) throw fault('Client', 'ReadingTypes must not hold empty entries');
    const blocked = meterIds.find((id) => id!.startsWith(faultMeterPrefix));
    if (blocked !== undefined) throw fault('Server', `meter ${blocked} cannot be read: the collection engine refused the request`);
    const token = randomUUID();
    const at = Date.now();
    for (const [key, read] of reads) if (read.expiresAt < at) reads.delete(key);
    reads.set(token, { meterIds: meterIds as string[], readingTypes: readingTypes.length > 0 ? (readingTypes as string[]) : [registerKwh], readyAt: at + latency, expiresAt: at + latency + RESULT_TTL_IN_MS });
    return { InteractiveReadResult: { RequestToken: token, State: 'Initialized' satisfies OwocRequestState } };
  };

  const getInteractiveReadResult = async (args: unknown, headers: unknown) => {
    await guard(headers);
    stats.resultPolls += 1;
    const token = textOf(asElement(args)?.requestToken);
    const read = token === undefined ? undefined : reads.get(token);
    if (read === undefined) throw fault('Client', `unknown request token ${token ?? '(none)'}`);
    if (Date.now() < read.readyAt) return { GetInteractiveReadResultResult: { RequestToken: token, State: 'InProgress' satisfies OwocRequestState } };
    const readAt = now();
    const results = read.meterIds.map((meterId) =>
      simulatedReadFails(meterId, failureRate)
        ? { ElectronicSerialNumber: meterId, Status: 'Failed', ErrorMessage: 'no response from the meter (simulated communication failure)' }
        : { ElectronicSerialNumber: meterId, Status: 'Succeeded', MeterReading: simulatedMeterReading(meterId, read.readingTypes, readAt) },
    );
    const state: OwocRequestState = results.some((r) => r.Status === 'Failed') ? 'CompletedWithErrors' : 'Completed';
    return { GetInteractiveReadResultResult: { RequestToken: token, State: state, MeterResults: { MeterResult: results } } };
  };

  const endpoint = await startSoapEndpoint({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    path: options.path ?? '/owoc/v1/DataService',
    maxBodyBytes: 8 * 1024 * 1024,
    wsdl: dataServiceWsdl,
    namespace: owocDataNamespace,
    actions: { InteractiveRead: dataServiceAction('InteractiveRead'), GetInteractiveReadResult: dataServiceAction('GetInteractiveReadResult') },
    services: {
      DataService: {
        BasicHttpBinding_DataService: {
          InteractiveRead: (args: unknown, _callback: unknown, headers: unknown) => interactiveRead(args, headers),
          GetInteractiveReadResult: (args: unknown, _callback: unknown, headers: unknown) => getInteractiveReadResult(args, headers),
        },
      },
    },
  });

  return {
    url: endpoint.url,
    stats,
    async close() {
      closing.abort();
      await endpoint.close(250);
    },
  };
}

/** Wait, or reject as soon as the signal aborts (the simulator is closing). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(soapFault('Server', 'the simulator is shutting down'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(soapFault('Server', 'the simulator is shutting down'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
