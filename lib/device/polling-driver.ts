/**
 * The driver: runs the pure polling machine with a clock, a sleep and the token request. It is
 * the only polling code that touches time, timers or the network.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { isDeterministic } from '../oauth/client-auth.ts';
import { endpoint, idTokenVerifiers, requestContext, type Configuration, type IdTokenVerifier, type RequestContext } from '../oauth/configuration.ts';
import { deviceAuthorizationReceivedAt, type DeviceAuthorizationResponse } from './device-authorization.ts';
import { ClientError, argumentError, checkOption } from '../errors.ts';
import { claim, pendingFor, previousSettled, release, track } from './single-flight.ts';
import { MAX_TIMER_MS, Waiter, abortError, timerSleep, type Sleep } from '../http/timers.ts';
import { isDPoPHandle, type DPoPHandle } from '../oauth/dpop-handle.ts';
import { isAbortSignal } from '../http/signal.ts';
import type { RequestParameters } from '../oauth/parameters.ts';
import { MIN_INTERVAL, boundState, expiredError, initialState, parsePollingState, step, type PollingCommand, type PollingState, type PollingStep, type TokenOutcome } from './polling-machine.ts';
import { postForm, type AuthenticatedForm } from '../oauth/request.ts';
import { deviceAccessTokenParameters } from './token-request.ts';
import { classifyRequestFailure, classifyTokenResponse } from './token-outcome.ts';
import type { TokenEndpointResponse } from '../oauth/token-response.ts';
import { tokenResult, type TokenEndpointResponseHelpers } from '../oauth/token-result.ts';

/**
 * What `onPoll` receives: enough for a countdown, and never the device_code.
 *
 * @see spec/design.md ("The polling machine": the driver reports each wait to onPoll, never with the device_code)
 */
export interface PollEvent {
  /** Polls sent so far; the one immediate resend after a DPoP nonce demand is not counted. */
  attempt: number;
  /** The interval in force, seconds. */
  interval: number;
  /** Seconds until the codes expire. */
  remaining: number;
  /** When the next request may go, ms since the epoch. */
  nextPollAt: number;
  /** What the last request produced, if there was one. */
  lastOutcome?: 'pending' | 'slow_down' | 'transient';
}

