// End to end over real loopback HTTP: the conformance authorization server on node:http, the
// library with the platform's fetch and its own timers. Intervals are 0.1 s; timing assertions are
// lower bounds with a 100 ms tolerance, and the server itself answers slow_down to any early poll.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError } from '../../lib/index.js';
import type { Fault } from '../server/types.js';
import { INTERVAL, TOLERANCE, poll, running, tokenRequests } from '../support/e2e-side.js';

test('rfc8628:3.3:stop-at-expiry dg:compat:local-expiry-error e2e: nobody approves, and the flow ends at the deadline with expired_token', async () => {
  const r = await running({ expiresIn: 0.45 });
  const { error } = await poll(r);
  const elapsed = performance.now() - r.started;
  assert.ok(error instanceof ClientError || error instanceof ResponseBodyError, String(error));
  // Normally the client's own deadline; if a poll lands in the few ms between the server's expiry
  // and the client's (the client's clock starts when the response arrived), the server's expired_token.
  assert.equal(error.error, 'expired_token');
  if (error instanceof ClientError) assert.equal(error.code, 'OAUTH_TIMEOUT');
  assert.ok(elapsed >= 450 - TOLERANCE, `${elapsed}`);
  const issued = r.server.requests.find((q) => q.endpoint === 'device')!.time;
  assert.ok(tokenRequests(r).every((q) => q.time < issued + 450 + TOLERANCE));
});

const FAULTS: Array<[string, Fault, number]> = [
  // name, fault, minimum wait (in intervals) between the faulty request and the next one
  ['503 without Retry-After', { kind: 'status' }, 2],
  ['503 with Retry-After: 1', { kind: 'status', retryAfter: '1' }, 10],
  ['500 JSON server_error', { kind: 'json', body: { error: 'server_error' } }, 2],
  ['502 HTML', { kind: 'html' }, 2],
  ['empty 429', { kind: 'empty' }, 2],
  ['connection reset', { kind: 'reset' }, 2],
  ['200 carrying authorization_pending', { kind: 'pending-200' }, 1],
];

for (const [name, fault, intervals] of FAULTS) {
  test(`dg:polling:transient-classes dg:polling:retry-after e2e: ${name} in the middle of polling is retried after ${intervals} interval(s) and the token arrives`, async () => {
    const r = await running();
    let injectedAt = 0;
    const outcomes = new Map<number, string | undefined>(); // attempt → what that request produced
    const { token, error } = await poll(r, {
      onPoll: (event) => {
        outcomes.set(event.attempt, event.lastOutcome);
        // onPoll runs before every wait, a re-sleep after an early timer included: inject once.
        if (event.attempt === 1 && injectedAt === 0) {
          injectedAt = Date.now();
          r.server.injectFaults(fault);
          r.server.approve(r.device.user_code);
        }
      },
    });
    assert.equal(error, undefined, String(error));
    assert.ok(token?.access_token);
    const times = tokenRequests(r).map((q) => q.time);
    // Normally: pending, the fault, the token. A real network may add a transient fault of its own.
    const faulty = times.findIndex((t) => t > injectedAt);
    assert.ok(faulty >= 1 && times.length >= faulty + 2, `${times.length} requests, outcomes ${[...outcomes].join(' ')}`);
    const wait = times[faulty + 1]! - times[faulty]!;
    assert.ok(wait >= intervals * INTERVAL * 1000 - TOLERANCE, `${wait}`);
    assert.equal(outcomes.get(faulty + 1), intervals === 1 ? 'pending' : 'transient', [...outcomes].join(' '));
  });
}
