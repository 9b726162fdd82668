// RFC 8628 §3.5 end to end over real loopback HTTP: the conformance server on node:http, the library
// with the platform's fetch and its own timers. Intervals are 0.1 s; timing assertions are lower
// bounds with a 100 ms tolerance, and the server itself answers slow_down to any early poll.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError } from '../../lib/index.js';
import { CLIENT, INTERVAL, TOLERANCE, poll, running, tokenRequests } from '../support/e2e-side.js';
import { gaps } from '../support/polling-side.js';

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval e2e: the user approves after a few polls and the token (with a checked ID token) arrives', async () => {
  const r = await running();
  const { token, error } = await poll(r, {
    signal: new AbortController().signal, // a live signal that never fires changes nothing
    onPoll: (event) => {
      if (event.attempt === 3) r.server.approve(r.device.user_code, 'alice');
    },
  });
  assert.equal(error, undefined, String(error));
  assert.ok(token);
  assert.equal(token.token_type, 'bearer');
  assert.equal(token.scope, 'openid profile');
  assert.equal(token.claims()?.sub, 'alice');
  assert.equal(token.claims()?.aud, CLIENT);
  assert.ok(token.expiresIn()! > 3500);
  const times = tokenRequests(r).map((q) => q.time);
  assert.equal(times.length, 4);
  for (const gap of gaps(times)) assert.ok(gap >= INTERVAL * 1000 - TOLERANCE, `${gap}`);
  assert.equal(r.server.grants.get(r.device.device_code)?.interval, INTERVAL, 'the server never had to send slow_down');
});

test('rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error e2e: the user denies and polling stops with access_denied', async () => {
  const r = await running();
  const { error } = await poll(r, {
    onPoll: (event) => {
      if (event.attempt === 1) r.server.deny(r.device.user_code);
    },
  });
  assert.ok(error instanceof ResponseBodyError);
  assert.equal(error.error, 'access_denied');
  assert.equal(error.error_description, 'the user denied the request');
  assert.equal(tokenRequests(r).length, 2);
});

test('rfc8628:3.5:slow-down e2e: a forced slow_down adds 5 s, so with a 1 s lifetime the next poll never comes and the flow expires', async () => {
  const r = await running({ expiresIn: 1 });
  r.server.forceSlowDown(1);
  r.server.approve(r.device.user_code);
  const intervals: number[] = [];
  const { error } = await poll(r, { onPoll: (event) => intervals.push(event.interval) });
  const elapsed = performance.now() - r.started;
  assert.equal((error as ClientError).code, 'OAUTH_TIMEOUT');
  assert.equal((error as ClientError).error, 'expired_token');
  assert.equal(tokenRequests(r).length, 1, 'the slowed-down interval (5.1 s) outlasts the lifetime');
  // onPoll runs before every wait (a re-sleep after a timer that fired a little early included).
  assert.deepEqual([...new Set(intervals)], [INTERVAL, INTERVAL + 5]);
  assert.ok(elapsed >= 1000 - TOLERANCE, `${elapsed}`);
});

test('rfc8628:3.5:timeout-backoff dg:polling:transient-classes e2e: a server that hangs is cut off by config.timeout, and the retry waits 2·interval', async () => {
  const r = await running();
  r.config.timeout = 0.3;
  let injected = false;
  const { token, error } = await poll(r, {
    onPoll: (event) => {
      if (event.attempt === 1 && !injected) {
        injected = true;
        r.server.injectFaults({ kind: 'hang' });
        r.server.approve(r.device.user_code);
      }
    },
  });
  assert.equal(error, undefined, String(error));
  assert.ok(token?.access_token);
  const times = tokenRequests(r).map((q) => q.time);
  assert.ok(times.length >= 3);
  assert.ok(times[2]! - times[1]! >= 300 + 2 * INTERVAL * 1000 - TOLERANCE, `${times[2]! - times[1]!}`);
});
