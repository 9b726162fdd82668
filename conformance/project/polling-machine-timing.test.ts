// Polling semantics in the pure polling machine, spec/design.md "Polling semantics": when each request
// goes, how answers, failures, Retry-After and the deadline move the next one. Time is an input here:
// every test steps the machine by hand (RFC 8628 §3.5 itself: rfc8628/section-3.5-machine.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  DEFAULT_BACKOFF_CAP,
  DEFAULT_INTERVAL,
  ResponseBodyError,
  expiredError,
  initialState,
  parsePollingState,
  step,
  transientWait,
  type PollingState,
  type TokenOutcome,
} from '../../lib/index.js';
import { DC, OUT, S, T0, fresh, play, transientError } from '../support/machine-side.js';

test('dg:polling:clock-backwards a timer that arrives before wakeAt (clock went backwards or fired early) sleeps again until wakeAt and never sends', () => {
  const waiting = step(fresh(), { type: 'start', now: T0 }).state;
  for (const now of [T0 - 3600 * S, T0, T0 + 4999, T0 + 5 * S - 0.001]) {
    const again = step(waiting, { type: 'timer', now });
    assert.deepEqual(again.command, { type: 'sleep', until: T0 + 5 * S }, String(now));
    assert.equal(again.state.phase, 'waiting');
    assert.equal(again.state.polls, 0);
  }
  // The clock jumps back by an hour after a pending answer: the next request still waits for wakeAt.
  const request = step(waiting, { type: 'timer', now: T0 + 5 * S });
  const pendingStep = step(request.state, { type: 'response', now: T0 + 6 * S, outcome: OUT.pending });
  assert.deepEqual(pendingStep.command, { type: 'sleep', until: T0 + 11 * S });
  const back = step(pendingStep.state, { type: 'timer', now: T0 + 6 * S - 3600 * S });
  assert.deepEqual(back.command, { type: 'sleep', until: T0 + 11 * S });
  assert.deepEqual(step(back.state, { type: 'timer', now: T0 + 11 * S }).command, { type: 'request' });
});

test('dg:polling:first-poll-waits the first request goes one interval after the device authorization response arrived, not at once', () => {
  const state = fresh({ interval: 7 });
  assert.equal(state.wakeAt, T0 + 7 * S);
  const start = step(state, { type: 'start', now: T0 });
  assert.deepEqual(start.command, { type: 'sleep', until: T0 + 7 * S });
  assert.deepEqual(step(start.state, { type: 'timer', now: T0 + 7 * S - 1 }).command, { type: 'sleep', until: T0 + 7 * S });
  assert.deepEqual(step(start.state, { type: 'timer', now: T0 + 7 * S }).command, { type: 'request' });
  // Polling started late (the caller waited 30 s): the first request may go at once, not a second interval later.
  const late = step(state, { type: 'start', now: T0 + 30 * S });
  assert.deepEqual(late.command, { type: 'sleep', until: T0 + 7 * S });
  assert.deepEqual(step(late.state, { type: 'timer', now: T0 + 30 * S }).command, { type: 'request' });
});

test('rfc8628:3.2:interval-default dg:polling:first-poll-waits without an interval the machine uses 5 s before the first poll and between polls', () => {
  assert.equal(DEFAULT_INTERVAL, 5);
  const state = initialState({ device_code: DC, expires_in: 600, receivedAt: T0 });
  assert.equal(state.interval, 5);
  const { requests } = play(state, [OUT.pending, OUT.pending, OUT.token]);
  assert.deepEqual(requests, [T0 + 5 * S, T0 + 10 * S, T0 + 15 * S]);
});

test('dg:polling:interval-from-response each wait is measured from when the response arrived, not from when the request was sent', () => {
  // Each answer takes 3 s to arrive: requests are 5 + 3 s apart, never 5 s.
  const { requests } = play(fresh(), [OUT.pending, OUT.pending, OUT.pending, OUT.token], 3 * S);
  assert.deepEqual(requests, [T0 + 5 * S, T0 + 13 * S, T0 + 21 * S, T0 + 29 * S]);
});

