// The pure polling machine (lib/device/polling-machine.ts): DESIGN.md "The pure polling machine" and "Polling
// semantics". Time is an input here: every test steps the machine by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  DEFAULT_BACKOFF_CAP,
  DEFAULT_INTERVAL,
  ResponseBodyError,
  SLOW_DOWN_INCREMENT,
  expiredError,
  initialState,
  parsePollingState,
  step,
  transientWait,
  type PollingInput,
  type PollingState,
  type PollingStep,
  type TokenOutcome,
} from '../../lib/index.js';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;
const DC = 'dc+&%=/ 1';

// The 1 s floor (dg:polling:interval-floor) is lowered so that fractional intervals can be played.
const fresh = (extra: Partial<Parameters<typeof initialState>[0]> = {}): PollingState =>
  initialState({ device_code: DC, interval: 5, expires_in: 600, receivedAt: T0, minInterval: 0.001, ...extra });

const transientError = (): ClientError => new ClientError('network request failed', { code: 'OAUTH_NETWORK_ERROR' });
const OUT = {
  pending: { kind: 'pending' } as TokenOutcome,
  slowDown: { kind: 'slow_down' } as TokenOutcome,
  transient: (): TokenOutcome => ({ kind: 'transient', error: transientError() }),
  token: { kind: 'token', body: { access_token: 'at', token_type: 'bearer' } } as TokenOutcome,
};

/** Steps from `state` through the inputs, checking nothing; returns every step. */
function drive(state: PollingState, inputs: PollingInput[]): PollingStep[] {
  const steps: PollingStep[] = [];
  let current = state;
  for (const input of inputs) {
    const next = step(current, input);
    steps.push(next);
    current = next.state;
  }
  return steps;
}

/**
 * Plays a flow the way the driver does: start, then on every sleep a timer at exactly `until`,
 * and on every request the next outcome, received `latency` ms after it was sent. Returns the
 * request times and the final step.
 */
function play(state: PollingState, outcomes: TokenOutcome[], latency = 0): { requests: number[]; last: PollingStep; sleeps: number[] } {
  const requests: number[] = [];
  const sleeps: number[] = [];
  let now = state.wakeAt - state.interval * S;
  let current = step(state, { type: 'start', now });
  const queue = [...outcomes];
  for (let i = 0; i < 1000; i++) {
    const { command } = current;
    if (command.type === 'sleep') {
      sleeps.push(command.until - now);
      now = Math.max(now, command.until);
      current = step(current.state, { type: 'timer', now });
    } else if (command.type === 'request') {
      requests.push(now);
      now += latency;
      const outcome = queue.shift();
      assert.ok(outcome, 'the machine asked for more requests than scripted');
      current = step(current.state, { type: 'response', now, outcome });
    } else {
      return { requests, last: current, sleeps };
    }
  }
  throw new Error('flow did not end');
}

const isInvalidState = (command: PollingStep['command']): boolean =>
  command.type === 'fail' && command.error instanceof ClientError && command.error.code === 'OAUTH_INVALID_STATE';

test('dg:polling:pure-machine step() reads no clock, sets no timer and does no I/O: Date.now, setTimeout and fetch all throw while it runs', () => {
  const saved = { now: Date.now, setTimeout: globalThis.setTimeout, fetch: globalThis.fetch };
  const trap = (): never => {
    throw new Error('the pure machine touched the environment');
  };
  Date.now = trap;
  globalThis.setTimeout = trap as unknown as typeof setTimeout;
  globalThis.fetch = trap as unknown as typeof fetch;
  let result: ReturnType<typeof play>;
  try {
    result = play(fresh(), [OUT.pending, OUT.slowDown, OUT.transient(), OUT.pending, OUT.token]);
    drive(fresh(), [{ type: 'start', now: T0 }, { type: 'timer', now: T0 + 1 }, { type: 'timer', now: T0 + 700 * S }]);
  } finally {
    Date.now = saved.now;
    globalThis.setTimeout = saved.setTimeout;
    globalThis.fetch = saved.fetch;
  }
  assert.equal(result.last.command.type, 'done');
  assert.equal(result.requests.length, 5);
});

