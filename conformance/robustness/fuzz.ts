// One seeded fuzz run: discovery, the device authorization request and polling against the fuzzed
// server (server.ts), then the invariants of dg:security:fuzz-invariants checked on what happened.
import { inspect } from 'node:util';
import {
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  None,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createRandom } from './prng.js';
import { ISSUER, answer, spellings } from './server.js';

/** The library's interval floor and lifetime cap (dg:polling:interval-floor, dg:polling:expires-in-cap). */
const FLOOR_MS = 1000;
const CAP_MS = 86_400_000;
/** How long after the deadline a flow may still end: a request in flight may finish. */
const DEADLINE_SLACK_MS = 1000;
/** Real time one run may take, generous because runs share the CPU in parallel: the deadline itself is checked on the fake clock. */
const REAL_BOUND_MS = 60_000;
/** After this many polls the server approves, so that every run ends. */
const MAX_POLLS = 25;

export interface RunReport {
  seed: number;
  outcome: 'token' | 'error';
  code: string;
  polls: number;
  violations: string[];
}

function isTyped(error: unknown): boolean {
  if (error instanceof ClientError || error instanceof ResponseBodyError || error instanceof WWWAuthenticateChallengeError) return true;
  return error instanceof TypeError && /^ERR_INVALID_ARG_(TYPE|VALUE)$/.test(String((error as { code?: unknown }).code));
}

function shown(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return [String(error), JSON.stringify(error) ?? '', inspect(error, { depth: 30 }), JSON.stringify(cause) ?? ''].join('\n');
}

const protoNames = (): string => Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** Runs seed `seed` to its end and returns what was violated (nothing, when all is well). */
export async function runSeed(seed: number): Promise<RunReport> {
  const random = createRandom(seed);
  const clock = createFakeClock({ autoAdvance: true });
  const violations: string[] = [];
  const secret = `s3:${seed} +/%&=£€`;
  const deviceCode = `dc ${seed}+&%=/é`;
  const protoBefore = protoNames();
  let inFlight = 0;
  let most = 0;
  const sent: number[] = [];
  let tokenIndex = 0;
  const track = { settle: (_at: Promise<unknown>): void => {} };
  const fetch: CustomFetch = async (url, init) => {
    const endpoint = url.includes('/.well-known/') ? 'discovery' : url.endsWith('/device') ? 'device' : 'token';
    if (endpoint !== 'token') return answer(random, { endpoint, index: 0, init }, deviceCode, track);
    sent.push(clock.now());
    inFlight++;
    most = Math.max(most, inFlight);
    const index = tokenIndex++;
    const reply =
      index >= MAX_POLLS
        ? Promise.resolve(Response.json({ access_token: 'at', token_type: 'bearer' }))
        : (async () => answer(random, { endpoint, index, init }, deviceCode, track))();
    void reply.then(
      () => inFlight--,
      () => inFlight--,
    );
    return reply;
  };
  const auth = random.pick(['none', 'post', 'basic'] as const);
  const started = performance.now();
  let device: DeviceAuthorizationResponse | undefined;
  let receivedAt = 0;
  let outcome: RunReport['outcome'] = 'error';
  let error: unknown;
  try {
    const clientAuth = auth === 'basic' ? ClientSecretBasic() : auth === 'post' ? ClientSecretPost() : None();
    const config = await discovery(new URL(ISSUER), 'fuzz-client', auth === 'none' ? undefined : secret, clientAuth, { [customFetch]: fetch, timeout: 0.02 });
    device = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: clock.now });
    receivedAt = clock.now();
    await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
    outcome = 'token';
  } catch (caught) {
    error = caught;
  }
  const elapsed = performance.now() - started;
  if (error !== undefined && !isTyped(error)) violations.push(`untyped error: ${inspect(error)}`);
  if (elapsed > REAL_BOUND_MS) violations.push(`took ${Math.round(elapsed)} ms of real time`);
  if (device !== undefined) {
    const deadline = receivedAt + Math.min(device.expires_in * 1000, CAP_MS);
    if (clock.now() > deadline + DEADLINE_SLACK_MS) violations.push(`ended ${clock.now() - deadline} ms after the deadline`);
    let previous = receivedAt;
    for (const at of sent) {
      if (at - previous < FLOOR_MS) violations.push(`early poll: ${at - previous} ms after the last`);
      previous = at;
    }
    if (sent.length > 0 && sent[sent.length - 1]! >= deadline) violations.push('a poll at or after the deadline');
  }
  if (most > 1) violations.push(`${most} token requests in flight at once`);
  if (error !== undefined) {
    const text = shown(error);
    const credentials = btoa(`fuzz-client:${encodeURIComponent(secret).replace(/%20/g, '+')}`);
    const secrets = [...spellings(secret), credentials, 'leaked-at', ...(device === undefined ? [] : spellings(deviceCode))];
    for (const s of secrets) if (text.includes(s)) violations.push(`secret shown in the error: ${JSON.stringify(s)}`);
  }
  if (protoNames() !== protoBefore || ({} as Record<string, unknown>)['polluted'] !== undefined) violations.push('Object.prototype changed');
  const code = String((error as { code?: unknown } | undefined)?.code ?? (error as { error?: unknown } | undefined)?.error ?? 'ok');
  return { seed, outcome, code, polls: sent.length, violations };
}

/** Runs seeds `from` to `to - 1`, `parallel` at a time. */
export async function runSeeds(from: number, to: number, parallel = 8): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (let seed = from; seed < to; seed += parallel) {
    const batch: Array<Promise<RunReport>> = [];
    for (let s = seed; s < Math.min(to, seed + parallel); s++) batch.push(runSeed(s));
    reports.push(...(await Promise.all(batch)));
  }
  return reports;
}

/** Timers alive in the process now (a leaked one keeps the process from exiting). */
export function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}