test('dg:polling:fractional-interval a fractional interval (0.05 s, 0.2 s, 2.5 s) is honoured exactly, neither rounded down nor raised to a second', () => {
  for (const interval of [0.05, 0.2, 2.5]) {
    const { requests } = play(fresh({ interval }), [OUT.pending, OUT.pending, OUT.token]);
    const offsets = requests.map((t) => t - T0);
    assert.equal(offsets.length, 3);
    offsets.forEach((offset, i) => assert.ok(Math.abs(offset - (i + 1) * interval * S) < 1e-6, `${interval}: ${offsets.join(', ')}`));
  }
});

test('dg:polling:slow-down-server-interval a slow_down carrying a larger interval takes it; a smaller one still adds 5 s', () => {
  const larger = play(fresh(), [{ kind: 'slow_down', interval: 30 }, OUT.pending, OUT.token]);
  assert.deepEqual(larger.requests.map((t) => (t - T0) / S), [5, 35, 65]);
  const smaller = play(fresh(), [{ kind: 'slow_down', interval: 7 }, OUT.pending, OUT.token]);
  assert.deepEqual(smaller.requests.map((t) => (t - T0) / S), [5, 15, 25]);
  const equal = play(fresh(), [{ kind: 'slow_down', interval: 10 }, OUT.token]);
  assert.deepEqual(equal.requests.map((t) => (t - T0) / S), [5, 15]);
});

test('dg:polling:transient-backoff after n transient failures the wait is min(I·2ⁿ, max(cap, 2I)): 2I first, doubling, capped at 60 s (or 2I when larger)', () => {
  assert.equal(DEFAULT_BACKOFF_CAP, 60);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => transientWait(5, n, 60)), [10, 20, 40, 60, 60, 60]);
  assert.deepEqual([1, 2, 3].map((n) => transientWait(40, n, 60)), [80, 80, 80]);
  assert.deepEqual([1, 2, 3].map((n) => transientWait(5, n, 15)), [10, 15, 15]);
  assert.deepEqual([1, 2].map((n) => transientWait(0.05, n, 60)), [0.1, 0.2]);
  const outcomes = [...Array.from({ length: 6 }, OUT.transient), OUT.token];
  const { requests, last } = play(fresh({ expires_in: 3600 }), outcomes);
  assert.deepEqual(
    requests.map((t, i) => (i === 0 ? t - T0 : t - requests[i - 1]!) / S),
    [5, 10, 20, 40, 60, 60, 60],
  );
  assert.equal(last.state.failures, 6);
  // The cap comes from the options.
  const capped = play(fresh({ expires_in: 3600, backoffCap: 15 }), [OUT.transient(), OUT.transient(), OUT.transient(), OUT.token]);
  assert.deepEqual(capped.requests.map((t, i) => (i === 0 ? t - T0 : t - capped.requests[i - 1]!) / S), [5, 10, 15, 15]);
});

test('dg:polling:backoff-reset the failure count goes back to zero after any conformant OAuth answer (pending or slow_down)', () => {
  const run = play(fresh({ expires_in: 3600 }), [OUT.transient(), OUT.transient(), OUT.pending, OUT.transient(), OUT.slowDown, OUT.transient(), OUT.token]);
  const waits = run.requests.slice(1).map((t, i) => (t - run.requests[i]!) / S);
  // 2I, 4I, then pending (I), then 2I again; slow_down (I = 10), then 2I = 20.
  assert.deepEqual(waits, [10, 20, 5, 10, 10, 20]);
  const afterPending = step(
    { ...fresh(), phase: 'requesting', failures: 4, sentAt: T0 + 5 * S },
    { type: 'response', now: T0 + 6 * S, outcome: OUT.pending },
  );
  assert.equal(afterPending.state.failures, 0);
});

test('dg:polling:pure-machine the machine draws no random number: every wait is exactly the interval, the backoff or Retry-After', () => {
  const saved = Math.random;
  Math.random = () => {
    throw new Error('the machine drew a random number without an injected source');
  };
  try {
    const run = play(fresh({ expires_in: 3600 }), [OUT.pending, OUT.transient(), { kind: 'pending', retryAfter: 12 }, OUT.slowDown, OUT.token]);
    assert.deepEqual(run.sleeps.map((ms) => ms / S), [5, 5, 10, 12, 10]);
  } finally {
    Math.random = saved;
  }
});