test('dg:polling:pure-machine the same state and input always give the same result, and the input state is never mutated', () => {
  const inputs: PollingInput[] = [
    { type: 'start', now: T0 },
    { type: 'timer', now: T0 + 5 * S },
    { type: 'response', now: T0 + 5.5 * S, outcome: OUT.slowDown },
    { type: 'timer', now: T0 + 15.5 * S },
    { type: 'response', now: T0 + 16 * S, outcome: OUT.pending },
  ];
  let state = fresh();
  for (const input of inputs) {
    const frozen = structuredClone(state);
    Object.freeze(state);
    const a = step(state, input);
    const b = step(state, input);
    const c = step(structuredClone(state), input);
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.deepEqual(state, frozen, 'step must not change its input');
    state = a.state;
  }
});

test('dg:polling:pure-machine every input gives exactly one command of the four kinds: sleep, request, done, fail', () => {
  const start = step(fresh(), { type: 'start', now: T0 });
  assert.deepEqual(start.command, { type: 'sleep', until: T0 + 5 * S });
  const request = step(start.state, { type: 'timer', now: T0 + 5 * S });
  assert.deepEqual(request.command, { type: 'request' });
  const done = step(request.state, { type: 'response', now: T0 + 6 * S, outcome: OUT.token });
  assert.equal(done.command.type, 'done');
  assert.deepEqual(done.command.type === 'done' && done.command.token, { access_token: 'at', token_type: 'bearer' });
  assert.equal(done.state.phase, 'done');
  const denied = new ClientError('x', { code: 'OAUTH_INVALID_RESPONSE' });
  const failed = step(request.state, { type: 'response', now: T0 + 6 * S, outcome: { kind: 'terminal', error: denied } });
  assert.deepEqual(failed.command, { type: 'fail', error: denied });
  assert.equal(failed.state.phase, 'failed');
});

test('dg:polling:pure-machine dg:polling:single-flight inputs that do not fit the phase fail with OAUTH_INVALID_STATE and never produce a request', () => {
  const waiting = step(fresh(), { type: 'start', now: T0 }).state;
  const requesting = step(waiting, { type: 'timer', now: T0 + 5 * S }).state;
  assert.equal(requesting.phase, 'requesting');
  const done = step(requesting, { type: 'response', now: T0 + 6 * S, outcome: OUT.token }).state;
  const failed = step(requesting, { type: 'response', now: T0 + 6 * S, outcome: { kind: 'terminal', error: new Error('x') } }).state;

  // A timer while a request is in flight would mean a second request: refused.
  const bad: Array<[PollingState, PollingInput]> = [
    [waiting, { type: 'response', now: T0 + 6 * S, outcome: OUT.token }],
    [waiting, { type: 'retry_now', now: T0 + 6 * S }],
    [requesting, { type: 'timer', now: T0 + 10 * S }],
  ];
  for (const ended of [done, failed]) {
    for (const type of ['start', 'timer', 'retry_now'] as const) bad.push([ended, { type, now: T0 + 7 * S }]);
    bad.push([ended, { type: 'response', now: T0 + 7 * S, outcome: OUT.token }]);
  }
  for (const [state, input] of bad) {
    const result = step(state, input);
    assert.ok(isInvalidState(result.command), `${state.phase} + ${input.type}`);
    // A live state that got a wrong input fails; an ended state stays exactly as it ended.
    if (state.phase === 'done' || state.phase === 'failed') assert.equal(result.state, state);
    else assert.equal(result.state.phase, 'failed');
    assert.doesNotMatch((result.command as { error: Error }).error.message, /dc\+/);
  }
});

