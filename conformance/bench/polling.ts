// dg:perf:cpu-per-poll and dg:perf:heap-per-flow: the floor (floor.ts), device-grant and
// openid-client side by side, each in its own node process, against the same in-process token
// endpoint behind their customFetch. Every flow has its own AbortSignal.
//
// - CPU: 10,000 concurrent flows, five authorization_pending answers then a token, interval
//   0.05 s, real timers; process.cpuUsage() over the pass / polls (the fake endpoint included).
//   Five rounds, the clients interleaved in each; the ratio is the median of the rounds' ratios.
// - Heap: 10,000 flows at interval 10 s, every answer authorization_pending. Once every flow has
//   had its first (then its second) answer and is waiting again, two forced GCs, then heapUsed
//   minus a baseline taken before the flows started (the caller's inputs, signals included, are
//   allocated before it), / 10,000. The larger of two samples counts (a sample during which a poll
//   ran is dropped and taken again after the next round). Then every flow is aborted.
//
// Run by run.ts as `node --expose-gc dist/conformance/bench/polling.js`; a child runs as
// `polling.js cpu|heap floor|device-grant|openid-client`.

import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Configuration, None, customFetch, pollDeviceAuthorizationGrant, type CustomFetch } from '../../lib/index.js';
import { benchTools } from './cache.js';
import { floorPoll, type FloorFetch } from './floor.js';
import { cpuMicros, emit, median, round, type BenchResult } from './support.js';

const FLOWS = 10_000;
const PENDING_ANSWERS = 5;
const POLLS_PER_FLOW = PENDING_ANSWERS + 1;
const CPU_INTERVAL = 0.05; // seconds
const HEAP_INTERVAL = 10; // seconds: a round of 10,000 polls must end well inside it, even on a busy machine
const CPU_ROUNDS = 5; // the ratio swings by ±0.2 between rounds on a shared machine: the median of five

/** Budgets: spec/project.md, rows dg:perf:cpu-per-poll and dg:perf:heap-per-flow (× the floor). */
const CPU_BUDGET_RATIO = 1.25;
const HEAP_BUDGET_RATIO = 1.25;

const CLIENTS = ['floor', 'device-grant', 'openid-client'] as const;
type ClientName = (typeof CLIENTS)[number];

const ISSUER = 'https://as.example.test';
const TOKEN_URL = `${ISSUER}/token`;
const CLIENT_ID = 'bench-client';
const PENDING_BODY = '{"error":"authorization_pending"}';
const TOKEN_BODY = '{"access_token":"bench-access-token","token_type":"Bearer","expires_in":3600}';
const HEADERS = { 'content-type': 'application/json' };
const DEVICE_CODE_PREFIX = 'bench-dc-';