test('dg:polling:retry-after Retry-After lengthens the wait to max(Retry-After, computed wait) on pending, slow_down and transient answers, and never shortens it', () => {
  const afterFirst = (outcome: TokenOutcome, state = fresh()): number => {
    const { requests } = play(state, [outcome, OUT.token]);
    return (requests[1]! - requests[0]!) / S;
  };
  assert.equal(afterFirst({ kind: 'pending', retryAfter: 12 }), 12);
  assert.equal(afterFirst({ kind: 'pending', retryAfter: 2 }), 5);
  assert.equal(afterFirst({ kind: 'pending', retryAfter: 0 }), 5);
  assert.equal(afterFirst({ kind: 'slow_down', retryAfter: 30 }), 30);
  assert.equal(afterFirst({ kind: 'slow_down', retryAfter: 3 }), 10);
  assert.equal(afterFirst({ kind: 'transient', error: transientError(), retryAfter: 30 }), 30);
  assert.equal(afterFirst({ kind: 'transient', error: transientError(), retryAfter: 1 }), 10);
  // Retry-After on one answer does not stick to the next ones.
  const { requests } = play(fresh(), [{ kind: 'pending', retryAfter: 20 }, OUT.pending, OUT.token]);
  assert.deepEqual(requests.map((t) => (t - T0) / S), [5, 25, 30]);
});

test('dg:polling:deadline-from-arrival the deadline is receivedAt + expires_in, however late polling starts', () => {
  const state = fresh({ expires_in: 30, receivedAt: T0 });
  assert.equal(state.deadline, T0 + 30 * S);
  // Polling starts 20 s after the response arrived: only 10 s are left, not 30.
  let current = step(state, { type: 'start', now: T0 + 20 * S });
  const requests: number[] = [];
  let now = T0 + 20 * S;
  while (current.command.type === 'sleep' || current.command.type === 'request') {
    if (current.command.type === 'sleep') {
      now = Math.max(now, current.command.until);
      current = step(current.state, { type: 'timer', now });
    } else {
      requests.push(now);
      current = step(current.state, { type: 'response', now, outcome: OUT.pending });
    }
  }
  assert.deepEqual(requests.map((t) => (t - T0) / S), [20, 25]);
  assert.equal(now, T0 + 30 * S);
  assert.equal(current.command.type, 'fail');
});

test('dg:polling:no-request-after-deadline dg:compat:local-expiry-error no request at or after the deadline; reaching it fails with OAUTH_TIMEOUT and error expired_token', () => {
  // expires_in 10, interval 5: one request at 5 s; the wake-up at 10 s is the deadline itself.
  const { requests, last } = play(fresh({ expires_in: 10 }), [OUT.pending, OUT.pending]);
  assert.deepEqual(requests, [T0 + 5 * S]);
  assert.equal(last.command.type, 'fail');
  const error = (last.command as unknown as { error: ClientError }).error;
  assert.ok(error instanceof ClientError);
  assert.equal(error.code, 'OAUTH_TIMEOUT');
  assert.equal(error.error, 'expired_token');
  assert.equal(last.state.phase, 'failed');
  // A timer at or after the deadline never sends.
  const waiting = { ...fresh({ expires_in: 10 }), wakeAt: T0 + 9 * S };
  for (const now of [T0 + 10 * S, T0 + 11 * S, T0 + 1e9]) {
    const result = step(waiting, { type: 'timer', now });
    assert.equal(result.command.type, 'fail');
  }
  // A DPoP nonce demand answered at the deadline is not resent either.
  const requesting: PollingState = { ...waiting, phase: 'requesting', sentAt: T0 + 9 * S };
  const retry = step(requesting, { type: 'response', now: T0 + 10 * S, outcome: { kind: 'use_dpop_nonce', error: new Error('use_dpop_nonce') } });
  assert.equal(retry.command.type, 'fail');
  assert.equal((retry.command as unknown as { error: ClientError }).error.error, 'expired_token');
  assert.equal(expiredError().code, 'OAUTH_TIMEOUT');
});