test('dg:polling:state-json the state is plain JSON with a version tag, survives JSON round trips at every step, and holds no undefined or non-finite values', () => {
  let current = step(fresh(), { type: 'start', now: T0 });
  const seen: PollingState[] = [current.state];
  const inputs: PollingInput[] = [
    { type: 'timer', now: T0 + 5 * S },
    { type: 'response', now: T0 + 5 * S, outcome: OUT.slowDown },
    { type: 'timer', now: T0 + 15 * S },
    { type: 'response', now: T0 + 15 * S, outcome: OUT.transient() },
    { type: 'timer', now: T0 + 35 * S },
    { type: 'retry_now', now: T0 + 35 * S },
    { type: 'response', now: T0 + 36 * S, outcome: OUT.pending },
  ];
  for (const input of inputs) {
    current = step(current.state, input);
    seen.push(current.state);
  }
  for (const state of seen) {
    assert.equal(state.v, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    assert.equal(Object.getPrototypeOf(state), Object.prototype);
    for (const value of Object.values(state)) {
      assert.ok(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)), String(value));
    }
    // The parsed copy is a state this version resumes.
    assert.deepEqual(parsePollingState(JSON.parse(JSON.stringify(state))), state);
  }
  assert.deepEqual(Object.keys(fresh()).sort(), ['backoffCap', 'deadline', 'device_code', 'failures', 'interval', 'phase', 'polls', 'v', 'wakeAt']);
  assert.equal(fresh().device_code, DC);
});

