// RFC 8628 §3.5: device access token response — polling against the conformance authorization
// server (in process, fake clock, timing tolerance 0: a poll even 1 ms early gets slow_down).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ResponseBodyError,
  initiateDeviceAuthorization,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { harness, type Harness, type HarnessOptions } from '../support/harness.js';
import { gaps, runPoll, type RunResult } from '../support/polling-side.js';

const S = 1000;

async function start(options: HarnessOptions = {}): Promise<{ h: Harness; device: DeviceAuthorizationResponse; t0: number }> {
  const h = harness({ autoAdvance: true, ...options });
  const t0 = h.clock.now();
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  return { h, device, t0 };
}

/** Polls on the harness's fake clock to the end (the one runner, support/polling-side.ts runPoll). */
function poll(h: Harness, device: DeviceAuthorizationResponse, options: DeviceAuthorizationGrantPollOptions = {}): Promise<RunResult> {
  return runPoll(h.config, device, { clock: h.clock, ...options });
}

const tokenTimes = (h: Harness): number[] => h.server.requests.filter((r) => r.endpoint === 'token').map((r) => r.time);

test('rfc8628:3.5:pending-repeat while the server answers authorization_pending the client keeps polling, and the token arrives once the user approves', async () => {
  const { h, device } = await start({ interval: 2 });
  let polls = 0;
  const { token } = await poll(h, device, {
    onPoll: (event) => {
      polls = event.attempt;
      if (event.attempt === 6) h.server.approve(device.user_code);
    },
  });
  assert.ok(token, 'token after approval');
  assert.equal(polls, 6);
  assert.equal(tokenTimes(h).length, 7);
  const grant = h.server.grants.get(device.device_code);
  assert.equal(grant?.status, 'redeemed');
  assert.equal(grant?.interval, 2, 'the server never had to send slow_down');
});

test('rfc8628:3.5:wait-interval every request waits at least the interval in force, measured by the server that answers slow_down to an early poll', async () => {
  for (const interval of [1, 5, 0.2]) {
    const { h, device } = await start({ interval });
    const { token } = await poll(h, device, {
      onPoll: (event) => {
        if (event.attempt === 10) h.server.approve(device.user_code);
      },
    });
    assert.ok(token);
    for (const gap of gaps(tokenTimes(h))) assert.ok(gap >= interval * S - 1e-6, `${interval}: ${gap}`);
    assert.equal(h.server.grants.get(device.device_code)?.interval, interval, 'no slow_down was ever needed');
  }
});

test('rfc8628:3.5:slow-down slow_down raises the interval by 5 s for every later request, cumulatively, and the server never needs to repeat it', async () => {
  const { h, device, t0 } = await start({ interval: 1 });
  h.server.forceSlowDown(2);
  const { token } = await poll(h, device, {
    onPoll: (event) => {
      if (event.attempt === 5) h.server.approve(device.user_code);
    },
  });
  assert.ok(token);
  const times = tokenTimes(h);
  assert.equal(times[0], t0 + 1 * S);
  // Two forced slow_downs: 1 → 6 → 11 s, kept for every later request.
  assert.deepEqual(gaps(times).map((ms) => ms / S), [6, 11, 11, 11, 11]);
  assert.equal(h.server.grants.get(device.device_code)?.interval, 11, 'exactly the two forced slow_downs');
});

test('rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error access_denied from the server ends polling at once and surfaces error and error_description', async () => {
  const { h, device } = await start({ interval: 1 });
  const { error } = await poll(h, device, {
    onPoll: (event) => {
      if (event.attempt === 2) h.server.deny(device.user_code);
    },
  });
  assert.ok(error instanceof ResponseBodyError);
  assert.equal(error.error, 'access_denied');
  assert.equal(error.error_description, 'the user denied the request');
  assert.equal(error.status, 400);
  const count = tokenTimes(h).length;
  assert.equal(count, 3);
  await h.clock.sleep(60 * S);
  assert.equal(tokenTimes(h).length, count, 'nothing after the error');
});

test('rfc8628:3.5:stop-on-other-error invalid_grant for an unknown or already redeemed device_code ends polling after one request', async () => {
  const { h, device } = await start({ interval: 1 });
  const unknown = { ...device, device_code: 'not-issued-by-this-server' };
  const first = await poll(h, unknown);
  assert.equal((first.error as ResponseBodyError).error, 'invalid_grant');
  assert.equal(tokenTimes(h).length, 1);
  h.server.approve(device.user_code);
  assert.ok((await poll(h, device)).token);
  const again = await poll(h, device);
  assert.equal((again.error as ResponseBodyError).error, 'invalid_grant');
  assert.equal(tokenTimes(h).length, 3);
});

test('rfc8628:3.5:expired-token-restart rfc8628:3.5:expired-token-wait-user after expiry nothing restarts on its own; the caller starts a new authorization and polls it', async () => {
  const { h, device } = await start({ interval: 1, expiresIn: 5 });
  const first = await poll(h, device);
  assert.ok(first.error instanceof ClientError);
  assert.equal(first.error.code, 'OAUTH_TIMEOUT');
  assert.equal(first.error.error, 'expired_token');
  await h.clock.sleep(600 * S);
  assert.equal(h.server.requests.filter((r) => r.endpoint === 'device').length, 1, 'no automatic restart');
  const second = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  assert.notEqual(second.device_code, device.device_code);
  h.server.approve(second.user_code);
  const { token } = await poll(h, second);
  assert.ok(token);
  assert.equal(h.server.requests.filter((r) => r.endpoint === 'device').length, 2);
});

test('rfc8628:3.5:timeout-backoff after a connection timeout (the server hangs) the next poll waits longer than the interval', async () => {
  const { h, device } = await start({ interval: 2 });
  h.config.timeout = 0.05; // real time: the hang is cut after 50 ms
  h.server.injectFaults({ kind: 'hang' });
  const { token } = await poll(h, device, {
    onPoll: (event) => {
      if (event.attempt === 2) h.server.approve(device.user_code);
    },
  });
  assert.ok(token);
  const g = gaps(tokenTimes(h));
  assert.ok(g[0]! > 2 * S, `${g[0]}`);
  assert.equal(g[0], 4 * S);
  assert.equal(h.server.grants.get(device.device_code)?.interval, 2);
});

test('rfc8628:3.5:exponential-backoff consecutive connection failures double the wait each time', async () => {
  const { h, device } = await start({ interval: 1, expiresIn: 600 });
  h.server.injectFaults({ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' });
  h.server.approve(device.user_code);
  const { token } = await poll(h, device);
  assert.ok(token);
  assert.deepEqual(gaps(tokenTimes(h)).map((ms) => ms / S), [2, 4, 8, 16]);
});
