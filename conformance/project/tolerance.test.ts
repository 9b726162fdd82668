// Our own tolerance rows: real-world deviations accepted by default because accepting them can
// never turn a failure into a false success.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { deviceBody, harness, json, scriptedConfig, pollUntilApproved } from '../support/harness.js';

test('dg:tolerance:error-in-200 a 200 from the device authorization endpoint with an error member is that OAuth error, even with a complete device body', async () => {
  for (const error of ['invalid_client', 'invalid_scope', 'unknown_code']) {
    const { config, fetch } = scriptedConfig(() => json({ ...deviceBody(), error, error_description: 'nope', error_uri: 'https://as.example.test/e' }));
    const rejected = await initiateDeviceAuthorization(config).then(
      () => assert.fail('a 200 with an error member must not succeed'),
      (e: unknown) => e,
    );
    assert.ok(rejected instanceof ResponseBodyError, String(rejected));
    assert.equal(rejected.error, error);
    assert.equal(rejected.error_description, 'nope');
    assert.equal(rejected.error_uri, 'https://as.example.test/e');
    assert.equal(rejected.status, 200);
    assert.equal(fetch.calls.length, 1);
  }
});

test('dg:tolerance:error-in-200 a 200 whose error member is not a string is refused at the device authorization endpoint, never a success', async () => {
  for (const error of [null, 42, { code: 'x' }, ['invalid_client']]) {
    const { config } = scriptedConfig(() => json({ ...deviceBody(), error }));
    const outcome = await initiateDeviceAuthorization(config).catch((e: unknown) => e);
    assert.ok(outcome instanceof ClientError, `${JSON.stringify(error)}: ${String(outcome)}`);
    assert.equal(outcome.code, 'OAUTH_INVALID_RESPONSE');
  }
});

test('dg:tolerance:error-in-200 GitHub-style 200 authorization_pending polls go on, and the flow completes once approved', async () => {
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  h.server.injectFaults({ kind: 'pending-200' }, { kind: 'pending-200' }, { kind: 'pending-200' });
  const token = await pollUntilApproved(h, device, { approveAfter: 4 });
  assert.equal(typeof token.access_token, 'string');
  const tokenRequests = h.server.requests.filter((r) => r.endpoint === 'token');
  assert.ok(tokenRequests.length >= 4, `${tokenRequests.length} polls`);
});

test('dg:tolerance:error-in-200 at the token endpoint a 200 with slow_down slows down and a 200 with a terminal code ends polling with that error', async () => {
  const clock = createFakeClock({ autoAdvance: true });
  const times: number[] = [];
  const answers = [
    json({ error: 'authorization_pending' }),
    json({ error: 'slow_down' }),
    json({ error: 'authorization_pending' }),
    json({ error: 'access_denied', error_description: 'the user said no', access_token: 'AT-should-not-count', token_type: 'Bearer' }),
  ];
  const { config } = scriptedConfig((_url, _init, index) => {
    times.push(clock.now());
    return answers[index] ?? json({ access_token: 'late', token_type: 'Bearer' });
  });
  const device = { device_code: 'dc-200', user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 600, interval: 1 };
  const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep }).then(
    () => assert.fail('access_denied in a 200 must not succeed, even with an access_token beside it'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ResponseBodyError, String(error));
  assert.equal(error.error, 'access_denied');
  assert.equal(error.status, 200);
  assert.equal(error.error_description, 'the user said no');
  assert.equal(times.length, 4, 'polling stopped at the terminal error');
  // pending: +1 s; slow_down made it 6 s for the next waits.
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.deepEqual(gaps, [1000, 6000, 6000]);
});

test('dg:tolerance:error-in-200 at the token endpoint a 200 with expired_token or an unknown code is terminal, never a token', async () => {
  for (const code of ['expired_token', 'invalid_grant', 'some_vendor_error']) {
    const clock = createFakeClock({ autoAdvance: true });
    const { config, fetch } = scriptedConfig(() => json({ error: code, access_token: 'AT', token_type: 'Bearer' }));
    const device = { device_code: `dc-${code}`, user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 600, interval: 1 };
    const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e);
    assert.ok(error instanceof ResponseBodyError, `${code}: ${String(error)}`);
    assert.equal(error.error, code);
    assert.equal(fetch.calls.length, 1);
  }
  // A non-string error member beside an access_token is refused, not taken as a success.
  const clock = createFakeClock({ autoAdvance: true });
  const { config } = scriptedConfig(() => json({ error: 7, access_token: 'AT', token_type: 'Bearer' }));
  const device = { device_code: 'dc-7', user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 600, interval: 1 };
  const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e);
  assert.ok(error instanceof ClientError);
  assert.equal(error.code, 'OAUTH_INVALID_RESPONSE');
});
