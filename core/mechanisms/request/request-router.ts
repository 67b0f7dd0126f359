import { envelopeProperties, type RequestBody, type ResponseBody } from '../../../contracts/envelope.js';
import { HybridError, isHybridError, toHybridError, type RequestResponseAdapter, type RequestResponseManifest } from '../../sdk/index.js';
import type { Outbox, RequestDedupe, StoreDatabase } from '../../store/index.js';
import { Semaphore } from './semaphore.js';

/** A request-response adapter enabled for the tenant. */
export interface RoutedAdapter {
  manifest: RequestResponseManifest;
  instance: RequestResponseAdapter;
}

/** Options of {@link RequestRouter}. */
export interface RequestRouterOptions {
  tenantId: string;
  db: StoreDatabase;
  dedupe: RequestDedupe;
  outbox: Outbox;
  /** Wake the outbox drainer after a response was committed. */
  wake: () => void;
  /** The tenant's request-response adapter of an id, or undefined. */
  adapter: (adapterId: string) => RoutedAdapter | undefined;
  /** Concurrent head-end calls per adapter. Default 4. */
  maxConcurrentPerAdapter?: number;
  /** Aborted when the OHS stops: in-flight calls are cancelled. */
  signal?: AbortSignal;
}

/**
 * The Request/Response mechanism: routes a request to the adapter that declared its operation and
 * commits the correlated response to the outbox. Guarantees: a request past its deadline is answered
 * `timed-out` and never executed; a repeated idempotency key gets the first answer without a second
 * execution; at most N concurrent calls per adapter reach the head-end; errors reach the caller typed.
 */
export class RequestRouter {
  readonly #o: RequestRouterOptions;
  readonly #limits = new Map<string, Semaphore>();
  readonly #inFlight = new Set<string>();

  constructor(options: RequestRouterOptions) {
    this.#o = options;
  }

  /** Handle one request delivery; resolves with the response that was committed (or undefined for an in-flight duplicate). */
  async handle(request: RequestBody, now = Date.now()): Promise<ResponseBody | undefined> {
    const { tenantId, dedupe } = this.#o;
    const claim = dedupe.claim(tenantId, request.idempotencyKey, request.requestId, now);
    if (claim.state === 'answered') {
      const response = { ...claim.response, requestId: request.requestId };
      this.#commit(request, response, false);
      return response;
    }
    if (claim.state === 'executing') {
      // The same key is running in this process: its answer will come. Otherwise it was cut off by a
      // restart mid-call; the head-end may or may not have acted, so say so rather than repeat it.
      if (this.#inFlight.has(request.idempotencyKey)) return undefined;
      return this.#answer(request, failed(request, new HybridError('conflict', 'the OHS restarted while this request was executing; its outcome at the head-end is unknown, so it was not repeated', { retryable: false })));
    }
    this.#inFlight.add(request.idempotencyKey);
    try {
      return this.#answer(request, await this.#execute(request, now));
    } finally {
      this.#inFlight.delete(request.idempotencyKey);
    }
  }

  async #execute(request: RequestBody, now: number): Promise<ResponseBody> {
    const deadline = Date.parse(request.deadline);
    if (Number.isNaN(deadline)) return failed(request, new HybridError('invalid-input', `deadline "${request.deadline}" is not an ISO 8601 time`));
    if (deadline <= now) return timedOut(request, 'the deadline had passed when the request reached the OHS; it was not executed');
    const routed = this.#o.adapter(request.adapterId);
    if (routed === undefined) return failed(request, new HybridError('unknown-adapter', `no request-response adapter "${request.adapterId}" is enabled for tenant ${this.#o.tenantId}`));
    const operation = routed.manifest.operations.find((o) => o.name === request.operation);
    if (operation === undefined) {
      return failed(request, new HybridError('unknown-operation', `adapter ${request.adapterId} has no operation "${request.operation}"; it offers ${routed.manifest.operations.map((o) => o.name).join(', ')}`));
    }
    const payload = operation.request.safeParse(request.payload);
    if (!payload.success) {
      return failed(request, new HybridError('invalid-input', `request payload for ${request.operation}: ${payload.error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`).join('; ')}`));
    }
    const deadlineSignal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const signal = this.#o.signal ? AbortSignal.any([deadlineSignal, this.#o.signal]) : deadlineSignal;
    let release: () => void;
    try {
      release = await this.#limit(request.adapterId).acquire(signal);
    } catch {
      return timedOut(request, 'the deadline passed while waiting for a free head-end slot; the request was not executed');
    }
    try {
      const result = await routed.instance.handle(request.operation, payload.data, { signal, deadline: new Date(deadline) });
      const checked = operation.result.safeParse(result);
      if (!checked.success) return failed(request, new HybridError('internal', `adapter ${request.adapterId} returned a result that does not match its declared schema`));
      return { requestId: request.requestId, status: 'completed', result: checked.data, completedAt: new Date().toISOString() };
    } catch (error) {
      if (deadlineSignal.aborted || (isHybridError(error) && error.code === 'timeout')) return timedOut(request, toHybridError(error).message);
      return failed(request, toHybridError(error));
    } finally {
      release();
    }
  }

  #answer(request: RequestBody, response: ResponseBody): ResponseBody {
    this.#commit(request, response, true);
    return response;
  }

  /** Store the answer (for de-duplication) and queue it to the requester, atomically. */
  #commit(request: RequestBody, response: ResponseBody, remember: boolean): void {
    const { tenantId, db, dedupe, outbox } = this.#o;
    db.transaction(() => {
      if (remember) dedupe.answer(tenantId, request.idempotencyKey, response);
      outbox.enqueue(tenantId, [
        {
          entity: request.replyTo,
          envelope: {
            messageId: `response.${request.requestId}`,
            correlationId: request.requestId,
            sessionId: request.requestId,
            properties: envelopeProperties(tenantId, 'response', { adapterId: request.adapterId, operation: request.operation }),
            body: response,
          },
        },
      ]);
    })();
    this.#o.wake();
  }

  #limit(adapterId: string): Semaphore {
    let semaphore = this.#limits.get(adapterId);
    if (semaphore === undefined) {
      semaphore = new Semaphore(this.#o.maxConcurrentPerAdapter ?? 4);
      this.#limits.set(adapterId, semaphore);
    }
    return semaphore;
  }
}

function failed(request: RequestBody, error: HybridError): ResponseBody {
  return { requestId: request.requestId, status: 'failed', error: error.toJSON(), completedAt: new Date().toISOString() };
}

function timedOut(request: RequestBody, message: string): ResponseBody {
  return { requestId: request.requestId, status: 'timed-out', error: { code: 'timeout', message, retryable: true }, completedAt: new Date().toISOString() };
}
