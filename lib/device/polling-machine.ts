/**
 * The pure polling machine of the device flow (RFC 8628 §3.4–3.5). It performs no I/O, reads
 * no clock and sets no timer: time comes in with every input, and effects go out as commands,
 * in the manner of sans-I/O protocol cores. Its state is plain JSON, so it can be saved and
 * resumed in another process. **The state holds the device_code, which is a secret.**
 *
 * ```
 *                 start / timer (now < wakeAt: sleep again)
 *                  ┌──────┐
 *                  │      ▼
 *   initialState ─► waiting ──timer (now ≥ wakeAt)──► requesting ──response: token──► done
 *                     ▲  │                             │   ▲   │
 *                     │  └──timer (now ≥ deadline)─┐   │   │   └─response: terminal─► failed
 *                     │                            ▼   │   └─response: use_dpop_nonce (once per poll)
 *                     │                         failed │
 *                     └─response: pending, slow_down,──┘
 *                       transient (wait grows)   (response after the deadline → failed)
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { ClientError, argumentError } from '../errors.ts';
import type { TokenEndpointResponse } from '../oauth/token-response.ts';
import type { IDToken } from '../oidc/id-token.ts';

/**
 * RFC 8628 §3.2: the interval when the server sends none, in seconds.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2 (interval: 5 when absent)
 */
export const DEFAULT_INTERVAL = 5;
/**
 * RFC 8628 §3.5: slow_down adds this many seconds to the interval.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export const SLOW_DOWN_INCREMENT = 5;
/**
 * dg:polling:interval-floor: the shortest interval ever honoured, in seconds, wherever the
 * interval comes from (the server, a saved state); the poll option `minInterval` lowers it for tests.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export const MIN_INTERVAL = 1;
/**
 * dg:polling:expires-in-cap: the longest lifetime honoured, in seconds (24 hours). Deployed
 * servers issue codes for 5 to 30 minutes, and RFC 8628 §5.4 wants them short; a larger value
 * (1e15) would keep a flow polling for ever.
 */
const MAX_EXPIRES_IN = 86_400;
/**
 * Default cap in seconds on the transient backoff, before the 2·interval floor.
 *
 * @see spec/design.md ("Polling semantics": the transient backoff and its cap)
 */
export const DEFAULT_BACKOFF_CAP = 60;

/**
 * The machine's state: plain JSON. Times are ms since the epoch, intervals are seconds.
 * Contains the device_code (a secret, RFC 8628 §5.2): store it as you would a token.
 *
 * @see spec/design.md ("The polling machine")
 */
export interface PollingState {
  /** Format version. */
  readonly v: 1;
  readonly phase: 'waiting' | 'requesting' | 'done' | 'failed';
  /** The device_code, sent verbatim on every poll (RFC 8628 §3.4). */
  readonly device_code: string;
  /** The interval in force, seconds, slow_down increases included. */
  readonly interval: number;
  /** When the codes expire (device authorization response arrival + expires_in). */
  readonly deadline: number;
  /** No request before this time; in a state failed on a terminal answer, one interval after that answer. */
  readonly wakeAt: number;
  /** Consecutive transient failures. */
  readonly failures: number;
  /** Requests sent so far (a DPoP nonce retry does not count). */
  readonly polls: number;
  /** Cap on the transient backoff, seconds. */
  readonly backoffCap: number;
  /** When the request in flight was sent, while `phase` is `'requesting'`. */
  readonly sentAt?: number;
  /** While `phase` is `'requesting'`: the request in flight is its poll's one immediate resend after a DPoP nonce demand. */
  readonly resent?: true;
}

/**
 * What one poll produced, as the machine's input: a token (validated, with its ID token claims
 * when there was one, and when it arrived), or one of the RFC 8628 §3.5 reasons to go on or to
 * stop. The classifier (token-outcome.ts) speaks this vocabulary; the machine owns it.
 *
 * @see spec/design.md ("Classifying a token endpoint answer")
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export type TokenOutcome =
  | { kind: 'token'; body: TokenEndpointResponse; receivedAt: number; claims?: IDToken | undefined }
  | { kind: 'pending'; retryAfter?: number }
  | { kind: 'slow_down'; interval?: number; retryAfter?: number }
  | { kind: 'terminal'; error: Error }
  | { kind: 'transient'; error: Error; retryAfter?: number }
  // RFC 9449 §8: the server wants a (new) DPoP nonce. The first one of a poll is answered with
  // a request at once (not a poll); a second one within the same poll waits the normal interval.
  | { kind: 'use_dpop_nonce'; error: Error; retryAfter?: number };

/**
 * An input. Every input carries `now`, ms since the epoch.
 *
 * - `start`: begin, or carry on from a saved state;
 * - `timer`: a sleep ended (while a request is in flight: refused with OAUTH_INVALID_STATE);
 * - `response`: the outcome of the request in flight.
 *
 * @see spec/design.md ("The polling machine")
 */
