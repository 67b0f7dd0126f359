import {
  AdapterBase,
  AdapterTokens,
  parseAdapterConfig,
  HybridError,
  inject,
  injectable,
  isHybridError,
  type AdapterLogger,
  type HandleOptions,
  type RequestResponseAdapter,
} from '../../../core/sdk/index.js';
import { owocRequestStates, owocTerminalStates, type OwocRequestState } from '../shared/data-service-wsdl.js';
import { clip } from '../shared/map-meter-readings.js';
import { effectiveUnits } from '../shared/reading-units-config.js';
import { asElement, textOf } from '../shared/soap-object.js';
import { DataServiceClient, type CallLimits } from './data-service-client.js';
import { interactiveReadOperation, interactiveReadRequestSchema, type InteractiveReadRequest, type InteractiveReadResult } from './interactive-read-operation.js';
import { interactiveReadsConfigSchema, type InteractiveReadsConfig, type InteractiveReadsConfigInput } from './interactive-reads-config.js';
import { mapMeterResults } from './map-interactive-read-result.js';

/**
 * Request-response adapter for OWOC-CM interactive reads over the head-end's DataService (SOAP 1.1,
 * WCF basicHttpBinding profile): `InteractiveRead` answers a request token, then
 * `GetInteractiveReadResult(token)` is polled until the request reaches a terminal state, within the
 * caller's deadline.
 */
@injectable()
export class InteractiveReadsAdapter extends AdapterBase implements RequestResponseAdapter {
  readonly #config: InteractiveReadsConfig;
  readonly #log: AdapterLogger;
  readonly #units: Readonly<Record<string, string>>;
  #client: DataServiceClient | undefined;
  #stopping = new AbortController();

  constructor(@inject(AdapterTokens.Config) config: InteractiveReadsConfigInput, @inject(AdapterTokens.Logger) log: AdapterLogger) {
    super();
    this.#config = parseAdapterConfig('owoc-interactive-reads', interactiveReadsConfigSchema, config);
    this.#units = effectiveUnits(this.#config.readingTypeUnits);
    this.#log = log;
  }

  protected async onStart(): Promise<void> {
    this.#stopping = new AbortController();
    this.#client = await DataServiceClient.create(this.#config);
    if (this.#config.password !== undefined && this.#config.passwordType === 'PasswordText' && this.#config.endpoint.startsWith('http:')) {
      this.#log.warn({ endpoint: this.#config.endpoint }, 'the UsernameToken password is sent as text over plain http; use https or PasswordDigest');
    }
    this.#log.info({ endpoint: this.#config.endpoint }, 'OWOC DataService client ready');
  }

  protected async onStop(): Promise<void> {
    this.#stopping.abort(new HybridError('adapter-stopped', 'the adapter is stopping'));
    this.#client?.close();
  }

