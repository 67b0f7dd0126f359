import {
  AdapterBase,
  AdapterTokens,
  parseAdapterConfig,
  HybridError,
  inject,
  injectable,
  isHybridError,
  type AdapterLogger,
  type DataFeedAdapter,
  type FeedContext,
} from '../../../core/sdk/index.js';
import { dataArrivedAction, dataSubscriberWsdl } from '../shared/data-subscriber-wsdl.js';
import { owocDataNamespace } from '../shared/owoc-namespaces.js';
import { effectiveUnits } from '../shared/reading-units-config.js';
import { startSoapEndpoint, type SoapEndpoint } from '../shared/soap-endpoint.js';
import { isSoapFaultThrowable, soapFault } from '../shared/soap-fault.js';
import { NonceCache, verifyUsernameToken } from '../shared/username-token.js';
import { interrogationReadingsConfigSchema, type InterrogationReadingsConfig, type InterrogationReadingsConfigInput } from './interrogation-readings-config.js';
import { describeProblems, mapDataArrived } from './map-data-arrived.js';

/** The feed this adapter publishes to. */
export const interrogationReadingsFeed = 'interrogation-readings';

/** Body of the DataArrived answer, as the soap server serialises it. */
interface DataArrivedResponse {
  DataArrivedResult: { RequestToken?: string; RecordsAccepted: number };
}

/**
 * Data-feed adapter hosting the OWOC-CM `DataSubscriberService` endpoint: the head-end pushes
 * `DataArrived` batches of interrogation readings; each batch is validated as a whole, published,
 * and acknowledged only once the OHS has stored it durably. Anything else is a SOAP fault, and a
 * faulted push has published nothing.
 */
@injectable()
export class InterrogationReadingsAdapter extends AdapterBase<FeedContext> implements DataFeedAdapter {
  readonly #config: InterrogationReadingsConfig;
  readonly #log: AdapterLogger;
  readonly #units: Readonly<Record<string, string>>;
  readonly #nonces = new NonceCache(10 * 60_000);
  #endpoint: SoapEndpoint | undefined;
  #inFlight = 0;

  constructor(@inject(AdapterTokens.Config) config: InterrogationReadingsConfigInput, @inject(AdapterTokens.Logger) log: AdapterLogger) {
    super();
    this.#config = parseAdapterConfig('owoc-interrogation-readings', interrogationReadingsConfigSchema, config);
    this.#units = effectiveUnits(this.#config.readingTypeUnits);
    this.#log = log;
  }

  /** The URL the head-end pushes to, once started (the real port when configured with 0). */
  get endpointUrl(): string | undefined {
    return this.#endpoint?.url;
  }

  protected async onStart(): Promise<void> {
    const { host, port, path, maxBodyBytes, requestTimeoutInMs } = this.#config;
    try {
      this.#endpoint = await startSoapEndpoint({
        host,
        port,
        path,
        maxBodyBytes,
        requestTimeoutInMs,
        wsdl: dataSubscriberWsdl,
        namespace: owocDataNamespace,
        actions: { DataArrived: dataArrivedAction },
        services: {
          DataSubscriberService: {
            BasicHttpBinding_DataSubscriber: {
              DataArrived: (args: unknown, _callback: unknown, headers: unknown) => this.dataArrived(args, headers).catch((error: unknown) => this.#asFault(error)),
            },
          },
        },
        onRejected: (rejection) => this.#log.warn({ status: rejection.status, reason: rejection.reason, remoteAddress: rejection.remoteAddress }, 'DataArrived push refused'),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
        throw new HybridError('invalid-config', `owoc-interrogation-readings cannot listen on ${host}:${port} (${String(code)})`, { cause: error });
      }
      throw error;
    }
    this.#log.info({ url: this.#endpoint.url, authentication: this.#config.username === undefined ? 'none' : 'UsernameToken' }, 'OWOC DataArrived subscriber endpoint listening');
  }

  protected async onStop(): Promise<void> {
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    await endpoint?.close();
  }

  /** Faults pass through; anything else is a bug, logged here and answered without its details. */
  #asFault(error: unknown): never {
    if (isSoapFaultThrowable(error)) throw error;
    this.#log.error({ message: (error as Error)?.message }, 'DataArrived push failed unexpectedly');
    throw soapFault('Server', 'the push could not be processed; nothing was accepted, retry later');
  }

  /**
   * Handle one DataArrived push: authenticate, map and validate the whole batch, publish it, and
   * answer only after the publish resolved. Throws SOAP faults (Client: the push is at fault;
   * Server: retry later).
   */
  async dataArrived(args: unknown, headers: unknown): Promise<DataArrivedResponse> {
    try {
      this.assertRunning();
    } catch {
      throw soapFault('Server', 'the subscriber is stopping; retry the push later', 503);
    }
    if (this.#config.username !== undefined && this.#config.password !== undefined) {
      const check = verifyUsernameToken((headers as { Security?: unknown } | undefined)?.Security, { username: this.#config.username, password: this.#config.password }, { nonces: this.#nonces });
      if (!check.ok) {
        this.#log.warn({ reason: check.reason }, 'DataArrived push refused: authentication failed');
        throw soapFault('Client', 'authentication failed: the WS-Security UsernameToken is missing or not valid');
      }
    }
    const mapped = mapDataArrived(args, { units: this.#units });
    if (mapped.problems.length > 0) {
      this.#log.warn({ problems: mapped.problems.slice(0, 10), problemCount: mapped.problems.length, requestToken: mapped.requestToken }, 'DataArrived push refused: invalid payload');
      throw soapFault('Client', `the push is not valid and nothing was accepted: ${describeProblems(mapped.problems)}`);
    }
    const answer = (accepted: number): DataArrivedResponse => ({
      DataArrivedResult: { ...(mapped.requestToken === undefined ? {} : { RequestToken: mapped.requestToken }), RecordsAccepted: accepted },
    });
    if (mapped.readings.length === 0) return answer(0);
    if (this.#inFlight >= this.#config.maxConcurrentPushes) throw soapFault('Server', 'the subscriber is busy; retry the push later', 503);
    this.#inFlight += 1;
    try {
      const receipt = await this.context.publish(interrogationReadingsFeed, mapped.readings);
      this.#log.debug({ batchId: receipt.batchId, accepted: receipt.accepted, requestToken: mapped.requestToken }, 'DataArrived push stored');
      return answer(receipt.accepted);
    } catch (error) {
      const hybrid = isHybridError(error) ? error : undefined;
      this.#log.error({ code: hybrid?.code ?? 'internal', message: (error as Error)?.message, requestToken: mapped.requestToken }, 'DataArrived push not stored');
      if (hybrid?.code === 'invalid-input') throw soapFault('Client', `the push was refused by the OHS and nothing was accepted: ${hybrid.message}`);
      throw soapFault('Server', 'the readings could not be stored on the OHS; nothing was accepted, retry the push later');
    } finally {
      this.#inFlight -= 1;
    }
  }
}