export type PollingInput =
  | { readonly type: 'start'; readonly now: number }
  | { readonly type: 'timer'; readonly now: number }
  | { readonly type: 'response'; readonly now: number; readonly outcome: TokenOutcome };

/**
 * An effect for the driver to perform.
 *
 * @see spec/design.md ("The polling machine")
 */
export type PollingCommand =
  | { readonly type: 'sleep'; readonly until: number }
  | { readonly type: 'request' }
  | {
      readonly type: 'done';
      readonly token: TokenEndpointResponse;
      /** The checked ID token claims, when the token response had an ID token. */
      readonly claims: IDToken | undefined;
      /** When the token response arrived, ms since the epoch: `expires_in` counts from here. */
      readonly receivedAt: number;
    }
  | { readonly type: 'fail'; readonly error: Error };

/**
 * The result of one {@link step}.
 *
 * @see spec/design.md ("The polling machine")
 */
export interface PollingStep {
  readonly state: PollingState;
  readonly command: PollingCommand;
}

/**
 * What a new flow starts from.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2 (expires_in and interval)
 */
export interface InitialStateOptions {
  device_code: string;
  /** Seconds; {@link DEFAULT_INTERVAL} when undefined. */
  interval?: number | undefined;
  /** Seconds (RFC 8628 §3.2). */
  expires_in: number;
  /** When the device authorization response arrived, ms since the epoch. */
  receivedAt: number;
  /** Seconds; {@link DEFAULT_BACKOFF_CAP} when undefined. */
  backoffCap?: number | undefined;
  /** The interval floor in seconds; {@link MIN_INTERVAL} when undefined. */
  minInterval?: number | undefined;
}

/** True for a finite number of seconds: at least 0 when `zero` is allowed, else above 0 (NaN never). */
function seconds(value: unknown, zero: boolean): boolean {
  return typeof value === 'number' && value < Infinity && (zero ? value >= 0 : value > 0);
}

/** A wait an outcome asks for, in seconds: 0 (none) unless it is a finite non-negative number. */
function asked(value: number | undefined): number {
  // dg:polling:finite-waits: a NaN (Number() of an HTTP-date) or infinite Retry-After or slow_down interval is ignored: no input makes a wait NaN.
  return seconds(value, true) ? (value as number) : 0;
}

/**
 * A new state. dg:polling: the first poll also waits one interval, counted from the arrival
 * of the device authorization response, and the deadline counts from that arrival too.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2 (expires_in and interval)
 * @see spec/design.md ("Polling semantics": the first poll waits, the deadline counts from arrival)
 */
