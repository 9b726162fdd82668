// dg:perf:abort-latency: from controller.abort() to the poll's promise rejecting, for a poll that
// is waiting out a 60 s interval and for one whose request hangs (a fetch that honours the signal,
// and one that ignores it). Real timers, median of RUNS runs each.
//
// Run by run.ts as `node dist/conformance/bench/abort.js`.

import {
  ClientError,
  Configuration,
  None,
  customFetch,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { emit, median, percentile, round, type BenchResult } from './support.js';

const RUNS = 50;
/** Budget: spec/project.md, row dg:perf:abort-latency. */
const BUDGET_MS = 10;

type Scenario = 'waiting' | 'in-flight' | 'in-flight, signal ignored';

function config(fetch: CustomFetch): Configuration {
  const c = new Configuration(
    { issuer: 'https://as.example.test', token_endpoint: 'https://as.example.test/token' },
    'bench-client',
    undefined,
    None(),
  );
  c[customFetch] = fetch;
  return c;
}

let flow = 0;
function device(interval: number): DeviceAuthorizationResponse {
  return { device_code: `abort-bench-${++flow}`, user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 600, interval };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One run: returns ms from abort() to the rejection handler. */
async function once(scenario: Scenario): Promise<number> {
  const controller = new AbortController();
  let requested: () => void = () => {};
  const inRequest = new Promise<void>((resolve) => {
    requested = resolve;
  });
  const fetch: CustomFetch = (_url, init) => {
    requested();
    return new Promise<Response>((_resolve, reject) => {
      if (scenario === 'in-flight') init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true });
    });
  };
  let waiting: () => void = () => {};
  const asleep = new Promise<void>((resolve) => {
    waiting = resolve;
  });
  const poll = pollDeviceAuthorizationGrant(config(fetch), device(scenario === 'waiting' ? 60 : 0.001), undefined, {
    signal: controller.signal,
    minInterval: 0.001, // below the 1 s floor (dg:polling:interval-floor), so the request goes out at once
    onPoll: () => waiting(),
  });
  let rejectedAt = 0;
  let code = '';
  const done = poll.then(
    () => {
      throw new Error('the poll resolved');
    },
    (error: unknown) => {
      rejectedAt = performance.now();
      code = error instanceof ClientError ? error.code : String(error);
    },
  );
  if (scenario === 'waiting') await asleep;
  else await inRequest;
  await settle(); // well inside the sleep timer, or the pending fetch
  const abortedAt = performance.now();
  controller.abort(new Error('bench abort'));
  await done;
  if (code !== 'OAUTH_ABORT') throw new Error(`expected OAUTH_ABORT, got ${code}`);
  return rejectedAt - abortedAt;
}

async function main(): Promise<void> {
  const scenarios: Scenario[] = ['waiting', 'in-flight', 'in-flight, signal ignored'];
  for (const scenario of scenarios) for (let i = 0; i < 5; i++) await once(scenario); // warm-up
  const figures: Record<string, { median: number; p95: number; max: number }> = {};
  let worstMedian = 0;
  for (const scenario of scenarios) {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(scenario));
    figures[scenario] = { median: round(median(runs), 4), p95: round(percentile(runs, 95), 4), max: round(Math.max(...runs), 4) };
    worstMedian = Math.max(worstMedian, median(runs));
    console.log(`abort latency (${scenario}): median ${round(median(runs), 4)} ms, p95 ${round(percentile(runs, 95), 4)} ms, max ${round(Math.max(...runs), 4)} ms over ${RUNS} runs`);
  }
  const results: BenchResult[] = [
    {
      id: 'dg:perf:abort-latency',
      metric: 'ms from abort() to the rejection, median over runs, worst scenario',
      value: round(worstMedian, 4),
      unit: 'ms',
      budget: BUDGET_MS,
      details: { runs: RUNS, ...figures },
    },
  ];
  emit(results);
}

await main();
