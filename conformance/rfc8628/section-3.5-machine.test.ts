// RFC 8628 §3.5 in the pure polling machine (lib/device/polling-machine.ts): pending, slow_down and
// the backoff after a timeout, stepped by hand with time as an input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, SLOW_DOWN_INCREMENT, type TokenOutcome } from '../../lib/index.js';
import { OUT, S, T0, fresh, play } from '../support/machine-side.js';

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

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval authorization_pending leads to another request one full interval later, as long as it lasts', () => {
  const outcomes = [...Array.from({ length: 20 }, () => OUT.pending), OUT.token];
  const { requests, last } = play(fresh({ interval: 3 }), outcomes);
  assert.equal(requests.length, 21);
  for (let i = 1; i < requests.length; i++) assert.equal(requests[i]! - requests[i - 1]!, 3 * S);
  assert.equal(last.command.type, 'done');
  assert.equal(last.state.polls, 21);
});

test('rfc8628:3.5:timeout-backoff rfc8628:3.5:exponential-backoff after a request timeout the next poll waits longer than the interval, doubling per consecutive timeout', () => {
  const timeout = (): TokenOutcome => ({ kind: 'transient', error: new ClientError('request timed out', { code: 'OAUTH_TIMEOUT' }) });
  const { requests } = play(fresh({ expires_in: 3600 }), [timeout(), timeout(), timeout(), OUT.token]);
  const waits = requests.slice(1).map((t, i) => t - requests[i]!);
  assert.ok(waits[0]! > 5 * S);
  assert.deepEqual(waits, [10 * S, 20 * S, 40 * S]);
});
