// Helpers for the polling-side conformance tests (RFC 8628 §3.5, the polling machine and driver,
// ID tokens, resume, end-to-end runs): a scripted token endpoint on a fake clock that records when
// every request arrived, a runner that records every sleep, onPoll event and onState state, reply
// builders, and unsigned-but-well-formed JWTs.
import {
  Configuration,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  type CustomFetch,
  type ClientMetadata,
  type CustomFetchOptions,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
  type PollEvent,
  type PollingState,
  type RequestParameters,
  type ServerMetadata,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from '../../lib/index.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { CLIENT_ID, DEVICE_CODE_PREFIX, ISSUER, METADATA, configFor, deviceBody, json } from './harness.js';

/** The device_code every scripted flow gets: it needs form escaping (`+ & % = /` and a space). */
export const DEVICE_CODE = `${DEVICE_CODE_PREFIX}1`;
/** The fake clock's start (2026-01-01T00:00:00Z); the device authorization response arrives then. */
export const T0 = Date.UTC(2026, 0, 1);

export interface ReplyContext {
  /** 0 for the first token request. */
  index: number;
  init: CustomFetchOptions;
  clock: FakeClock;
}

/** What the scripted token endpoint answers: a Response, or a function producing (or throwing) one. */
export type TokenReply = Response | ((context: ReplyContext) => Response | Promise<Response>);

export interface TokenCall {
  /** Fake-clock time when the request was made. */
  time: number;
  init: CustomFetchOptions;
  form: URLSearchParams;
}

export interface Script {
  clock: FakeClock;
  config: Configuration;
  /** Every token request, in order. */
  tokenCalls: TokenCall[];
  /** Device authorization requests made (only `initiate()` makes one). */
  deviceCalls: number;
  /** Replies not used yet. */
  remaining(): number;
}

export interface ScriptOptions {
  auth?: 'none' | 'post';
  /** Defaults to an auto-advancing fake clock that starts at {@link T0}. */
  clock?: FakeClock;
  /** The device authorization response body (see `deviceBody`). */
  device?: Record<string, unknown>;
  /** Answer once the script runs out; default: a token response. */
  fallback?: TokenReply;
  /** Extra client metadata, e.g. `[clockTolerance]` or `[clockSkew]`. */
  clientMetadata?: Partial<ClientMetadata>;
  /** Extra server metadata, e.g. `id_token_signing_alg_values_supported`. */
  serverMetadata?: Record<string, unknown>;
}

/** A Configuration whose token endpoint answers `replies` in order, on a fake clock. */
export function script(replies: TokenReply[], options: ScriptOptions = {}): Script {
  const clock = options.clock ?? createFakeClock({ autoAdvance: true });
  const queue = [...replies];
  const tokenCalls: TokenCall[] = [];
  const result: Script = {
    clock,
    config: undefined as unknown as Configuration,
    tokenCalls,
    deviceCalls: 0,
    remaining: () => queue.length,
  };
  const fetch: CustomFetch = async (url, init) => {
    if (url.endsWith('/device_authorization')) {
      result.deviceCalls += 1;
      return json(deviceBody(options.device));
    }
    const index = tokenCalls.length;
    tokenCalls.push({ time: clock.now(), init, form: new URLSearchParams(init.body ?? '') });
    const reply = queue.shift() ?? options.fallback ?? tokenResponse();
    return typeof reply === 'function' ? reply({ index, init, clock }) : reply;
  };
  result.config = configFor(fetch, { ...METADATA, ...options.serverMetadata } as ServerMetadata, options.auth ?? 'none', { ...options.clientMetadata });
  return result;
}

/** Sends the device authorization request, so its arrival (the fake clock's now) is recorded. */
export function initiate(s: Script): Promise<DeviceAuthorizationResponse> {
  return initiateDeviceAuthorization(s.config, undefined, { now: s.clock.now });
}

export interface RunResult {
  token?: TokenEndpointResponse & TokenEndpointResponseHelpers;
  error?: unknown;
  /** Every `ms` the driver passed to sleep. */
  sleeps: number[];
  events: PollEvent[];
  states: PollingState[];
  /** Fake-clock time when the flow settled. */
  end: number;
}

export interface RunOptions extends DeviceAuthorizationGrantPollOptions {
  /** Resume from this saved state instead of polling `device`. */
  resumeFrom?: PollingState;
  /** The clock to poll on (its now and sleep); without one, the driver's own real clock and timers. */
  clock?: Pick<FakeClock, 'now' | 'sleep'>;
}

/**
 * The one poll runner: polls `device` (or resumes `resumeFrom`) to its end and records every
 * sleep, onPoll event and onState state; a rejection becomes `error`, never a throw.
 */
export async function runPoll(
  config: Configuration,
  device: DeviceAuthorizationResponse | undefined,
  options: RunOptions = {},
  parameters?: RequestParameters,
): Promise<RunResult> {
  const sleeps: number[] = [];
  const events: PollEvent[] = [];
  const states: PollingState[] = [];
  const { resumeFrom, clock, ...rest } = options;
  const sleep = rest.sleep ?? clock?.sleep;
  const all: DeviceAuthorizationGrantPollOptions = {
    // Scripts use intervals down to 0.05 s: the 1 s floor (dg:polling:interval-floor) is lowered here.
    minInterval: 0.001,
    ...(clock === undefined ? {} : { now: clock.now }),
    ...rest,
    ...(sleep === undefined
      ? {}
      : {
          sleep: (ms: number, signal?: AbortSignal) => {
            sleeps.push(ms);
            return sleep(ms, signal);
          },
        }),
    onPoll: (event) => {
      events.push(event);
      rest.onPoll?.(event);
    },
    onState: (state) => {
      states.push(state);
      rest.onState?.(state);
    },
  };
  const now = clock?.now ?? Date.now;
  const result: RunResult = { sleeps, events, states, end: 0 };
  try {
    result.token =
      resumeFrom === undefined
        ? await pollDeviceAuthorizationGrant(config, device!, parameters, all)
        : await resumeDeviceAuthorizationGrant(config, resumeFrom, parameters, all);
  } catch (error) {
    result.error = error;
  }
  result.end = now();
  return result;
}

/** Runs a poll (or a resume, when `resumeFrom` is given) to its end on the script's clock. */
export function run(
  s: Script,
  device: DeviceAuthorizationResponse | undefined,
  options: DeviceAuthorizationGrantPollOptions & { resumeFrom?: PollingState } = {},
  parameters?: RequestParameters,
): Promise<RunResult> {
  return runPoll(s.config, device, { clock: s.clock, ...options }, parameters);
}

/** One flow: the device authorization response arrives at T0, then the driver polls to its end. */
export async function flow(replies: TokenReply[], device: Record<string, unknown> = {}, fallback?: TokenReply): Promise<RunResult & { times: number[] }> {
  const s = script(replies, { device, ...(fallback === undefined ? {} : { fallback }) });
  const response = await initiate(s);
  const result = await run(s, response);
  return { ...result, times: s.tokenCalls.map((c) => c.time) };
}

/** A typed library error: an Error with a string code, never a raw TypeError. */
export const typed = (error: unknown): boolean =>
  error instanceof Error && !(error instanceof TypeError) && typeof (error as { code?: unknown }).code === 'string';

/** Differences between consecutive numbers. */
export function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}

