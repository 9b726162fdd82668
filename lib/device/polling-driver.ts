/**
 * The driver: runs the pure polling machine with a clock, a sleep and the token request. It is
 * the only polling code that touches time, timers or the network.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { isDeterministic } from '../oauth/client-auth.ts';
import { endpoint, requestContext, type Configuration, type RequestContext } from '../oauth/configuration.ts';
import { deviceAuthorizationReceivedAt, type DeviceAuthorizationResponse } from './device-authorization.ts';
import { ClientError, argumentError } from '../errors.ts';
import { MAX_TIMER_MS, abortError, abortableSleep, timerSleep, type Sleep } from '../http/timers.ts';
import type { RequestParameters } from '../oauth/parameters.ts';
import { initialState, parsePollingState, step, type PollingCommand, type PollingState } from './polling-machine.ts';
import { authenticatedForm, postForm, type AuthenticatedForm } from '../oauth/request.ts';
import { deviceAccessTokenParameters } from './token-request.ts';
import { classifyRequestFailure, classifyTokenResponse, type TokenEndpointResponse, type TokenOutcome } from '../oauth/token-response.ts';
import type { IDToken } from '../oidc/id-token.ts';
import { idTokenClaims, tokenResult, type TokenEndpointResponseHelpers } from '../oauth/token-result.ts';

/**
 * What `onPoll` receives: enough for a countdown, and never the device_code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export interface PollEvent {
  /** Requests sent so far. */
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
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export interface DeviceAuthorizationGrantPollOptions {
  /** Ends the wait and the request in flight at once. */
  signal?: AbortSignal;
  /** DPoP is not supported yet: passing it throws `OAUTH_UNSUPPORTED_OPERATION` before any request. */
  DPoP?: unknown;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` or rejects when `signal` aborts. Default: a cleared setTimeout. */
  sleep?: Sleep;
  /** Cap on the transient backoff, seconds (default 60; never below twice the interval). */
  backoffCap?: number;
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[];
  /** Called before every wait; carries no secret. */
  onPoll?: (event: PollEvent) => void;
  /** Called with the JSON state after every step. **It contains the device_code, a secret.** */
  onState?: (state: PollingState) => void;
}

/** What a sleeping flow's frame holds instead of its sleep command (never acted upon). */
const ASLEEP: PollingCommand = Object.freeze({ type: 'request' });

/** The default clock, shared by every flow. */
const systemNow = (): number => Date.now();

// dg:polling:single-flight: never two requests in flight for one device_code.
const active = new Set<string>();

// The request context last read for each configuration: flows that find the same settings share
// it instead of keeping a copy each (it is read, never written).
const contexts = new WeakMap<Configuration, RequestContext>();

function sameMembers(a: object, b: object): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

/** The configuration's request context as it is now: a shared one when nothing has changed since. */
function sharedContext(config: Configuration, now: () => number): RequestContext {
  const fresh = requestContext(config, now);
  const known = contexts.get(config);
  if (known !== undefined && known.server === fresh.server && known.client === fresh.client && known.auth === fresh.auth && sameMembers(known.http, fresh.http)) {
    return known;
  }
  contexts.set(config, fresh);
  return fresh;
}

// The last state of each response's flow, so that polling it again resumes rather than restarts.
const progress = new WeakMap<DeviceAuthorizationResponse, PollingState>();

function outcomeName(outcome: TokenOutcome | undefined): PollEvent['lastOutcome'] {
  return outcome?.kind === 'pending' || outcome?.kind === 'slow_down' || outcome?.kind === 'transient' ? outcome.kind : undefined;
}

function pollEvent(state: PollingState, nextPollAt: number, at: number, lastOutcome: PollEvent['lastOutcome']): PollEvent {
  const event: PollEvent = {
    attempt: state.polls,
    interval: state.interval,
    remaining: Math.max(0, (state.deadline - at) / 1000),
    nextPollAt,
  };
  if (lastOutcome !== undefined) event.lastOutcome = lastOutcome;
  return event;
}

interface Run {
  context: RequestContext;
  /** The token endpoint (RFC 8628 §3.4), read once per flow. */
  url: URL;
  /** The request's parameters; dropped once the form is kept. */
  params: URLSearchParams | undefined;
  /**
   * The authenticated form's members, kept when the ClientAuth is deterministic: the run is then
   * the form itself (one object fewer per flow). `body` is undefined until then.
   */
  headers: Record<string, string> | undefined;
  body: string | undefined;
  secrets: string[] | undefined;
  options: DeviceAuthorizationGrantPollOptions;
  now: () => number;
}

interface Answer {
  outcome: TokenOutcome;
  receivedAt: number;
  claims?: IDToken | undefined;
}

async function pollOnce(run: Run): Promise<Answer> {
  const { signal, allowedTokenTypes } = run.options;
  let answer: Answer;
  try {
    // Our own methods give the same form every time, so it is built once per flow; any other
    // ClientAuth runs on a fresh copy for every request (it may append a new assertion each time).
    let form: AuthenticatedForm | undefined = run.body === undefined ? undefined : (run as Run & AuthenticatedForm);
    if (form === undefined) {
      form = await authenticatedForm(run.context, new URLSearchParams(run.params));
      if (isDeterministic(run.context.auth)) {
        run.headers = form.headers;
        run.body = form.body;
        run.secrets = form.secrets;
        run.params = undefined; // a waiting flow keeps only what its next request needs
      }
    }
    const { http, secrets } = await postForm(run.context, run.url, form, signal);
    answer = { outcome: classifyTokenResponse(http, secrets, allowedTokenTypes), receivedAt: http.receivedAt };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    return { outcome: classifyRequestFailure(error), receivedAt: run.now() };
  }
  if (answer.outcome.kind !== 'token') return answer;
  // OIDC Core §3.1.3.7: a bad ID token makes the whole answer terminal, so the machine ends 'failed'.
  try {
    answer.claims = idTokenClaims(answer.outcome.body, run.context.server, run.context.client, run.now());
  } catch (error) {
    answer.outcome = { kind: 'terminal', error: error as Error };
  }
  return answer;
}

/**
 * Runs a flow from its first step. `state` and `command` are reassigned at every step, because a
 * suspended async frame keeps its parameters alive: a waiting flow holds only its current ones.
 */
async function drive(
  run: Run,
  state: PollingState,
  command: PollingCommand,
  key?: DeviceAuthorizationResponse,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const { options, now } = run;
  const sleep = options.sleep ?? timerSleep;
  const deviceCode = state.device_code;
  if (active.has(deviceCode)) {
    throw new ClientError('this device_code is already being polled', { code: 'OAUTH_INVALID_STATE' });
  }
  active.add(deviceCode);
  try {
    let last: PollEvent['lastOutcome']; // only the name: the outcome itself is not kept across a wait
    let answer: Answer | undefined; // kept only when it carries the token
    let announced: number | undefined; // the nextPollAt last reported to onPoll
    for (;;) {
      options.onState?.(state);
      // 'done' only ever follows a response, so there is an answer.
      if (command.type === 'done') return tokenResult(command.token, answer!.claims, answer!.receivedAt, now);
      if (command.type === 'fail') throw command.error;
      if (command.type === 'sleep') {
        const { until } = command;
        const at = now();
        // A re-sleep (timer fired early, or a long wait split) is the same wait: report it once.
        if (options.onPoll !== undefined && announced !== until) {
          options.onPoll(pollEvent(state, until, at, last));
          announced = until;
        }
        // A wait longer than setTimeout allows is cut short: the machine then sleeps again.
        const wait = abortableSleep(sleep, Math.min(Math.max(0, until - at), MAX_TIMER_MS), options.signal);
        command = ASLEEP; // a sleeping frame keeps no command: the next step makes a new one
        await wait;
        ({ state, command } = step(state, { type: 'timer', now: now() }));
      } else {
        const got = await pollOnce(run);
        last = outcomeName(got.outcome);
        if (got.outcome.kind === 'token') answer = got;
        ({ state, command } = step(state, { type: 'response', now: now(), outcome: got.outcome }));
      }
    }
  } finally {
    active.delete(deviceCode);
    // A flow cut short (an abort, a hook that threw) is remembered for the next call on the same
    // response; an ended one is forgotten, so that a new call starts afresh.
    if (key !== undefined) {
      const { phase } = state;
      if (phase === 'waiting' || phase === 'requesting') progress.set(key, state);
      else progress.delete(key);
    }
  }
}

function prepare(config: Configuration, parameters: RequestParameters | undefined, options: DeviceAuthorizationGrantPollOptions | undefined, deviceCode: string): Run {
  const opts = options ?? {};
  if (opts.DPoP !== undefined) {
    throw new ClientError('DPoP is not supported yet', { code: 'OAUTH_UNSUPPORTED_OPERATION' });
  }
  // A bad option could shorten a wait (a NaN cap makes every wake-up time NaN): refuse it up front.
  for (const name of ['now', 'sleep', 'onPoll', 'onState'] as const) {
    if (opts[name] !== undefined && typeof opts[name] !== 'function') {
      throw argumentError(`"options.${name}" must be a function`, 'ERR_INVALID_ARG_TYPE');
    }
  }
  const cap = opts.backoffCap;
  if (cap !== undefined && !(typeof cap === 'number' && Number.isFinite(cap) && cap >= 0)) {
    throw argumentError('"options.backoffCap" must be a non-negative number of seconds', 'ERR_INVALID_ARG_VALUE');
  }
  const types = opts.allowedTokenTypes;
  if (types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string'))) {
    throw argumentError('"options.allowedTokenTypes" must be an array of strings', 'ERR_INVALID_ARG_TYPE');
  }
  const now = opts.now ?? systemNow;
  const context = sharedContext(config, now);
  return {
    context,
    url: endpoint(context.server, 'token_endpoint'),
    params: deviceAccessTokenParameters(deviceCode, parameters),
    // Set up front, so that the object keeps one shape.
    headers: undefined,
    body: undefined,
    secrets: undefined,
    options: opts,
    now,
  };
}

/**
 * Polls the token endpoint until the user finishes the device flow, with openid-client v6's
 * signature and results (RFC 8628 §3.4, §3.5).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function pollDeviceAuthorizationGrant(
  config: Configuration,
  deviceAuthorizationResponse: DeviceAuthorizationResponse,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  // Not async: one promise per flow instead of two. Argument errors still reject, never throw.
  try {
    const response = deviceAuthorizationResponse;
    if (response === null || typeof response !== 'object' || typeof response.device_code !== 'string' || response.device_code === '') {
      throw argumentError('"deviceAuthorizationResponse.device_code" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
    }
    const run = prepare(config, parameters, options, response.device_code);
    // RFC 8628 §3.2: expires_in counts from the response's arrival, recorded by initiateDeviceAuthorization.
    // initialState refuses a missing, zero or non-finite expires_in or interval.
    const receivedAt = deviceAuthorizationReceivedAt(response) ?? run.now();
    // A second call for the same response carries on where the first stopped (an abort, say): the
    // interval stays raised by every slow_down (RFC 8628 §3.5), and no poll comes early.
    const state =
      progress.get(response) ??
      initialState({
        device_code: response.device_code,
        interval: response.interval,
        expires_in: response.expires_in,
        receivedAt,
        backoffCap: run.options.backoffCap,
      });
    const first = step(state, { type: 'start', now: run.now() });
    return drive(run, first.state, first.command, response);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Carries on polling from a state saved through `onState`, possibly in another process. It never
 * polls early: a state saved with a request in flight waits a full interval from that request,
 * and the token that request may have produced is lost.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function resumeDeviceAuthorizationGrant(
  config: Configuration,
  savedState: PollingState,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  try {
    const state = parsePollingState(savedState);
    const run = prepare(config, parameters, options, state.device_code);
    const first = step(state, { type: 'start', now: run.now() });
    return drive(run, first.state, first.command);
  } catch (error) {
    return Promise.reject(error);
  }
}