export function initialState(options: InitialStateOptions): PollingState {
  const { device_code, interval, expires_in, receivedAt, backoffCap } = options;
  if (typeof device_code !== 'string' || device_code === '') {
    throw argumentError('"device_code" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  }
  if (!seconds(expires_in, false)) throw argumentError('"expires_in" must be a positive number of seconds', 'ERR_INVALID_ARG_VALUE');
  // A negative or NaN interval is refused; 0 is floored like any other short interval.
  if (!(interval === undefined || seconds(interval, true))) throw argumentError('"interval" must be a non-negative number of seconds', 'ERR_INVALID_ARG_VALUE');
  const floor = options.minInterval ?? MIN_INTERVAL;
  if (!seconds(floor, false)) throw argumentError('"minInterval" must be a positive number of seconds', 'ERR_INVALID_ARG_VALUE');
  if (!Number.isFinite(receivedAt)) throw argumentError('"receivedAt" must be a finite time in ms', 'ERR_INVALID_ARG_VALUE');
  if (!(backoffCap === undefined || seconds(backoffCap, true))) throw argumentError('"backoffCap" must be a non-negative number of seconds', 'ERR_INVALID_ARG_VALUE');
  // rfc8628:3.2:interval-default: "If no value is provided, clients MUST use 5 as the default."
  // Clamped so that absurd server values still leave finite, JSON-safe times.
  // dg:polling:deadline-from-arrival rfc8628:3.3:stop-at-expiry: "until the user completes the interaction, the code expires, or another error occurs"; the deadline is expires_in after the device authorization response arrived.
  // dg:polling:first-poll-waits dg:polling:state-json: the first poll waits one interval from the response's arrival, and the state is plain JSON with a version tag.
  // dg:polling:interval-floor: never below the floor, whatever the server sent (0 included).
  const floored = Math.max(interval ?? DEFAULT_INTERVAL, floor); // RFC 8628 §3.2: default 5 s
  // dg:polling:expires-in-cap: at most MAX_EXPIRES_IN; clamped so times stay finite and JSON-safe.
  const deadline = Math.min(receivedAt + Math.min(expires_in, MAX_EXPIRES_IN) * 1000, Number.MAX_SAFE_INTEGER);
  return next(
    { device_code, deadline, backoffCap: backoffCap ?? DEFAULT_BACKOFF_CAP },
    'waiting',
    Math.min(receivedAt + floored * 1000, deadline),
    floored,
    0,
    0,
  );
}

/**
 * The typed local expiry error: `OAUTH_TIMEOUT` with `error: 'expired_token'`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3 (polling ends when the code expires)
 * @see spec/design.md ("Polling semantics": the deadline)
 */
export function expiredError(cause?: Error): ClientError {
  const error = new ClientError('the device_code expired before the authorization completed', {
    code: 'OAUTH_TIMEOUT',
    cause,
  });
  // dg:compat:local-expiry-error: reaching the deadline is OAUTH_TIMEOUT with error 'expired_token'.
  error.error = 'expired_token';
  return error;
}

/**
 * The state with the fields that change, written out rather than spread (cheaper on the polling
 * path). Only a 'requesting' state carries `sentAt`.
 */
function next(
  state: Pick<PollingState, 'device_code' | 'deadline' | 'backoffCap'>,
  phase: PollingState['phase'],
  wakeAt: number,
  interval: number,
  failures: number,
  polls: number,
  sentAt?: number,
  resent?: true,
): PollingState {
  // dg:polling:state-json: every field is plain JSON, so the state survives JSON.stringify and JSON.parse.
  const result: { -readonly [K in keyof PollingState]: PollingState[K] } = { v: 1, phase, device_code: state.device_code, interval, deadline: state.deadline, wakeAt, failures, polls, backoffCap: state.backoffCap };
  if (sentAt !== undefined) result.sentAt = sentAt;
  if (resent) result.resent = resent;
  return result;
}

function sleepUntil(state: PollingState, wakeAt: number, interval = state.interval, failures = state.failures): PollingStep {
  // The stored wakeAt is clamped too, so that a huge interval or Retry-After never makes the state non-finite.
  // dg:polling:sleep-clamp: every sleep is clamped at the deadline; waking there ends the flow.
  const until = Math.min(wakeAt, state.deadline);
  return { state: next(state, 'waiting', until, interval, failures, state.polls), command: { type: 'sleep', until } };
}

function fail(state: PollingState, error: Error, wakeAt = state.wakeAt): PollingStep {
  return { state: next(state, 'failed', wakeAt, state.interval, state.failures, state.polls), command: { type: 'fail', error } };
}

/**
 * dg:polling: after n ≥ 1 transient failures wait min(I·2ⁿ, max(cap, 2I)); the first retry waits 2I.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function transientWait(interval: number, failures: number, backoffCap: number): number {
  // dg:polling:transient-backoff rfc8628:3.5:exponential-backoff: "The use of an exponential backoff algorithm to achieve this, such as doubling the polling interval on each such connection timeout, is RECOMMENDED."; min(I·2ⁿ, max(cap, 2I)).
  return Math.min(interval * 2 ** failures, Math.max(backoffCap, 2 * interval));
}

function onResponse(state: PollingState, now: number, outcome: TokenOutcome): PollingStep {
  // dg:polling:done-carries-result dg:polling:no-request-after-deadline: done carries the token, its claims and its arrival time; a token that arrives after the deadline is still returned.
  if (outcome.kind === 'token') {
    const command = { type: 'done', token: outcome.body, claims: outcome.claims, receivedAt: outcome.receivedAt } as const;
    return { state: next(state, 'done', state.wakeAt, state.interval, state.failures, state.polls), command };
  }
  // rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error rfc8628:3.5:expired-token-restart rfc8628:3.5:expired-token-wait-user: "If the client receives an error response with any other error code, it MUST stop polling"; the error goes to the caller as it is, and nothing restarts on its own.
  // rfc8628:3.5:wait-interval rfc8628:3.5:slow-down dg:polling:repoll-resumes: "the interval MUST be increased by 5 seconds for this and all subsequent requests"; the failed state keeps the raised interval and, as wakeAt, one interval after this answer, so that a new flow on the same code never polls early.
  if (outcome.kind === 'terminal') return fail(state, outcome.error, Math.min(now + state.interval * 1000, state.deadline));
  // dg:polling:no-request-after-deadline rfc8628:3.3:stop-at-expiry: "until the user completes the interaction, the code expires, or another error occurs"; a request in flight at the deadline may finish, but only a token is worth anything then.
  if (now >= state.deadline) return fail(state, expiredError('error' in outcome ? outcome.error : undefined));
  // rfc9449:8:nonce-retry dg:dpop:nonce-retry-once dg:dpop:nonce-loop: the first use_dpop_nonce of a poll is resent at once (not a poll, no interval); a second one within the same poll takes the normal schedule.
  if (outcome.kind === 'use_dpop_nonce' && !state.resent) {
    return { state: next(state, 'requesting', state.wakeAt, state.interval, state.failures, state.polls, now, true), command: { type: 'request' } };
  }
  const retryAfter = asked(outcome.retryAfter);
  if (outcome.kind === 'transient') {
    // rfc8628:3.5:timeout-backoff rfc8628:3.5:exponential-backoff dg:polling:transient-backoff dg:polling:transient-classes dg:polling:retry-after: "On encountering a connection timeout, clients MUST unilaterally reduce their polling frequency before retrying."; by our policy every transient fault backs off, and Retry-After can only lengthen the wait.
    const failures = state.failures + 1;
    const wait = Math.max(transientWait(state.interval, failures, state.backoffCap), retryAfter);
    return sleepUntil(state, now + wait * 1000, state.interval, failures);
  }
  // rfc8628:3.5:slow-down dg:polling:slow-down-server-interval: "the interval MUST be increased by 5 seconds for this and all subsequent requests"; a larger interval sent with slow_down wins.
  // dg:dpop:nonce-loop: pending and a repeated use_dpop_nonce keep the interval as it is.
  const interval =
    outcome.kind === 'slow_down' ? Math.max(state.interval + SLOW_DOWN_INCREMENT, asked(outcome.interval)) : state.interval;
  // rfc8628:3.5:wait-interval rfc8628:3.5:pending-repeat rfc8628:3.2:interval-minimum dg:polling:interval-from-response dg:polling:fractional-interval dg:polling:retry-after dg:polling:backoff-reset: "Before each new request, the client MUST wait at least the number of seconds specified by the "interval" parameter of the device authorization response"; counted from this response's arrival (now), never rounded, lengthened only by Retry-After, and the failure count goes back to zero.
  return sleepUntil(state, now + Math.max(interval, retryAfter) * 1000, interval, 0);
}

/**
 * Advances the machine by one input. Pure: the same state and input give the same result.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see spec/design.md ("The polling machine")
 */
export function step(state: PollingState, input: PollingInput): PollingStep {
  const { phase } = state;
  // An ended flow stays as it ended.
  if (phase === 'done' || phase === 'failed') return { state, command: { type: 'fail', error: new ClientError('the polling flow has already ended', { code: 'OAUTH_INVALID_STATE' }) } };
  // dg:polling:pure-machine: time comes in with every input; the machine reads no clock and sets no timer.
  const { now, type } = input;
  // dg:polling:finite-clock: a time that is not a finite number would make every wait NaN and poll in a burst.
  if (!Number.isFinite(now)) return fail(state, new ClientError('input "now" must be a finite time in ms', { code: 'OAUTH_INVALID_STATE' }));
  if (type === 'start') {
    // dg:polling:resume-no-early: resumed while a request was in flight, whose answer is lost: wait a full interval from when it was sent.
    return sleepUntil(state, phase === 'requesting' ? Math.max(state.wakeAt, (state.sentAt ?? now) + state.interval * 1000) : state.wakeAt);
  }
  if (type === 'response' && phase === 'requesting') return onResponse(state, now, input.outcome);
  // dg:polling:single-flight: a timer while a request is in flight never sends a second one: like
  // any input that does not fit the phase, it is refused (a driver fault, made loud).
  if (type === 'timer' && phase === 'waiting') {
    // dg:polling:no-request-after-deadline rfc8628:3.3:stop-at-expiry dg:compat:local-expiry-error: "until the user completes the interaction, the code expires, or another error occurs"; no token request at or after the deadline.
    if (now >= state.deadline) return fail(state, expiredError());
    // dg:polling:clock-backwards rfc8628:3.5:wait-interval dg:profiles:no-early-poll: "Before each new request, the client MUST wait at least the number of seconds specified by the "interval" parameter"; a clock that went backwards (or an early timer) sleeps again, never polls early.
    if (now < state.wakeAt) return sleepUntil(state, state.wakeAt);
    return { state: next(state, 'requesting', state.wakeAt, state.interval, state.failures, state.polls + 1, now), command: { type: 'request' } };
  }
  return fail(state, new ClientError(`input "${type}" is not valid in phase "${phase}"`, { code: 'OAUTH_INVALID_STATE' }));
}

/**
 * A state brought within bounds: an interval below `minInterval` is raised to it (the planned
 * wake-up moves later by the difference), and the deadline is at most `latestDeadline`.
 */
function bounded(state: PollingState, minInterval: number, latestDeadline: number): PollingState {
  // dg:polling:expires-in-cap: a saved deadline far in the future is cut to the cap.
  const deadline = Math.min(state.deadline, latestDeadline);
  // dg:polling:interval-floor: a saved state obeys the same floor as a new one.
  const raise = Math.max(0, minInterval - state.interval);
  if (raise === 0 && deadline === state.deadline) return state;
  return { ...state, interval: state.interval + raise, deadline, wakeAt: Math.min(state.wakeAt + raise * 1000, deadline) };
}

/**
 * Checks that a value is a state this version can resume, and returns it typed and within
 * bounds: an interval below `minInterval` ({@link MIN_INTERVAL} by default) is raised to it, and
 * the deadline is at most 24 hours after the planned wake-up (no state the machine makes is
 * further). A state that would shorten a wait is refused with OAUTH_INVALID_STATE.
 *
 * @see spec/design.md ("The polling machine": the state is plain JSON and can be resumed)
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function parsePollingState(value: unknown, minInterval: number = MIN_INTERVAL): PollingState {
  if (!seconds(minInterval, false)) throw argumentError('"minInterval" must be a positive number of seconds', 'ERR_INVALID_ARG_VALUE');
  const s = value as { [K in keyof PollingState]?: unknown } | null;
  const time = (key: keyof PollingState): boolean => Number.isFinite(s?.[key]);
  const count = (key: keyof PollingState): boolean => Number.isSafeInteger(s?.[key]) && (s?.[key] as number) >= 0;
  // dg:polling:resume-no-early: every field that decides a wait is checked: a negative failure count or cap would shorten it.
  const ok =
    typeof s === 'object' &&
    s?.v === 1 &&
    (s.phase === 'waiting' || s.phase === 'requesting') &&
    typeof s.device_code === 'string' &&
    s.device_code !== '' &&
    seconds(s.interval, false) &&
    seconds(s.backoffCap, true) &&
    time('deadline') &&
    time('wakeAt') &&
    (s.wakeAt as number) <= (s.deadline as number) &&
    count('failures') &&
    count('polls') &&
    (s.phase === 'requesting' ? time('sentAt') : s.sentAt === undefined);
  // dg:polling:state-json: a saved state is checked before it is resumed; one that could shorten a wait is refused.
  if (!ok) throw new ClientError('saved polling state is not valid or not resumable', { code: 'OAUTH_INVALID_STATE' });
  // dg:polling:interval-floor dg:polling:expires-in-cap: a saved state obeys the floor and the 24 h cap, whoever steps it next.
  return bounded(s as PollingState, minInterval, (s.wakeAt as number) + MAX_EXPIRES_IN * 1000);
}

/**
 * A saved state brought within today's bounds: an interval below the floor is raised to it (the
 * planned wake-up moves later by the difference), and the deadline is at most 24 hours from
 * `now`. Pure; the driver applies it to every state it resumes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function boundState(state: PollingState, minInterval: number, now: number): PollingState {
  return bounded(state, minInterval, now + MAX_EXPIRES_IN * 1000);
}
