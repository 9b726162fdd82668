// Helpers for the tests of the pure polling machine (lib/device/polling-machine.ts): a fresh state,
// token outcomes to feed it, and two ways to step it by hand (drive: one input after another; play:
// the way the driver does, with exact timers and a scripted latency).
import assert from 'node:assert/strict';
import {
  ClientError,
  initialState,
  step,
  type PollingInput,
  type PollingState,
  type PollingStep,
  type TokenOutcome,
} from '../../lib/index.js';
import { T0 } from './polling-side.js';

export { T0 };

/** One second, ms. */
export const S = 1000;
/** The device_code of every machine test: it needs form escaping. */
export const DC = 'dc+&%=/ 1';

/** A fresh machine state at T0: interval 5 s, lifetime 600 s. */
export const fresh = (extra: Partial<Parameters<typeof initialState>[0]> = {}): PollingState =>
  // The 1 s floor (dg:polling:interval-floor) is lowered so that fractional intervals can be played.
  initialState({ device_code: DC, interval: 5, expires_in: 600, receivedAt: T0, minInterval: 0.001, ...extra });

/** The error a transient outcome carries. */
export const transientError = (): ClientError => new ClientError('network request failed', { code: 'OAUTH_NETWORK_ERROR' });
/** Token outcomes to feed the machine. */
export const OUT = {
  pending: { kind: 'pending' } as TokenOutcome,
  slowDown: { kind: 'slow_down' } as TokenOutcome,
  transient: (): TokenOutcome => ({ kind: 'transient', error: transientError() }),
  token: { kind: 'token', body: { access_token: 'at', token_type: 'bearer' } } as TokenOutcome,
};

/** Steps from `state` through the inputs, checking nothing; returns every step. */
export function drive(state: PollingState, inputs: PollingInput[]): PollingStep[] {
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
export function play(state: PollingState, outcomes: TokenOutcome[], latency = 0): { requests: number[]; last: PollingStep; sleeps: number[] } {
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

/** A fail command with OAUTH_INVALID_STATE. */
export const isInvalidState = (command: PollingStep['command']): boolean =>
  command.type === 'fail' && command.error instanceof ClientError && command.error.code === 'OAUTH_INVALID_STATE';
