/**
 * The driver: runs the pure polling machine with a clock, a sleep and the token request. It is
 * the only polling code that touches time, timers or the network.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { endpoint, requestContext, type Configuration, type RequestContext } from './configuration.js';
import { deviceAuthorizationReceivedAt, type DeviceAuthorizationResponse } from './device-authorization.js';
import { ClientError, argumentError } from './errors.js';
import { abortError } from './http.js';
import type { RequestParameters } from './parameters.js';
import { initialState, parsePollingState, step, type PollingState, type PollingStep } from './polling.js';
import { postForm } from './request.js';
import { deviceAccessTokenParameters } from './token-request.js';
import { classifyRequestFailure, classifyTokenResponse, type TokenEndpointResponse, type TokenOutcome } from './token-response.js';
import { tokenResult, type TokenEndpointResponseHelpers } from './token-result.js';

/** What `onPoll` receives: enough for a countdown, and never the device_code. */
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
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Cap on the transient backoff, seconds (default 60; never below twice the interval). */
  backoffCap?: number;
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[];
  /** Called before every wait; carries no secret. */
  onPoll?: (event: PollEvent) => void;
  /** Called with the JSON state after every step. **It contains the device_code, a secret.** */
  onState?: (state: PollingState) => void;
}

/** setTimeout cannot wait longer than 2³¹−1 ms: longer waits are split (the machine re-sleeps). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  // Without a signal there is nothing to listen to: one timer, one closure per wait.
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The default clock, shared by every flow. */
const systemNow = (): number => Date.now();

// RFC 8628 §3.5 and dg:polling: never two requests in flight for one device_code.
const active = new Set<string>();

function outcomeName(outcome: TokenOutcome | undefined): PollEvent['lastOutcome'] {
  return outcome?.kind === 'pending' || outcome?.kind === 'slow_down' || outcome?.kind === 'transient' ? outcome.kind : undefined;
}

function pollEvent(state: PollingState, nextPollAt: number, at: number, last: TokenOutcome | undefined): PollEvent {
  const event: PollEvent = {
    attempt: state.polls,
    interval: state.interval,
    remaining: Math.max(0, (state.deadline - at) / 1000),
    nextPollAt,
  };
  const lastOutcome = outcomeName(last);
  if (lastOutcome !== undefined) event.lastOutcome = lastOutcome;
  return event;
}

interface Run {
  context: RequestContext;
  /** The token endpoint (RFC 8628 §3.4), read once per flow. */
  url: URL;
  params: URLSearchParams;
  options: DeviceAuthorizationGrantPollOptions;
  now: () => number;
}

async function pollOnce(run: Run): Promise<{ outcome: TokenOutcome; receivedAt: number }> {
  const { signal, allowedTokenTypes } = run.options;
  try {
    // A fresh copy per request: a ClientAuth may append (e.g. a new assertion) on every call.
    const { http, secrets } = await postForm(run.context, run.url, new URLSearchParams(run.params), signal);
    return { outcome: classifyTokenResponse(http, secrets, allowedTokenTypes), receivedAt: http.receivedAt };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    return { outcome: classifyRequestFailure(error), receivedAt: run.now() };
  }
}

async function drive(run: Run, state: PollingState): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const { options, now } = run;
  const sleep = options.sleep ?? timerSleep;
  if (active.has(state.device_code)) {
    throw new ClientError('this device_code is already being polled', { code: 'OAUTH_INVALID_STATE' });
  }
  active.add(state.device_code);
  try {
    let current: PollingStep = step(state, { type: 'start', now: now() });
    let last: TokenOutcome | undefined;
    let receivedAt = 0;
    let announced: number | undefined; // the nextPollAt last reported to onPoll
    for (;;) {
      options.onState?.(current.state);
      const { command } = current;
      if (command.type === 'done') return tokenResult(command.token, run.context.server, run.context.client, receivedAt, now);
      if (command.type === 'fail') throw command.error;
      if (command.type === 'sleep') {
        const at = now();
        // A re-sleep (timer fired early, or a long wait split) is the same wait: report it once.
        if (options.onPoll !== undefined && announced !== command.until) options.onPoll(pollEvent(current.state, command.until, at, last));
        announced = command.until;
        if (options.signal?.aborted) throw abortError(options.signal.reason);
        try {
          await sleep(Math.min(Math.max(0, command.until - at), MAX_TIMER_MS), options.signal);
        } catch (error) {
          throw options.signal?.aborted ? abortError(options.signal.reason) : error;
        }
        current = step(current.state, { type: 'timer', now: now() });
      } else {
        const answer = await pollOnce(run);
        last = answer.outcome;
        receivedAt = answer.receivedAt;
        current = step(current.state, { type: 'response', now: now(), outcome: answer.outcome });
      }
    }
  } finally {
    active.delete(state.device_code);
  }
}

function prepare(config: Configuration, parameters: RequestParameters | undefined, options: DeviceAuthorizationGrantPollOptions | undefined, deviceCode: string): Run {
  const opts = options ?? {};
  if (opts.DPoP !== undefined) {
    throw new ClientError('DPoP is not supported yet', { code: 'OAUTH_UNSUPPORTED_OPERATION' });
  }
  const now = opts.now ?? systemNow;
  const context = requestContext(config, now);
  return {
    context,
    url: endpoint(context.server, 'token_endpoint'),
    params: deviceAccessTokenParameters(deviceCode, parameters),
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
export async function pollDeviceAuthorizationGrant(
  config: Configuration,
  deviceAuthorizationResponse: DeviceAuthorizationResponse,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const response = deviceAuthorizationResponse;
  const positive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
  if (response === null || typeof response !== 'object' || typeof response.device_code !== 'string' || response.device_code === '') {
    throw argumentError('"deviceAuthorizationResponse.device_code" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  }
  if (!positive(response.expires_in) || (response.interval !== undefined && !positive(response.interval))) {
    throw argumentError('"deviceAuthorizationResponse" expires_in and interval must be positive numbers', 'ERR_INVALID_ARG_VALUE');
  }
  const run = prepare(config, parameters, options, response.device_code);
  // RFC 8628 §3.2: expires_in counts from the response's arrival, recorded by initiateDeviceAuthorization.
  const receivedAt = deviceAuthorizationReceivedAt(response) ?? run.now();
  const state = initialState({
    device_code: response.device_code,
    interval: response.interval,
    expires_in: response.expires_in,
    receivedAt,
    backoffCap: run.options.backoffCap,
  });
  return drive(run, state);
}

/**
 * Carries on polling from a state saved through `onState`, possibly in another process. It never
 * polls early: a state saved with a request in flight waits a full interval from that request,
 * and the token that request may have produced is lost.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function resumeDeviceAuthorizationGrant(
  config: Configuration,
  savedState: PollingState,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationGrantPollOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const state = parsePollingState(savedState);
  const run = prepare(config, parameters, options, state.device_code);
  return drive(run, state);
}
