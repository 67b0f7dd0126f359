import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataServiceClient, type CallLimits } from '../adapters/owoc/owoc-interactive-reads/data-service-client.js';
import type { InteractiveReadResult } from '../adapters/owoc/owoc-interactive-reads/interactive-read-operation.js';
import { interactiveReadsConfigSchema } from '../adapters/owoc/owoc-interactive-reads/interactive-reads-config.js';
import { owocTerminalStates, type OwocRequestState } from '../adapters/owoc/shared/data-service-wsdl.js';
import { asElement, textOf } from '../adapters/owoc/shared/soap-object.js';
import { CloudServiceClient } from '../sandbox/cloud-service-client.js';
import { simulatedMeterId, simulatedReadFails, startOwocDataService, type OwocDataService } from '../sandbox/simulators/owoc/index.js';
import { startSandboxStack, type SandboxStack } from '../sandbox/stack.js';
import { collectGarbage, fmt, percentile, withTimeout } from './bench-support.js';
import type { BenchResult } from './report.js';

const SECTION = 'request';
const REQUESTS = 200;
const WARMUP_REQUESTS = 20;
const ADAPTER = 'owoc-interactive-reads';
const OPERATION = 'interactive-read';
// What sandbox/stack.ts writes into the adapter's plugins.json config; the direct arm waits the same between polls.
const POLL_INTERVAL_IN_MS = 100;
// The stack's simulator fails reads of 10 % of meters (deterministically by id); use meters it always answers.
const FAILURE_RATE_TO_AVOID = 0.5;
const METERS = 8;
const REQUEST_TIMEOUT_IN_MS = 30_000;
const GC_EVERY = 50;

/** One way of doing an interactive read of one meter; resolves once the read's result is in hand. */
interface Arm {
  readonly label: 'ours' | 'direct';
  read(meterId: string): Promise<void>;
}

/**
 * Interactive-read round trip through the whole sandbox stack (gateway HTTP, Service Bus both ways, the OHS
 * in its own process with its request router and outbox, the gateway's long-poll) against the same read
 * done as a direct SOAP exchange with a DataService simulator of the same settings, as the adapter does it.
 */
