import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createClientAsync, WSSecurity, type Client } from 'soap';
import { HybridError } from '../../../core/sdk/index.js';
import { dataServiceWsdl } from '../shared/data-service-wsdl.js';
import { translateSoapError } from './translate-soap-error.js';
import type { InteractiveReadsConfig } from './interactive-reads-config.js';

/** Per-call limits: the caller's signal and the absolute deadline. */
export interface CallLimits {
  signal: AbortSignal;
  /** Epoch ms. */
  deadline: number;
  /** Why `signal` aborted, when it did (the caller's deadline, or adapter stop). */
  abortReason: () => 'deadline' | 'stop' | undefined;
}

type SoapMethod = (args: unknown, options: Record<string, unknown>) => Promise<[unknown, ...unknown[]]>;

/**
 * The head-end's DataService through the `soap` client, built from our bundled WSDL (the head-end's
 * `?wsdl` is never fetched, so nothing it serves can steer the client). Every call carries the
 * WS-Security UsernameToken when configured, a timeout bounded by the deadline, no redirects, and
 * a response size limit; failures come out as HybridErrors.
 */
export class DataServiceClient {
  readonly #client: Client;
  readonly #config: InteractiveReadsConfig;
  readonly #target: string;
  readonly #agents = { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 16 }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 16, minVersion: 'TLSv1.2' }) };

  private constructor(client: Client, config: InteractiveReadsConfig) {
    this.#client = client;
    this.#config = config;
    this.#target = new URL(config.endpoint).host;
  }

  /** Build the client (no network access). */
  static async create(config: InteractiveReadsConfig): Promise<DataServiceClient> {
    const client = await createClientAsync(dataServiceWsdl(config.endpoint), { endpoint: config.endpoint, disableCache: true });
    if (config.username !== undefined && config.password !== undefined) {
      const digest = config.passwordType === 'PasswordDigest';
      client.setSecurity(new WSSecurity(config.username, config.password, { passwordType: config.passwordType, hasTimeStamp: false, hasNonce: digest, hasTokenCreated: digest }));
    }
    return new DataServiceClient(client, config);
  }

  /** Call one DataService operation and return its response element. */
  async call(operation: 'InteractiveRead' | 'GetInteractiveReadResult', args: unknown, limits: CallLimits): Promise<unknown> {
    const remaining = limits.deadline - Date.now();
    if (limits.signal.aborted || remaining <= 0) throw translateSoapError(new Error('deadline passed'), { operation, target: this.#target, abortedBy: limits.abortReason() ?? 'deadline' });
    const method = (this.#client as unknown as Record<string, SoapMethod | undefined>)[`${operation}Async`];
    if (method === undefined) throw new HybridError('internal', `the DataService WSDL has no ${operation} operation`);
    try {
      const [result] = await method.call(this.#client, args, {
        timeout: Math.max(1, Math.min(this.#config.callTimeoutInMs, remaining)),
        signal: limits.signal,
        maxRedirects: 0,
        maxContentLength: this.#config.maxResponseBytes,
        ...this.#agents,
      });
      return result;
    } catch (error) {
      throw translateSoapError(error, { operation, target: this.#target, abortedBy: limits.signal.aborted ? limits.abortReason() : undefined });
    }
  }

  /** Close pooled connections. */
  close(): void {
    this.#agents.httpAgent.destroy();
    this.#agents.httpsAgent.destroy();
  }
}