  /** Execute an operation; only `interactive-read` is declared. */
  async handle(operation: string, request: unknown, options: HandleOptions): Promise<unknown> {
    this.assertRunning();
    if (operation !== interactiveReadOperation) {
      throw new HybridError('unknown-operation', `owoc-interactive-reads has no operation "${clip(operation)}"; it offers ${interactiveReadOperation}`);
    }
    const parsed = interactiveReadRequestSchema.safeParse(request);
    if (!parsed.success) {
      throw new HybridError('invalid-input', `interactive-read request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`).join('; ')}`);
    }
    const deadline = options.deadline.getTime();
    if (options.signal.aborted || deadline <= Date.now()) throw new HybridError('timeout', 'the request deadline had passed; the interactive read was not started');
    return this.#interactiveRead(parsed.data, options.signal, deadline);
  }

  async #interactiveRead(request: InteractiveReadRequest, callerSignal: AbortSignal, deadline: number): Promise<InteractiveReadResult> {
    const client = this.#client!;
    const deadlineSignal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const stopSignal = this.#stopping.signal;
    const limits: CallLimits = {
      signal: AbortSignal.any([callerSignal, deadlineSignal, stopSignal]),
      deadline,
      abortReason: () => (stopSignal.aborted ? 'stop' : callerSignal.aborted || deadlineSignal.aborted ? 'deadline' : undefined),
    };
    const meterIds = [...new Set(request.meterIds)];
    const started = asElement(
      asElement(
        await client.call(
          'InteractiveRead',
          { request: { ElectronicSerialNumbers: { ElectronicSerialNumber: meterIds }, ...(request.readingTypes ? { ReadingTypes: { ReadingType: request.readingTypes } } : {}) } },
          limits,
        ),
      )?.InteractiveReadResult,
    );
    const requestToken = textOf(started?.RequestToken);
    if (!requestToken) throw new HybridError('head-end-fault', 'the head-end answered InteractiveRead without a request token');
    this.#log.debug({ requestToken, meters: meterIds.length }, 'interactive read started');
    let state = readState(started?.State, requestToken);
    // The documented token-based pattern: poll the result until the request is terminal (at once
    // when InteractiveRead already reports a terminal state).
    let status: Record<string, unknown> | undefined;
    for (;;) {
      if (!owocTerminalStates.has(state)) await this.#pause(limits, requestToken, state);
      status = asElement(asElement(await this.#poll(client, requestToken, state, limits))?.GetInteractiveReadResultResult);
      state = readState(status?.State, requestToken);
      if (owocTerminalStates.has(state)) break;
    }
    if ((state === 'Failed' || state === 'Cancelled' || state === 'TimedOut') && asElement(status?.MeterResults) === undefined) {
      const code = state === 'TimedOut' ? 'timeout' : 'head-end-fault';
      throw new HybridError(code, `the head-end ended interactive read ${requestToken} as ${state} without meter results`, { details: { requestToken, state } });
    }
    const meters = mapMeterResults(status?.MeterResults, meterIds, state, { units: this.#units });
    this.#log.debug({ requestToken, state, failed: meters.filter((m) => m.status === 'failed').length }, 'interactive read finished');
    return { requestToken, meters };
  }

  /** A poll call; a timeout then names the token and last state, so the caller can follow up. */
  async #poll(client: DataServiceClient, requestToken: string, state: OwocRequestState, limits: CallLimits): Promise<unknown> {
    try {
      return await client.call('GetInteractiveReadResult', { requestToken }, limits);
    } catch (error) {
      throw withToken(error, requestToken, state);
    }
  }

  async #pause(limits: CallLimits, requestToken: string, state: OwocRequestState): Promise<void> {
    const wait = Math.min(this.#config.pollIntervalInMs, limits.deadline - Date.now());
    if (wait > 0 && !limits.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        limits.signal.addEventListener('abort', done, { once: true });
        function done(): void {
          clearTimeout(timer);
          limits.signal.removeEventListener('abort', done);
          resolve();
        }
      });
    }
    const reason = limits.signal.aborted ? limits.abortReason() : limits.deadline <= Date.now() ? 'deadline' : undefined;
    if (reason === 'stop') throw new HybridError('adapter-stopped', `interactive read ${requestToken} was abandoned: the adapter is stopping`, { details: { requestToken, state } });
    if (reason === 'deadline') throw new HybridError('timeout', `interactive read ${requestToken} did not complete before the deadline (last state ${state})`, { details: { requestToken, state } });
  }
}

function readState(node: unknown, requestToken: string): OwocRequestState {
  const state = textOf(node);
  if (state !== undefined && (owocRequestStates as readonly string[]).includes(state)) return state as OwocRequestState;
  throw new HybridError('head-end-fault', `the head-end answered an unknown state "${clip(state ?? '')}" for request ${requestToken}`);
}

function withToken(error: unknown, requestToken: string, state: OwocRequestState): unknown {
  if (isHybridError(error, 'timeout')) {
    return new HybridError('timeout', `interactive read ${requestToken} did not complete before the deadline (last state ${state}): ${error.message}`, { cause: error, details: { requestToken, state } });
  }
  return error;
}
