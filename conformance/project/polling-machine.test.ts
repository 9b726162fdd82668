// The pure polling machine (lib/device/polling-machine.ts), spec/design.md "The polling machine":
// it is pure, its state is plain JSON that survives a restart, and it refuses inputs that do not fit.
// Time is an input here: every test steps the machine by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, parsePollingState, step, type PollingInput, type PollingState, type TokenOutcome } from '../../lib/index.js';
import { DC, OUT, S, T0, drive, fresh, isInvalidState, play } from '../support/machine-side.js';

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

  // A timer while a request is in flight would mean a second request: refused. The retry_now input
  // of earlier versions is gone (the machine answers a DPoP nonce demand itself): refused too.
  const retryNow = (now: number): PollingInput => ({ type: 'retry_now', now }) as unknown as PollingInput;
  const bad: Array<[PollingState, PollingInput]> = [
    [waiting, { type: 'response', now: T0 + 6 * S, outcome: OUT.token }],
    [waiting, retryNow(T0 + 6 * S)],
    [requesting, retryNow(T0 + 6 * S)],
    [requesting, { type: 'timer', now: T0 + 10 * S }],
  ];
  for (const ended of [done, failed]) {
    bad.push([ended, retryNow(T0 + 7 * S)]);
    for (const type of ['start', 'timer'] as const) bad.push([ended, { type, now: T0 + 7 * S }]);
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
    { type: 'response', now: T0 + 35 * S, outcome: { kind: 'use_dpop_nonce', error: new Error('use_dpop_nonce') } },
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
      assert.ok(typeof value === 'string' || value === true || (typeof value === 'number' && Number.isFinite(value)), String(value));
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

test('dg:polling:pure-machine dg:dpop:nonce-retry-once dg:dpop:nonce-loop the machine resends at once after the first use_dpop_nonce of a poll, without counting a poll; a sans-io loop fed nonce demands at one instant gets one resend, then a sleep', () => {
  const requesting = step(step(fresh(), { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;
  assert.equal(requesting.polls, 1);
  const nonce: TokenOutcome = { kind: 'use_dpop_nonce', error: new Error('use_dpop_nonce') };
  const retry = step(requesting, { type: 'response', now: T0 + 5.2 * S, outcome: nonce });
  assert.deepEqual(retry.command, { type: 'request' });
  assert.equal(retry.state.phase, 'requesting');
  assert.equal(retry.state.polls, 1);
  assert.equal(retry.state.sentAt, T0 + 5.2 * S);
  assert.equal(retry.state.resent, true);
  const next = step(retry.state, { type: 'response', now: T0 + 5.5 * S, outcome: OUT.pending });
  assert.deepEqual(next.command, { type: 'sleep', until: T0 + 10.5 * S });
  assert.equal(next.state.resent, undefined);
  // A loop that answers every request with a nonce demand at the same millisecond, 100 times.
  let current = step(requesting, { type: 'response', now: T0 + 5 * S, outcome: nonce });
  let requests = 1;
  for (let i = 0; i < 100 && current.command.type === 'request'; i++) {
    requests++;
    current = step(current.state, { type: 'response', now: T0 + 5 * S, outcome: nonce });
  }
  assert.equal(requests, 2, 'the poll and its one resend');
  assert.deepEqual(current.command, { type: 'sleep', until: T0 + 10 * S });
  // The next poll gets its own resend.
  const second = step(current.state, { type: 'timer', now: T0 + 10 * S });
  assert.equal(second.state.polls, 2);
  assert.deepEqual(step(second.state, { type: 'response', now: T0 + 10 * S, outcome: nonce }).command, { type: 'request' });
});