export async function requestBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ihc-bench-request-'));
  const password = randomBytes(18).toString('base64url');
  let stack: SandboxStack | undefined;
  let direct: OwocDataService | undefined;
  let client: DataServiceClient | undefined;
  try {
    stack = await startSandboxStack({ dir, pushBatchesPerSecond: 0, headEndLatencyInMs: 0 });
    // The stack's simulator keeps its UsernameToken password to itself, so the direct arm gets a twin: same
    // simulator code and settings (no latency, 10 % failing meters, UsernameToken checked), in the same process.
    direct = await startOwocDataService({ port: 0, latencyInMs: 0, failureRate: 0.1, credentials: { username: 'ohs', password } });
    client = await DataServiceClient.create(interactiveReadsConfigSchema.parse({ endpoint: direct.url, username: 'ohs', password, pollIntervalInMs: POLL_INTERVAL_IN_MS }));
    const arms: Arm[] = [stackArm(new CloudServiceClient(stack.endpoints)), directArm(client)];
    const meters = readableMeters(METERS);

    const latencies: Record<Arm['label'], number[]> = { ours: [], direct: [] };
    for (let i = 0; i < WARMUP_REQUESTS; i += 1) for (const arm of arms) await arm.read(meters[i % meters.length]!);
    for (let i = 0; i < REQUESTS; i += 1) {
      // Collected now and then, outside the clock: per request would hide the pauses a service really sees.
      if (i % GC_EVERY === 0) collectGarbage();
      // Alternate which arm goes first so drift does not favour one side.
      const order = i % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        const start = performance.now();
        await arm.read(meters[i % meters.length]!);
        latencies[arm.label].push(performance.now() - start);
      }
    }

    const stats = (label: Arm['label']) => ({ p50: percentile(latencies[label], 50), p99: percentile(latencies[label], 99), min: Math.min(...latencies[label]), max: Math.max(...latencies[label]) });
    const ours = stats('ours');
    const baseline = stats('direct');
    const setup =
      `${REQUESTS} sequential interactive reads of one meter (default kWh register, ${METERS} meters in turn that the simulator always answers) per arm after ${WARMUP_REQUESTS} warm-up reads each, arms alternating which goes first, nearest-rank percentiles, forced GC every ${GC_EVERY} iterations outside the clock. ` +
      `ours: CloudServiceClient.request (POST /requests, 202) then .response (GET /requests/{id}?waitInMs long-poll) against startSandboxStack (pushBatchesPerSecond 0, headEndLatencyInMs 0): gateway HTTP + OAuth bearer check, request relayed to ihc.T.ohs-inbound, ` +
      `the OHS (own process, AMQP over TLS) de-duplicates and routes it to owoc-interactive-reads, whose SOAP calls reach the stack's simulator, the response goes through the SQLite outbox and the drainer to the sessionful responses queue, and the gateway's long-poll accepts that session and stores the answer. ` +
      `direct: the adapter's own DataServiceClient (same WSDL, UsernameToken, keep-alive agent) does InteractiveRead, waits pollIntervalInMs ${POLL_INTERVAL_IN_MS} (the stack's adapter config) while the state is not terminal, then GetInteractiveReadResult until terminal, against a twin simulator with the same settings in the same process. ` +
      `Both arms pay the ${POLL_INTERVAL_IN_MS} ms poll wait (the simulator answers "Initialized" first); everything above the direct figure is connector overhead. ` +
      `Broker, gateway, simulators and this client share one Node process; the OHS and Azurite are child processes; ${availableParallelism()} cores`;
    return [
      {
        section: SECTION,
        name: 'interactive read p50',
        ours: ours.p50,
        baseline: baseline.p50,
        unit: 'ms',
        lowerIsBetter: true,
        note: `${setup}. Overhead at p50: ${(ours.p50 - baseline.p50).toFixed(1)} ms; ours min/max ${fmt([ours.min, ours.max], 1)} ms, direct min/max ${fmt([baseline.min, baseline.max], 1)} ms`,
      },
      {
        section: SECTION,
        name: 'interactive read p99',
        ours: ours.p99,
        baseline: baseline.p99,
        unit: 'ms',
        lowerIsBetter: true,
        note: `same ${REQUESTS} samples per arm as the p50 row. Overhead at p99: ${(ours.p99 - baseline.p99).toFixed(1)} ms`,
      },
    ];
  } finally {
    client?.close();
    await direct?.close();
    // Stops the OHS first (its clients), then the cloud side, Azurite and the broker.
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function stackArm(cloud: CloudServiceClient): Arm {
  return {
    label: 'ours',
    async read(meterId) {
      const requestId = await cloud.request(ADAPTER, OPERATION, { meterIds: [meterId] }, { timeoutInMs: REQUEST_TIMEOUT_IN_MS });
      const answer = await cloud.response(requestId, REQUEST_TIMEOUT_IN_MS);
      const meter = (answer.result as InteractiveReadResult | undefined)?.meters[0];
      if (answer.status !== 'completed' || meter?.status !== 'ok') throw new Error(`stack read of ${meterId} ended ${answer.status}: ${JSON.stringify(answer.error ?? answer.result)}`);
    },
  };
}

function directArm(client: DataServiceClient): Arm {
  return {
    label: 'direct',
    async read(meterId) {
      const deadline = Date.now() + REQUEST_TIMEOUT_IN_MS;
      const signal = AbortSignal.timeout(REQUEST_TIMEOUT_IN_MS);
      const limits: CallLimits = { signal, deadline, abortReason: () => (signal.aborted ? 'deadline' : undefined) };
      const work = async (): Promise<void> => {
        const started = asElement(asElement(await client.call('InteractiveRead', { request: { ElectronicSerialNumbers: { ElectronicSerialNumber: [meterId] } } }, limits))?.InteractiveReadResult);
        const requestToken = textOf(started?.RequestToken);
        let state = textOf(started?.State) as OwocRequestState;
        let status: Record<string, unknown> | undefined;
        for (;;) {
          if (!owocTerminalStates.has(state)) await sleep(POLL_INTERVAL_IN_MS);
          status = asElement(asElement(await client.call('GetInteractiveReadResult', { requestToken }, limits))?.GetInteractiveReadResultResult);
          state = textOf(status?.State) as OwocRequestState;
          if (owocTerminalStates.has(state)) break;
        }
        if (state !== 'Completed') throw new Error(`direct read of ${meterId} ended ${state}`);
      };
      await withTimeout(work(), `direct read of ${meterId}`, REQUEST_TIMEOUT_IN_MS);
    },
  };
}

/** Simulated meter ids whose reads never fail at the simulator's failure rate. */
function readableMeters(count: number): string[] {
  const meters: string[] = [];
  for (let i = 1; meters.length < count; i += 1) {
    const id = simulatedMeterId(i);
    if (!simulatedReadFails(id, FAILURE_RATE_TO_AVOID)) meters.push(id);
  }
  return meters;
}