/**
 * Options of {@link pollDeviceAuthorizationGrant}: openid-client v6's `signal` and `DPoP`, plus
 * our own clock, sleep, backoff cap and hooks.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/DeviceAuthorizationGrantPollOptions.md
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export interface DeviceAuthorizationGrantPollOptions {
  /** Ends the wait and the request in flight at once. */
  signal?: AbortSignal;
  /** A DPoP handle (`getDPoPHandle`): every poll carries a fresh proof, and the token must be DPoP-bound. */
  DPoP?: DPoPHandle;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` or rejects when `signal` aborts. Default: a cleared setTimeout. */
  sleep?: Sleep;
  /** Cap on the transient backoff, seconds (default 60; never below twice the interval). */
  backoffCap?: number;
  /** The interval floor, seconds (default 1): lower it only in tests. */
  minInterval?: number;
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[];
  /** Called before every wait; carries no secret. */
  onPoll?: (event: PollEvent) => void;
  /** Called with the JSON state after every step. **It contains the device_code, a secret.** */
  onState?: (state: PollingState) => void;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const seconds =
  (least: number) =>
  (value: unknown): boolean =>
    Number.isFinite(value) && (value as number) >= least;

/**
 * What each option must be, when given: [test, what it must be, whether a failure is a bad value
 * rather than a bad type]. A bad option could shorten a wait (a NaN cap makes every wake-up time
 * NaN): every one is refused up front, on poll and resume alike.
 */
const OPTION_CHECKS: Record<string, [(value: unknown) => boolean, string, boolean?]> = {
  // dg:dpop:handle-argument: an options.DPoP that is not a handle is ERR_INVALID_ARG_TYPE before any request (poll and resume)
  DPoP: [isDPoPHandle, 'a DPoP handle'],
  // dg:compat:signal-argument: a bad signal is refused before the flow's listener or any timer could hold it.
  signal: [isAbortSignal, 'an AbortSignal'],
  now: [isFunction, 'a function'],
  sleep: [isFunction, 'a function'],
  onPoll: [isFunction, 'a function'],
  onState: [isFunction, 'a function'],
  backoffCap: [seconds(0), 'a non-negative number of seconds', true],
  minInterval: [seconds(Number.MIN_VALUE), 'a positive number of seconds', true],
  allowedTokenTypes: [(value) => Array.isArray(value) && value.every((type) => typeof type === 'string'), 'an array of strings'],
};

/** Runs `begin`; a throw becomes a rejection, as from an async function. Not async: one promise per flow instead of two. */
function rejecting<T>(begin: () => Promise<T>): Promise<T> {
  try {
    return begin();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The default clock, shared by every flow. */
const systemNow = (): number => Date.now();

// The last state of each response's flow, so that polling it again resumes rather than restarts.
const progress = new WeakMap<DeviceAuthorizationResponse, PollingState>();

/** What a sleeping flow's frame holds instead of its sleep command (never acted upon). */
const ASLEEP: PollingCommand = { type: 'request' };

/**
 * One flow, and all that a waiting flow keeps: only what its next request needs. It is the
 * authenticated form itself once that form is kept (one object fewer per flow).
 */
interface Run extends AuthenticatedForm {
  deviceCode: string;
  /** Every request reads its settings from the configuration, as every other request does. */
  config: Configuration;
  /** The token endpoint (RFC 8628 §3.4), read once per flow. */
  url: URL;
  /** The request's parameters; dropped once the form is kept (`body` is '' until then). */
  params: URLSearchParams | undefined;
  options: DeviceAuthorizationGrantPollOptions;
  now: () => number;
  /** The ID token signature check, when enabled for the configuration. */
  verify: IdTokenVerifier | undefined;
  /** The DPoP handle, if any; called only through its interface, so lib/dpop is not imported here. */
  dpop: DPoPHandle | undefined;
  /** What the last request produced, for onPoll. */
  lastOutcome: PollEvent['lastOutcome'];
  /** The error of the last request when it was transient or a nonce demand: the cause of a local expiry. */
  lastError: Error | undefined;
  /** Whether the wait in progress was reported to onPoll. */
  announced: boolean;
}

async function pollOnce(run: Run, waiter: Waiter): Promise<TokenOutcome> {
  const { signal, allowedTokenTypes } = run.options;
  const { deviceCode } = run;
  const context = requestContext(run.config, run.now);
  // dg:polling:single-flight: a request this flow gives up on is tracked by its device_code, whatever the configuration.
  context.http.onUnsettled = (settled) => track(deviceCode, settled);
  try {
    // Our own methods give the same form every time, so it is built once per flow; any other
    // ClientAuth runs on a fresh copy for every request (it may append a new assertion each time),
    // within the request's timeout and abort.
    // dg:compat:client-auth-every-request: any other ClientAuth runs on a fresh copy for every request.
    const form = run.params === undefined ? run : new URLSearchParams(run.params);
    // dg:polling:abort-immediate: the flow's one abort listener, lent to its request, ends that request too (none is added per request).
    const sent = await postForm(context, run.url, form, signal, run.dpop, waiter);
    if (isDeterministic(context.auth) && run.params !== undefined) {
      Object.assign(run, sent.form);
      run.params = undefined; // a waiting flow keeps only what its next request needs
    }
    const { server, client } = context;
    const outcome = classifyTokenResponse(sent.http, sent.secrets, { allowedTokenTypes, idToken: { server, client, now: run.now() }, dpop: run.dpop });
    // dg:idtoken:signature-opt-in: with enableNonRepudiationChecks, the ID token's signature is checked too
    const failure = outcome.kind === 'token' && (await run.verify?.(outcome.body.id_token, signal, run.now));
    return failure ? { kind: 'terminal', error: failure } : outcome;
  } catch (error) {
    // dg:polling:abort-immediate dg:compat:abort-codes: an abort ends the request in flight at once, with OAUTH_TIMEOUT or OAUTH_ABORT.
    if (signal?.aborted) throw abortError(signal.reason);
    return classifyRequestFailure(error);
  }
}

/** Reports the wait to onPoll (once per wait) and starts it. */
function wait(run: Run, waiter: Waiter, state: PollingState, until: number): Promise<void> {
  const { options } = run;
  const at = run.now();
  // A re-sleep (timer fired early, or a long wait split) is the same wait: report it once.
  if (options.onPoll !== undefined && !run.announced) {
    // dg:security:onpoll-no-device-code: the onPoll payload is built field by field and never holds the device_code.
    const event: PollEvent = { attempt: state.polls, interval: state.interval, remaining: Math.max(0, (state.deadline - at) / 1000), nextPollAt: until };
    if (run.lastOutcome !== undefined) event.lastOutcome = run.lastOutcome;
    options.onPoll(event);
  }
  run.announced = true;
  // rfc8628:3.5:wait-interval rfc8628:3.2:interval-minimum rfc8628:3.5:slow-down rfc8628:3.5:timeout-backoff rfc8628:3.5:exponential-backoff dg:polling:transient-backoff dg:polling:fractional-interval dg:polling:long-sleep-split dg:polling:abort-immediate: "Before each new request, the client MUST wait at least the number of seconds specified by the "interval" parameter"; the machine's wait is slept to the millisecond, a wait longer than setTimeout allows is cut short (the machine then sleeps again), and an abort ends it at once.
  return waiter.wait(Math.min(Math.max(0, until - at), MAX_TIMER_MS));
}

/** Sends the request: at once, unless one given up on still runs (then once it settled). Not async: no extra promise per poll. */
function send(run: Run, waiter: Waiter, state: PollingState): Promise<TokenOutcome> {
  const { deviceCode, options } = run;
  // rfc8628:3.5:pending-repeat dg:polling:single-flight: "The client SHOULD repeat the access token request to the token endpoint (a process known as polling)."; one request at a time: the next is sent only after this one settled.
  if (!pendingFor(deviceCode)) return pollOnce(run, waiter);
  // dg:polling:single-flight: never a second request while one given up on is still running.
  return previousSettled(deviceCode, state.deadline, run.now, options.sleep ?? timerSleep, options.signal).then((settled) =>
    settled ? pollOnce(run, waiter) : { kind: 'transient', error: new ClientError('the previous request was still in flight at the deadline', { code: 'OAUTH_TIMEOUT' }) },
  );
}

/** Gives the request's outcome to the machine. */
function respond(run: Run, state: PollingState, last: TokenOutcome): PollingStep {
  const { kind } = last;
  run.announced = false; // the next wait is a new one
  run.lastOutcome = kind === 'pending' || kind === 'slow_down' || kind === 'transient' ? kind : undefined;
  run.lastError = kind === 'transient' || kind === 'use_dpop_nonce' ? last.error : undefined;
  // dg:polling:interval-from-response: now is read once the answer has arrived, so the next wait counts from the response.
  // The machine answers a DPoP nonce demand itself (one immediate resend per poll).
  return step(state, { type: 'response', now: run.now(), outcome: last });
}

/**
 * Runs a registered flow from its first step. `state` and `command` are reassigned at every step,
 * because a suspended async frame keeps its parameters alive: a waiting flow holds only its current ones.
 */
async function drive(run: Run, state: PollingState, command: PollingCommand, key?: DeviceAuthorizationResponse): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  let waiter: Waiter | undefined;
  try {
    waiter = new Waiter(run.options.sleep, run.options.signal);
    for (;;) {
      // dg:polling:state-json: the onState hook hands the caller the JSON state after every step.
      run.options.onState?.(state);
      // dg:profiles:without dg:security:fuzz-invariants: every flow, with or without a profile, whatever the server sends, ends in a token or a typed error.
      if (command.type === 'done') return tokenResult(command.token, command.claims, command.receivedAt, run.now);
      if (command.type === 'fail') {
        const { error } = command;
        // rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error rfc8628:3.5:expired-token-restart rfc8628:3.5:expired-token-wait-user rfc8628:3.1:user-initiated dg:polling:terminal-classes dg:compat:local-expiry-error dg:profiles:without dg:dpop:nonce-loop dg:cli:network-cause: "the client SHOULD only commence a device authorization request when prompted by the user and not automatically"; the flow ends and its error goes to the caller as it is: only the caller starts a new device authorization; a local expiry after transient failures or a nonce demand carries the last one as its cause.
        throw error.cause === undefined && (error as ClientError).error === 'expired_token' && run.lastError ? expiredError(run.lastError) : error;
      }
      if (command.type === 'sleep') {
        const sleeping = wait(run, waiter, state, command.until);
        command = ASLEEP; // a sleeping frame keeps no command: the next step makes a new one
        await sleeping;
        ({ state, command } = step(state, { type: 'timer', now: run.now() }));
      } else ({ state, command } = respond(run, state, await send(run, waiter, state)));
    }
  } finally {
    waiter?.end();
    release(run.deviceCode);
    // A flow cut short (an abort, a hook that threw) is remembered for the next call on the same response.
    // dg:polling:repoll-resumes rfc8628:3.5:slow-down rfc8628:3.5:wait-interval: "the interval MUST be increased by 5 seconds for this and all subsequent requests"; a failed flow is remembered as a new one (no polls, no failures) that keeps its interval and waits it from the last answer; after a token nothing is kept.
    if (key !== undefined) {
      if (state.phase === 'done') progress.delete(key);
      else progress.set(key, state.phase === 'failed' ? { ...state, phase: 'waiting', failures: 0, polls: 0 } : state);
    }
  }
}

/** Registers the flow and runs it from `state`; the clock is read before, so a clock that throws leaves nothing behind. */
function start(run: Run, state: PollingState, key?: DeviceAuthorizationResponse): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  // dg:polling:first-poll-waits dg:polling:resume-no-early dg:polling:repoll-resumes: the machine starts with a sleep, never a request: the first poll waits one interval, and a resumed one never comes early.
  const first = step(state, { type: 'start', now: run.now() });
  claim(run.deviceCode);
  return drive(run, first.state, first.command, key);
}

function prepare(config: Configuration, parameters: RequestParameters | undefined, options: DeviceAuthorizationGrantPollOptions | undefined, deviceCode: string): Run {
  const opts = options ?? {};
  for (const [name, [valid, what, badValue]] of Object.entries(OPTION_CHECKS)) {
    checkOption(opts[name as keyof DeviceAuthorizationGrantPollOptions], name, valid, what, badValue ? 'ERR_INVALID_ARG_VALUE' : undefined);
  }
  const clock = opts.now;
  // dg:polling:finite-clock: a clock that returns no finite number ends the flow with a typed error.
  const now =
    clock === undefined
      ? systemNow
      : (): number => {
          const time = clock();
          if (!Number.isFinite(time)) throw argumentError('"options.now" must be a clock returning finite ms', 'ERR_INVALID_ARG_VALUE');
          return time;
        };
  return {
    deviceCode,
    config,
    url: endpoint(requestContext(config).server, 'token_endpoint'),
    params: deviceAccessTokenParameters(deviceCode, parameters),
    headers: {},
    body: '',
    secrets: [],
    options: opts,
    now,
    verify: idTokenVerifiers.get(config),
    dpop: opts.DPoP,
    lastOutcome: undefined,
    lastError: undefined,
    announced: false,
  };
}

/**
 * Polls the token endpoint until the user finishes the device flow, with openid-client v6's
 * signature and results (RFC 8628 §3.4, §3.5).
 *
 * @example
 * ```ts
 * import { ResponseBodyError, discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from 'device-grant';
 *
 * const config = await discovery(new URL('https://auth.example.com'), 'my-tv-app');
 * const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
 * console.log(`Open ${device.verification_uri} and enter ${device.user_code}`);
 * try {
 *   const tokens = await pollDeviceAuthorizationGrant(config, device, undefined, {
 *     onPoll: (event) => console.log(`${Math.round(event.remaining)} s left, polling every ${event.interval} s`),
 *   });
 *   console.log(tokens.access_token, tokens.expiresIn());
 * } catch (error) {
 *   if (error instanceof ResponseBodyError && error.error === 'access_denied') console.log('The user said no.');
 *   else throw error;
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see https://github.com/panva/openid-client/blob/main/docs/functions/pollDeviceAuthorizationGrant.md
 */
export function pollDeviceAuthorizationGrant(
  config: Configuration,
  deviceAuthorizationResponse: DeviceAuthorizationResponse,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  return rejecting(() => {
    const response = deviceAuthorizationResponse;
    if (typeof response?.device_code !== 'string' || response.device_code === '') {
      throw argumentError('"deviceAuthorizationResponse.device_code" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
    }
    // dg:compat:poll-signature: openid-client's (config, response, parameters, options); the parameters go on every token request.
    const run = prepare(config, parameters, options, response.device_code);
    // initialState refuses a missing, zero or non-finite expires_in; a missing interval is 5 s, and 0 is raised to the floor.
    // dg:polling:deadline-from-arrival rfc8628:3.3:stop-at-expiry: "until the user completes the interaction, the code expires, or another error occurs"; expires_in counts from the response's arrival, recorded by initiateDeviceAuthorization.
    const receivedAt = deviceAuthorizationReceivedAt(response) ?? run.now();
    // dg:polling:repoll-resumes rfc8628:3.2:interval-default rfc8628:3.2:interval-minimum rfc8628:3.5:slow-down: "the interval MUST be increased by 5 seconds for this and all subsequent requests"; the interval stays raised by every slow_down and no poll comes early, and a new flow starts from the response's interval (5 s without one).
    // A second call for the same response carries on where the first stopped (an abort, say): the
    // interval stays raised by every slow_down (RFC 8628 §3.5), and no poll comes early.
    const saved = progress.get(response);
    const minInterval = run.options.minInterval ?? MIN_INTERVAL;
    const state =
      saved === undefined
        ? initialState({
            device_code: response.device_code,
            interval: response.interval,
            expires_in: response.expires_in,
            receivedAt,
            backoffCap: run.options.backoffCap,
            minInterval,
          })
        : boundState(saved, minInterval, run.now());
    return start(run, state, response);
  });
}

/**
 * Carries on polling from a state saved through `onState`, possibly in another process. It never
 * polls early: a state saved with a request in flight waits a full interval from that request,
 * and the token that request may have produced is lost.
 *
 * @example
 * ```ts
 * import { pollDeviceAuthorizationGrant, resumeDeviceAuthorizationGrant } from 'device-grant';
 * import type { Configuration, DeviceAuthorizationResponse, PollingState } from 'device-grant';
 *
 * // The first process keeps the latest state. It holds the device_code: store it as you would a token.
 * export function start(config: Configuration, device: DeviceAuthorizationResponse, save: (state: string) => void) {
 *   return pollDeviceAuthorizationGrant(config, device, undefined, { onState: (state) => save(JSON.stringify(state)) });
 * }
 *
 * // After a restart, another process carries on where the first stopped, never polling early.
 * export function carryOn(config: Configuration, saved: string) {
 *   return resumeDeviceAuthorizationGrant(config, JSON.parse(saved) as PollingState);
 * }
 * ```
 * @see spec/design.md ("The polling machine": the state is plain JSON and can be resumed)
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function resumeDeviceAuthorizationGrant(
  config: Configuration,
  savedState: PollingState,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  return rejecting(() => {
    // dg:polling:state-json dg:polling:resume-no-early: a state saved through onState resumes here, in this process or another.
    // The state is checked before the options, as poll checks the response before them: the
    // caller's minInterval is not yet known to be valid, so the parse applies no floor.
    const parsed = parsePollingState(savedState, Number.MIN_VALUE);
    const run = prepare(config, parameters, options, parsed.device_code);
    // dg:polling:interval-floor dg:polling:expires-in-cap: a saved state obeys today's bounds: the caller's floor, and a deadline at most 24 h from now (the parse caps it only at 24 h from the state's own wake-up).
    return start(run, boundState(parsed, run.options.minInterval ?? MIN_INTERVAL, run.now()));
  });
}
