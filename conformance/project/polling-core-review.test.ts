// Findings of a review of the polling core, one test each; every one failed before its fix.
// The pure machine given outcomes a hand-written sans-io classifier may produce (NaN waits), and
// the wait for a request given up on (lib/device/single-flight.ts), on a fake clock.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { ClientError, step, type PollingState, type PollingStep, type TokenOutcome } from '../../lib/index.js';
import { previousSettled, track } from '../../lib/device/single-flight.js';
import { timerSleep } from '../../lib/http/timers.js';
import { createFakeClock } from '../support/fake-clock.js';
import { S, T0, fresh } from '../support/machine-side.js';

/** A fresh machine (interval 5 s) with its first request in flight at T0 + 5 s. */
const inFlight = (): PollingState => step(step(fresh(), { type: 'start', now: T0 }).state, { type: 'timer', now: T0 + 5 * S }).state;

test('dg:polling:finite-waits a Retry-After or slow_down interval that is not a finite non-negative number is ignored: the wait is the one the machine computes otherwise, never NaN', () => {
  const now = T0 + 6 * S;
  const nonce = (retryAfter: number): TokenOutcome => ({ kind: 'use_dpop_nonce', error: new Error('use_dpop_nonce'), retryAfter });
  // Number('Wed, 21 Oct 2026 07:28:00 GMT') is NaN: what a hand-written classifier gives for an HTTP-date.
  for (const bad of [Number('Wed, 21 Oct 2026 07:28:00 GMT'), Infinity, -Infinity, -1]) {
    const cases: Array<[string, PollingState, TokenOutcome, number, number]> = [
      ['pending', inFlight(), { kind: 'pending', retryAfter: bad }, 5, 5],
      ['transient', inFlight(), { kind: 'transient', error: new Error('503'), retryAfter: bad }, 10, 5],
      ['slow_down retryAfter', inFlight(), { kind: 'slow_down', retryAfter: bad }, 10, 10],
      ['slow_down interval', inFlight(), { kind: 'slow_down', interval: bad }, 10, 10],
      ['repeated nonce', step(inFlight(), { type: 'response', now, outcome: nonce(bad) }).state, nonce(bad), 5, 5],
    ];
    for (const [what, state, outcome, wait, interval] of cases) {
      const result: PollingStep = step(state, { type: 'response', now, outcome });
      assert.deepEqual(result.command, { type: 'sleep', until: now + wait * S }, `${what}: ${bad}`);
      assert.equal(result.state.interval, interval, `${what}: ${bad}`);
      assert.deepEqual(JSON.parse(JSON.stringify(result.state)), result.state, 'the state stays JSON-safe');
      // A timer at the same instant never sends: the wait holds.
      assert.equal(step(result.state, { type: 'timer', now }).command.type, 'sleep');
    }
  }
  // A valid Retry-After still lengthens the wait.
  assert.deepEqual(step(inFlight(), { type: 'response', now, outcome: { kind: 'pending', retryAfter: 30 } }).command, { type: 'sleep', until: now + 30 * S });
  assert.deepEqual(step(inFlight(), { type: 'response', now, outcome: { kind: 'slow_down', interval: 12.5 } }).state.interval, 12.5);
});

test('dg:polling:clean-end dg:polling:abort-immediate the wait for a request given up on ends its sleep and that sleep\'s abort listener as soon as the request settles, and at once on an abort', async () => {
  const clock = createFakeClock();
  const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;
  // The request settles 1.5 s in, while the second 1 s chunk of the wait is sleeping.
  let settle!: () => void;
  track('clean-end-dc', new Promise<void>((resolve) => (settle = resolve)));
  const controller = new AbortController();
  const waiting = previousSettled('clean-end-dc', clock.now() + 60 * S, clock.now, clock.sleep, controller.signal);
  await new Promise((resolve) => setTimeout(resolve, 5)); // its first look, on a 0 ms timer
  await clock.advance(1.5 * S);
  assert.equal(clock.pending(), 1, 'one sleep in progress');
  assert.equal(listeners(controller.signal), 1, 'its abort race listens to the caller\'s signal');
  settle();
  assert.equal(await waiting, true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(clock.pending(), 0, 'the sleep in progress ended with the wait');
  assert.equal(listeners(controller.signal), 0, 'no listener left on the caller\'s signal');

  // The default sleep (real timers): no timer is left once the request settled.
  const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  const before = timers();
  let settleReal!: () => void;
  track('clean-end-real', new Promise<void>((resolve) => (settleReal = resolve)));
  const real = previousSettled('clean-end-real', Date.now() + 60 * S, Date.now, timerSleep, controller.signal);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(timers(), before + 1, 'a 1 s timer runs');
  settleReal();
  assert.equal(await real, true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(timers(), before, 'the timer was cleared when the request settled');
  assert.equal(listeners(controller.signal), 0);

  // An abort ends the wait at once, with its sleep.
  track('clean-end-abort', new Promise<void>(() => {}));
  const aborted = previousSettled('clean-end-abort', clock.now() + 60 * S, clock.now, clock.sleep, controller.signal);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(clock.pending(), 1);
  controller.abort();
  await assert.rejects(aborted, (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_ABORT');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(clock.pending(), 0);
  assert.equal(listeners(controller.signal), 0);
});
