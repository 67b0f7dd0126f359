import type { AdapterContext } from './context.js';
import { HybridError } from './errors.js';

/** Lifecycle state of an adapter instance. */
export type AdapterState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Base class giving every adapter the same lifecycle rules, which the contract suite checks:
 * `start` and `stop` are idempotent (concurrent calls share one transition), a stopped adapter
 * cannot be started again, and work requested after `stop` is rejected with `adapter-stopped`.
 * Subclasses implement `onStart` / `onStop` and call `assertRunning()` at the top of each operation.
 */
export abstract class AdapterBase<TContext extends AdapterContext = AdapterContext> {
  #state: AdapterState = 'created';
  #transition: Promise<void> | undefined;
  #context: TContext | undefined;

  /** Current lifecycle state. */
  get state(): AdapterState {
    return this.#state;
  }

  /** The context given to `start`; throws when not running. */
  protected get context(): TContext {
    if (this.#context === undefined) throw new HybridError('adapter-not-started', `${this.constructor.name} has not been started`);
    return this.#context;
  }

  /** Start the adapter; a second call while starting or running resolves without starting again. */
  async start(context: TContext): Promise<void> {
    if (this.#state === 'running') return;
    if (this.#state === 'starting') return this.#transition;
    if (this.#state === 'stopping' || this.#state === 'stopped') {
      throw new HybridError('adapter-stopped', `${this.constructor.name} was stopped and cannot be started again; create a new instance`);
    }
    this.#state = 'starting';
    this.#context = context;
    this.#transition = (async () => {
      try {
        await this.onStart(context);
        this.#state = 'running';
      } catch (error) {
        this.#state = 'stopped';
        throw error;
      }
    })();
    return this.#transition;
  }

  /** Stop the adapter; further calls resolve once the first stop has finished. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    if (this.#state === 'stopping') return this.#transition;
    if (this.#state === 'starting') await this.#transition?.catch(() => undefined);
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    this.#transition = (async () => {
      try {
        if (wasRunning) await this.onStop();
      } finally {
        this.#state = 'stopped';
      }
    })();
    return this.#transition;
  }

  /** Throw the lifecycle error that matches the current state unless the adapter is running. */
  protected assertRunning(): void {
    if (this.#state === 'running') return;
    if (this.#state === 'stopping' || this.#state === 'stopped') {
      throw new HybridError('adapter-stopped', `${this.constructor.name} has been stopped`);
    }
    throw new HybridError('adapter-not-started', `${this.constructor.name} has not been started`);
  }

  /** Acquire what the adapter needs (listeners, clients). */
  protected abstract onStart(context: TContext): Promise<void>;
  /** Release everything acquired in `onStart`. */
  protected abstract onStop(): Promise<void>;
}
