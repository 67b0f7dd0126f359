/** Helpers shared by the broker's tests (not part of the public API). */
import { ServiceBusClient } from '@azure/service-bus';
import type { ServiceBusClientOptions } from '@azure/service-bus';

/** No retries and short delays: a failing call fails at once instead of after 3 × 30 s. */
export const FAST_RETRIES = { maxRetries: 0, retryDelayInMs: 50, timeoutInMs: 10_000 };

/** A client whose retries are fast; override with `options`. */
export function clientFor(connectionString: string, options: ServiceBusClientOptions = {}): ServiceBusClient {
  return new ServiceBusClient(connectionString, { ...options, retryOptions: { ...FAST_RETRIES, ...options.retryOptions } });
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string; name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** The Service Bus error code, looking inside the AggregateError core-amqp ≥ 4.3.5 throws after several attempts. */
export function codeOf(error: unknown): string | undefined {
  if (error instanceof AggregateError) return codeOf(error.errors.at(-1));
  return (error as { code?: string } | undefined)?.code;
}

/** Polls until `probe` returns something truthy (not a timing assertion: it only bounds how long to wait). */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutInMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sleeps; used only where the broker's own clock must pass (lock or TTL expiry). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