// ---- replies ------------------------------------------------------------------------------

/** A token endpoint success (RFC 6749 §5.1). */
export function tokenResponse(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ access_token: 'at-secret-0001', token_type: 'Bearer', expires_in: 3600, ...extra }, 200, headers);
}

/** An RFC 6749 §5.2 / RFC 8628 §3.5 error body. */
export function oauthError(error: unknown, status = 400, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ error, ...extra }, status, headers);
}

export const pending = (headers: Record<string, string> = {}): Response => oauthError('authorization_pending', 400, {}, headers);
export const slowDown = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response =>
  oauthError('slow_down', 400, extra, headers);

/** A response with an exact body text and headers. */
export function raw(status: number, body: string | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers });
}

/** A fetch failure as undici reports it. */
export const networkError = (): never => {
  throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
};

// ---- ID tokens ----------------------------------------------------------------------------

const b64url = (value: string): string => Buffer.from(value).toString('base64url');

/** An unsigned but well-formed compact JWS: header.payload.signature, all base64url. */
export function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${b64url('not-a-real-signature')}`;
}

/** Claims that pass every check for `clientId` at `nowMs`. */
export function goodClaims(nowMs: number, clientId = CLIENT_ID, issuer = ISSUER): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  return { iss: issuer, sub: 'user-1', aud: clientId, exp: now + 3600, iat: now };
}