test('dg:polling:state-json a state that resumes in another process: parsePollingState accepts saved waiting and requesting states and refuses everything else with OAUTH_INVALID_STATE', () => {
  const waiting = fresh();
  const requesting = step(step(waiting, { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;
  assert.equal(requesting.sentAt, T0 + 5 * S);
  assert.deepEqual(parsePollingState(JSON.parse(JSON.stringify(requesting))), requesting);
  const broken: unknown[] = [
    null,
    undefined,
    'state',
    42,
    [],
    { ...waiting, v: 2 },
    { ...waiting, v: '1' },
    { ...waiting, phase: 'done' },
    { ...waiting, phase: 'failed' },
    { ...waiting, phase: 'sleeping' },
    { ...waiting, device_code: '' },
    { ...waiting, device_code: 7 },
    { ...waiting, interval: 0 },
    { ...waiting, interval: -5 },
    { ...waiting, interval: '5' },
    { ...waiting, deadline: null },
    { ...waiting, deadline: Number.NaN },
    { ...waiting, wakeAt: Number.POSITIVE_INFINITY },
    { ...waiting, failures: undefined },
    { ...waiting, polls: '0' },
    { ...waiting, backoffCap: null },
    { ...requesting, sentAt: '1767225605000' },
    { ...requesting, sentAt: null },
  ];
  for (const value of broken) {
    assert.throws(
      () => parsePollingState(value),
      (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_INVALID_STATE' && !error.message.includes(DC),
      JSON.stringify(value),
    );
  }
});

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

test('rfc8628:3.5:slow-down slow_down adds 5 s for the next and every later request, and repeated slow_downs accumulate', () => {
  assert.equal(SLOW_DOWN_INCREMENT, 5);
  const { requests, last } = play(fresh(), [OUT.slowDown, OUT.pending, OUT.slowDown, OUT.pending, OUT.token]);
  // 5 s, then 10 s, 10 s, then 15 s, 15 s.
  assert.deepEqual(
    requests.map((t) => (t - T0) / S),
    [5, 15, 25, 40, 55],
  );
  assert.equal(last.state.interval, 15);
});

test('dg:polling:slow-down-server-interval a slow_down carrying a larger interval takes it; a smaller one still adds 5 s', () => {
  const larger = play(fresh(), [{ kind: 'slow_down', interval: 30 }, OUT.pending, OUT.token]);
  assert.deepEqual(larger.requests.map((t) => (t - T0) / S), [5, 35, 65]);
  const smaller = play(fresh(), [{ kind: 'slow_down', interval: 7 }, OUT.pending, OUT.token]);
  assert.deepEqual(smaller.requests.map((t) => (t - T0) / S), [5, 15, 25]);
  const equal = play(fresh(), [{ kind: 'slow_down', interval: 10 }, OUT.token]);
  assert.deepEqual(equal.requests.map((t) => (t - T0) / S), [5, 15]);
});

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval authorization_pending leads to another request one full interval later, as long as it lasts', () => {
  const outcomes = [...Array.from({ length: 20 }, () => OUT.pending), OUT.token];
  const { requests, last } = play(fresh({ interval: 3 }), outcomes);
  assert.equal(requests.length, 21);
  for (let i = 1; i < requests.length; i++) assert.equal(requests[i]! - requests[i - 1]!, 3 * S);
  assert.equal(last.command.type, 'done');
  assert.equal(last.state.polls, 21);
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

test('rfc8628:3.5:timeout-backoff rfc8628:3.5:exponential-backoff after a request timeout the next poll waits longer than the interval, doubling per consecutive timeout', () => {
  const timeout = (): TokenOutcome => ({ kind: 'transient', error: new ClientError('request timed out', { code: 'OAUTH_TIMEOUT' }) });
  const { requests } = play(fresh({ expires_in: 3600 }), [timeout(), timeout(), timeout(), OUT.token]);
  const waits = requests.slice(1).map((t, i) => t - requests[i]!);
  assert.ok(waits[0]! > 5 * S);
  assert.deepEqual(waits, [10 * S, 20 * S, 40 * S]);
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

test('dg:polling:jitter-only-adds no wait is ever shorter than the computed one: waits are exactly interval, backoff or Retry-After, with no random part', () => {
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
  // retry_now at the deadline does not resend either.
  const requesting: PollingState = { ...waiting, phase: 'requesting', sentAt: T0 + 9 * S };
  const retry = step(requesting, { type: 'retry_now', now: T0 + 10 * S });
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

test('dg:polling:resume-no-early a state saved in phase requesting waits a full interval from when that request was sent, never less', () => {
  const requesting = step(step(fresh(), { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;
  const saved = JSON.parse(JSON.stringify(requesting)) as PollingState;
  assert.equal(saved.phase, 'requesting');
  // Resumed 1 s later: wait until sentAt + interval.
  const resumed = step(saved, { type: 'start', now: T0 + 6 * S });
  assert.deepEqual(resumed.command, { type: 'sleep', until: T0 + 10 * S });
  assert.equal(resumed.state.phase, 'waiting');
  assert.equal(resumed.state.sentAt, undefined);
  assert.deepEqual(step(resumed.state, { type: 'timer', now: T0 + 10 * S - 1 }).command, { type: 'sleep', until: T0 + 10 * S });
  assert.deepEqual(step(resumed.state, { type: 'timer', now: T0 + 10 * S }).command, { type: 'request' });
  // Resumed an hour later: the interval has long passed, the next request may go at once.
  const later = step(saved, { type: 'start', now: T0 + 3600 * S });
  assert.equal(later.command.type, 'sleep');
  assert.ok((later.command as { until: number }).until <= T0 + 3600 * S);
  // A saved waiting state keeps its wakeAt.
  const waiting = step(saved, { type: 'response', now: T0 + 6 * S, outcome: { kind: 'pending', retryAfter: 40 } }).state;
  assert.deepEqual(step(waiting, { type: 'start', now: T0 + 7 * S }).command, { type: 'sleep', until: T0 + 46 * S });
  // A requesting state without sentAt (written by hand) waits a full interval from the resume.
  const { sentAt: _sentAt, ...noSentAt } = saved;
  assert.deepEqual(step(noSentAt as PollingState, { type: 'start', now: T0 + 8 * S }).command, { type: 'sleep', until: T0 + 13 * S });
});

test('dg:polling:pure-machine retry_now resends the request in flight at once without counting a poll', () => {
  const requesting = step(step(fresh(), { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;
  assert.equal(requesting.polls, 1);
  const retry = step(requesting, { type: 'retry_now', now: T0 + 5.2 * S });
  assert.deepEqual(retry.command, { type: 'request' });
  assert.equal(retry.state.phase, 'requesting');
  assert.equal(retry.state.polls, 1);
  assert.equal(retry.state.sentAt, T0 + 5.2 * S);
  const next = step(retry.state, { type: 'response', now: T0 + 5.5 * S, outcome: OUT.pending });
  assert.deepEqual(next.command, { type: 'sleep', until: T0 + 10.5 * S });
});