test('dg:polling:no-request-after-deadline a request in flight at the deadline may finish: its token is returned, any other answer ends the flow with the expiry error', () => {
  const requesting: PollingState = { ...fresh({ expires_in: 10 }), phase: 'requesting', sentAt: T0 + 9 * S, polls: 2 };
  const late = T0 + 12 * S;
  const done = step(requesting, { type: 'response', now: late, outcome: OUT.token });
  assert.equal(done.command.type, 'done');
  for (const outcome of [OUT.pending, OUT.slowDown, { kind: 'pending', retryAfter: 1 } as TokenOutcome]) {
    const result = step(requesting, { type: 'response', now: late, outcome });
    assert.equal(result.command.type, 'fail');
    assert.equal((result.command as unknown as { error: ClientError }).error.code, 'OAUTH_TIMEOUT');
    assert.equal((result.command as unknown as { error: ClientError }).error.error, 'expired_token');
  }
  const cause = transientError();
  const transient = step(requesting, { type: 'response', now: late, outcome: { kind: 'transient', error: cause } });
  assert.equal(((transient.command as unknown as { error: ClientError }).error as Error & { cause?: unknown }).cause, cause);
  // A terminal answer keeps its own error, even after the deadline.
  const denied = new ResponseBodyError({ error: 'access_denied', raw: { error: 'access_denied' } }, new Response(null, { status: 400 }));
  const terminal = step(requesting, { type: 'response', now: late, outcome: { kind: 'terminal', error: denied } });
  assert.deepEqual(terminal.command, { type: 'fail', error: denied });
});

test('dg:polling:sleep-clamp every sleep command is clamped at the deadline, whatever the interval, backoff or Retry-After asks for', () => {
  const state = fresh({ expires_in: 60, interval: 5 });
  const outcomes: TokenOutcome[] = [
    { kind: 'pending', retryAfter: 1e9 },
    { kind: 'slow_down', interval: 1e6 },
    { kind: 'transient', error: transientError(), retryAfter: Number.MAX_SAFE_INTEGER },
  ];
  for (const outcome of outcomes) {
    const requesting = step(step(state, { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S });
    const result = step(requesting.state, { type: 'response', now: T0 + 6 * S, outcome });
    assert.deepEqual(result.command, { type: 'sleep', until: T0 + 60 * S }, outcome.kind);
    // Waking at the clamp ends the flow; it never sends.
    const woke = step(result.state, { type: 'timer', now: T0 + 60 * S });
    assert.equal(woke.command.type, 'fail');
  }
  // An interval longer than the lifetime: the very first sleep stops at the deadline.
  const long = step(fresh({ interval: 900, expires_in: 600 }), { type: 'start', now: T0 });
  assert.deepEqual(long.command, { type: 'sleep', until: T0 + 600 * S });
});

test('dg:polling:state-json a huge server interval or Retry-After still leaves a finite, JSON-safe state', () => {
  const requesting = step(step(fresh({ expires_in: 60 }), { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;
  for (const outcome of [
    { kind: 'slow_down', interval: 1e308 } as TokenOutcome,
    { kind: 'pending', retryAfter: 1e308 } as TokenOutcome,
    { kind: 'transient', error: transientError(), retryAfter: 1e308 } as TokenOutcome,
  ]) {
    const result = step(requesting, { type: 'response', now: T0 + 6 * S, outcome });
    assert.deepEqual(JSON.parse(JSON.stringify(result.state)), result.state, outcome.kind);
    assert.deepEqual(parsePollingState(JSON.parse(JSON.stringify(result.state))), result.state);
    assert.deepEqual(result.command, { type: 'sleep', until: T0 + 60 * S });
  }
  // The same for absurd lifetimes and intervals in the device authorization response.
  for (const [interval, expires_in] of [[1e308, 600], [5, 1e308], [1e308, 1e308]] as const) {
    const state = initialState({ device_code: DC, interval, expires_in, receivedAt: T0 });
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state, `${interval} ${expires_in}`);
    assert.ok(Number.isFinite(state.deadline) && Number.isFinite(state.wakeAt));
    assert.ok(state.wakeAt <= state.deadline);
  }
});
