// RFC 8628 §3.2 interval (default and minimum) and §3.3 polling only while the codes are valid,
// against the conformance authorization server (in process, fake clock, timing tolerance 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { harness } from '../support/harness.js';
import { gaps } from '../support/polling-side.js';

const S = 1000;

test('rfc8628:3.2:interval-default without an interval in the response the client polls every 5 s, the pace the server enforces', async () => {
  const h = harness({ autoAdvance: true, sendInterval: false });
  const t0 = h.clock.now();
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  assert.equal(device.interval, undefined);
  const token = await pollDeviceAuthorizationGrant(h.config, device, undefined, {
    now: h.clock.now,
    sleep: h.clock.sleep,
    onPoll: (event) => {
      assert.equal(event.interval, 5);
      if (event.attempt === 3) h.server.approve(device.user_code);
    },
  });
  assert.ok(token.access_token);
  const times = h.server.requests.filter((r) => r.endpoint === 'token').map((r) => r.time);
  assert.deepEqual(times.map((t) => (t - t0) / S), [5, 10, 15, 20]);
  assert.equal(h.server.grants.get(device.device_code)?.interval, 5, 'never slow_down');
});

test('rfc8628:3.2:interval-minimum consecutive polls are at least the response interval apart, whole or fractional', async () => {
  for (const interval of [3, 0.2, 12.5]) {
    const h = harness({ autoAdvance: true, interval });
    const t0 = h.clock.now();
    const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
    assert.equal(device.interval, interval);
    const token = await pollDeviceAuthorizationGrant(h.config, device, undefined, {
      now: h.clock.now,
      sleep: h.clock.sleep,
      onPoll: (event) => {
        if (event.attempt === 4) h.server.approve(device.user_code);
      },
    });
    assert.ok(token.access_token);
    const times = h.server.requests.filter((r) => r.endpoint === 'token').map((r) => r.time);
    assert.equal(times.length, 5);
    assert.ok(times[0]! - t0 >= interval * S - 1e-6);
    for (const gap of gaps(times)) assert.ok(gap >= interval * S - 1e-6, `${interval}: ${gap}`);
    assert.equal(h.server.grants.get(device.device_code)?.interval, interval, 'never slow_down');
  }
});

test('rfc8628:3.3:stop-at-expiry polling stops when expires_in has passed since the response arrived: no request then or later, and the typed local-expiry error', async () => {
  const h = harness({ autoAdvance: true, interval: 4, expiresIn: 30 });
  const t0 = h.clock.now();
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  await h.clock.sleep(10 * S); // the caller shows the code for a while before polling
  await assert.rejects(
    pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }),
    (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_TIMEOUT' && error.error === 'expired_token',
  );
  assert.equal(h.clock.now(), t0 + 30 * S, 'the flow ends exactly at the deadline');
  const times = h.server.requests.filter((r) => r.endpoint === 'token').map((r) => r.time);
  assert.ok(times.length > 0);
  assert.ok(times.every((t) => t < t0 + 30 * S));
  assert.equal(h.server.grants.get(device.device_code)?.expired, true);
  await h.clock.sleep(600 * S);
  assert.equal(h.server.requests.filter((r) => r.endpoint === 'token').length, times.length);
});