interface Device {
  [member: string]: unknown;
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

type Poll = (device: Device, signal: AbortSignal) => Promise<Record<string, unknown>>;

/** One answer per flow per call; the flow number is read out of the device_code in the body. */
function fakeEndpoint(flows: number, pendingAnswers: number): { fetch: (url: string, init: { body?: unknown }) => Promise<Response>; answered: () => number } {
  const counts = new Int32Array(flows);
  let answered = 0;
  const fetch = (_url: string, init: { body?: unknown }): Promise<Response> => {
    const body = init.body;
    let code: string;
    if (typeof body === 'string') {
      const start = body.indexOf('device_code=') + 12;
      const end = body.indexOf('&', start);
      code = body.slice(start, end === -1 ? undefined : end);
    } else code = (body as URLSearchParams).get('device_code') ?? '';
    const index = Number(code.slice(DEVICE_CODE_PREFIX.length));
    const n = counts[index]!;
    counts[index] = n + 1;
    answered++;
    return Promise.resolve(
      n < pendingAnswers ? new Response(PENDING_BODY, { status: 400, headers: HEADERS }) : new Response(TOKEN_BODY, { status: 200, headers: HEADERS }),
    );
  };
  return { fetch, answered: () => answered };
}

interface OpenidClient {
  Configuration: new (server: object, clientId: string, metadata?: unknown, auth?: unknown) => Record<symbol, unknown>;
  None: () => unknown;
  customFetch: symbol;
  pollDeviceAuthorizationGrant: (config: unknown, device: Device, parameters: undefined, options: { signal: AbortSignal }) => Promise<Record<string, unknown>>;
}

async function client(name: ClientName, fetch: ReturnType<typeof fakeEndpoint>['fetch']): Promise<Poll> {
  if (name === 'floor') return (device, signal) => floorPoll(fetch as FloorFetch, TOKEN_URL, CLIENT_ID, device, signal);
  if (name === 'device-grant') {
    const config = new Configuration({ issuer: ISSUER, token_endpoint: TOKEN_URL }, CLIENT_ID, undefined, None());
    config[customFetch] = fetch as CustomFetch;
    // The bench's 0.05 s interval is below the library's 1 s floor (dg:polling:interval-floor): lowered here.
    return (device, signal) => pollDeviceAuthorizationGrant(config, device, undefined, { signal, minInterval: 0.001 });
  }
  const oc = (await import(pathToFileURL(process.env['OPENID_CLIENT_ENTRY']!).href)) as OpenidClient;
  const config = new oc.Configuration({ issuer: ISSUER, token_endpoint: TOKEN_URL }, CLIENT_ID, undefined, oc.None());
  config[oc.customFetch] = fetch;
  return (device, signal) => oc.pollDeviceAuthorizationGrant(config, device, undefined, { signal });
}

function devices(flows: number, interval: number): Device[] {
  return Array.from({ length: flows }, (_, i) => ({
    device_code: `${DEVICE_CODE_PREFIX}${i}`,
    user_code: 'BENC-HMRK',
    verification_uri: `${ISSUER}/device`,
    expires_in: 600,
    interval,
  }));
}

const gc = (globalThis as { gc?: () => void }).gc!;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One CPU pass of `flows` flows; returns µs of CPU per poll. */
async function cpuPass(name: ClientName, flows: number): Promise<number> {
  const endpoint = fakeEndpoint(flows, PENDING_ANSWERS);
  const poll = await client(name, endpoint.fetch);
  const inputs = devices(flows, CPU_INTERVAL);
  const signals = inputs.map(() => new AbortController().signal);
  gc();
  const start = process.cpuUsage();
  let tokens = 0;
  await Promise.all(
    inputs.map((device, i) =>
      poll(device, signals[i]!).then((result) => {
        if (result['access_token'] === 'bench-access-token') tokens++;
      }),
    ),
  );
  const cpu = cpuMicros(start);
  if (tokens !== flows) throw new Error(`${name}: ${flows - tokens} flows did not end with the token`);
  if (endpoint.answered() !== flows * POLLS_PER_FLOW) throw new Error(`${name}: expected ${flows * POLLS_PER_FLOW} polls, got ${endpoint.answered()}`);
  return cpu / endpoint.answered();
}

/** The heap pass; returns live bytes per pending flow and the two samples. */
async function heapPass(name: ClientName): Promise<{ perFlow: number; samples: number[] }> {
  const endpoint = fakeEndpoint(FLOWS, Number.MAX_SAFE_INTEGER);
  const poll = await client(name, endpoint.fetch);
  const inputs = devices(FLOWS, HEAP_INTERVAL);
  const controllers = inputs.map(() => new AbortController());
  const settled: Array<Promise<unknown> | undefined> = new Array<Promise<unknown> | undefined>(FLOWS).fill(undefined);
  let aborted = 0;
  gc();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  for (let i = 0; i < FLOWS; i++) {
    settled[i] = poll(inputs[i]!, controllers[i]!.signal).then(
      () => {
        throw new Error(`${name}: a flow ended with a token`);
      },
      () => {
        aborted++;
      },
    );
  }
  const samples: number[] = [];
  // A sample counts only if no poll ran while it was taken (a busy machine can stretch a round).
  for (let answers = 1; answers <= 3 && samples.length < 2; answers++) {
    while (endpoint.answered() < FLOWS * answers) await pause(10);
    await pause(200); // the last answers are read and every flow is waiting again
    const before = endpoint.answered();
    gc();
    gc();
    const live = process.memoryUsage().heapUsed - baseline;
    if (endpoint.answered() === before && before === FLOWS * answers) samples.push(live / FLOWS);
  }
  if (samples.length === 0) throw new Error(`${name}: no quiet moment for a heap sample; the machine is too slow for a ${HEAP_INTERVAL} s interval`);
  for (const c of controllers) c.abort(new Error('bench: end of the heap pass'));
  await Promise.all(settled);
  if (aborted !== FLOWS) throw new Error(`${name}: ${FLOWS - aborted} flows did not reject on abort`);
  return { perFlow: Math.max(...samples), samples };
}

/** The fake endpoint's own CPU per answer (string bodies), measured alone. */
function fakeCost(flows: number): number {
  const endpoint = fakeEndpoint(flows, PENDING_ANSWERS);
  const bodies = devices(flows, CPU_INTERVAL).map((d) => `grant_type=x&device_code=${d.device_code}&client_id=${CLIENT_ID}`);
  const start = process.cpuUsage();
  for (let r = 0; r < POLLS_PER_FLOW; r++) for (const body of bodies) void endpoint.fetch(TOKEN_URL, { body });
  return cpuMicros(start) / (flows * POLLS_PER_FLOW);
}

async function child(mode: string, name: ClientName): Promise<void> {
  if (mode === 'cpu') {
    await cpuPass(name, 1_000); // warm-up: JIT, Response internals, timers
    fakeCost(1_000);
    gc();
    const perPoll = await cpuPass(name, FLOWS);
    process.stdout.write(`${JSON.stringify({ perPoll, fake: fakeCost(FLOWS) })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(await heapPass(name))}\n`);
  }
}

function spawnChild<T>(mode: 'cpu' | 'heap', name: ClientName, entry: string): T {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ['--expose-gc', self, mode, name], {
    env: { ...process.env, OPENID_CLIENT_ENTRY: entry },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`polling bench: ${mode} ${name} exited with ${out.status}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as T;
}

const pad = (s: string, n: number): string => s.padStart(n);

async function main(): Promise<void> {
  const tools = benchTools();
  const entry = tools.openidClient.entry;
  const cpu: Record<ClientName, number[]> = { floor: [], 'device-grant': [], 'openid-client': [] };
  const fakes: number[] = [];
  const ratios: Record<'device-grant' | 'openid-client', number[]> = { 'device-grant': [], 'openid-client': [] };
  for (let r = 0; r < CPU_ROUNDS; r++) {
    for (const name of CLIENTS) {
      const { perPoll, fake } = spawnChild<{ perPoll: number; fake: number }>('cpu', name, entry);
      cpu[name].push(perPoll);
      fakes.push(fake);
      console.log(`  CPU round ${r + 1}: ${name} ${round(perPoll)} µs per poll`);
    }
    ratios['device-grant'].push(cpu['device-grant'][r]! / cpu.floor[r]!);
    ratios['openid-client'].push(cpu['openid-client'][r]! / cpu.floor[r]!);
  }
  const heap = {} as Record<ClientName, { perFlow: number; samples: number[] }>;
  for (const name of CLIENTS) {
    heap[name] = spawnChild('heap', name, entry);
    console.log(`  heap: ${name} ${Math.round(heap[name].perFlow)} B per pending flow (samples ${heap[name].samples.map((v) => Math.round(v)).join(', ')})`);
  }

  const cpuRatio = median(ratios['device-grant']);
  const heapRatio = heap['device-grant'].perFlow / heap.floor.perFlow;
  console.log(`polling: ${FLOWS} concurrent flows, each with its own AbortSignal, in-process endpoint; openid-client ${tools.openidClient.version}; node ${process.version}`);
  console.log(`                                       ${pad('floor', 9)} ${pad('device-grant', 13)} ${pad('openid-client', 14)}   dg/floor  oc/floor  budget`);
  console.log(
    `  CPU per poll (µs, median of ${CPU_ROUNDS})        ${pad(String(round(median(cpu.floor))), 9)} ${pad(String(round(median(cpu['device-grant']))), 13)} ${pad(String(round(median(cpu['openid-client']))), 14)}   ` +
      `${pad(round(cpuRatio).toFixed(2), 8)}  ${pad(round(median(ratios['openid-client'])).toFixed(2), 8)}  ≤ ${CPU_BUDGET_RATIO}`,
  );
  console.log(
    `  live heap per pending flow (B)       ${pad(String(Math.round(heap.floor.perFlow)), 9)} ${pad(String(Math.round(heap['device-grant'].perFlow)), 13)} ${pad(String(Math.round(heap['openid-client'].perFlow)), 14)}   ` +
      `${pad(round(heapRatio).toFixed(2), 8)}  ${pad(round(heap['openid-client'].perFlow / heap.floor.perFlow).toFixed(2), 8)}  ≤ ${HEAP_BUDGET_RATIO}`,
  );
  console.log(`  CPU rounds (µs): ${CLIENTS.map((n) => `${n} ${cpu[n].map((v) => round(v)).join('/')}`).join('; ')}; the fake endpoint alone ${round(median(fakes))} µs per answer`);
  const results: BenchResult[] = [
    {
      id: 'dg:perf:cpu-per-poll',
      metric: `CPU per poll, device-grant / floor (median of ${CPU_ROUNDS} interleaved rounds; fake endpoint included in both)`,
      value: round(cpuRatio, 3),
      unit: '× floor',
      budget: CPU_BUDGET_RATIO,
      details: {
        flows: FLOWS,
        pollsPerFlow: POLLS_PER_FLOW,
        intervalSeconds: CPU_INTERVAL,
        microsPerPoll: { floor: cpu.floor.map((v) => round(v)), 'device-grant': cpu['device-grant'].map((v) => round(v)), 'openid-client': cpu['openid-client'].map((v) => round(v)) },
        openidClientOverFloor: round(median(ratios['openid-client']), 3),
        fakeEndpointMicrosPerAnswer: round(median(fakes)),
        openidClientVersion: tools.openidClient.version,
      },
    },
    {
      id: 'dg:perf:heap-per-flow',
      metric: 'live heap per pending flow with an AbortSignal (after GC), device-grant / floor',
      value: round(heapRatio, 3),
      unit: '× floor',
      budget: HEAP_BUDGET_RATIO,
      details: {
        flows: FLOWS,
        intervalSeconds: HEAP_INTERVAL,
        bytesPerFlow: { floor: Math.round(heap.floor.perFlow), 'device-grant': Math.round(heap['device-grant'].perFlow), 'openid-client': Math.round(heap['openid-client'].perFlow) },
        samples: Object.fromEntries(CLIENTS.map((n) => [n, heap[n].samples.map((v) => Math.round(v))])),
        openidClientOverFloor: round(heap['openid-client'].perFlow / heap.floor.perFlow, 3),
        openidClientVersion: tools.openidClient.version,
      },
    },
  ];
  emit(results);
}

const [mode, name] = process.argv.slice(2);
if ((mode === 'cpu' || mode === 'heap') && (CLIENTS as readonly string[]).includes(name ?? '')) await child(mode, name as ClientName);
else await main();
