// RFC 8628 §3.5 through the polling driver over a scripted token endpoint (fake clock): pending,
// slow_down, every other error code and expired_token as they arrive on the wire, and a raised
// interval that survives an abort and a new poll of the same response.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseBodyError, WWWAuthenticateChallengeError, initiateDeviceAuthorization, pollDeviceAuthorizationGrant, type PollEvent, type PollingState } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { json, deviceBody, scriptedConfig, isCode } from '../support/harness.js';
import { gaps, initiate, oauthError, pending, raw, run, script, slowDown, tokenResponse, flow } from '../support/polling-side.js';

const S = 1000;

test('rfc8628:3.5:slow-down dg:polling:slow-down-server-interval over the wire: slow_down adds 5 s cumulatively; a larger interval (number or strict string) wins; a malformed one is ignored', async () => {
  const added = await flow([slowDown(), pending(), slowDown(), pending(), tokenResponse()]);
  assert.deepEqual(gaps(added.times).map((ms) => ms / S), [10, 10, 15, 15]);
  for (const interval of [30, '30', 30.5]) {
    const larger = await flow([slowDown({ interval }), pending(), tokenResponse()]);
    assert.deepEqual(gaps(larger.times).map((ms) => ms / S), [Number(interval), Number(interval)], String(interval));
  }
  for (const interval of [-1, 0, 'NaN', '5abc', '1e3', '', true, null, { n: 30 }]) {
    const ignored = await flow([slowDown({ interval }), tokenResponse()]);
    assert.deepEqual(gaps(ignored.times), [10 * S], JSON.stringify(interval));
  }
  const infinite = await flow([raw(400, '{"error":"slow_down","interval":1e400}', { 'content-type': 'application/json' }), tokenResponse()]);
  assert.deepEqual(gaps(infinite.times), [10 * S]);
});

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval over the wire: pending answers (400, 200 and 5xx alike) lead to another request after exactly the interval in force', async () => {
  const { times, token } = await flow([
    pending(),
    json({ error: 'authorization_pending' }, 200),
    json({ error: 'authorization_pending' }, 503),
    slowDown(),
    pending(),
    tokenResponse(),
  ]);
  assert.ok(token);
  assert.deepEqual(gaps(times).map((ms) => ms / S), [5, 5, 5, 10, 10]);
});

test('rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error every other error code ends polling after exactly one request, with error, error_description and error_uri intact', async () => {
  const codes: Array<[string, number]> = [
    ['access_denied', 400],
    ['expired_token', 400],
    ['invalid_grant', 400],
    ['invalid_client', 401],
    ['unauthorized_client', 400],
    ['unsupported_grant_type', 400],
    ['invalid_scope', 400],
    ['invalid_target', 400],
    ['invalid_request', 400],
    ['Authorization_Pending', 400],
    ['SLOW_DOWN', 400],
    ['vendor_x', 400],
    ['access_denied', 200],
    ['vendor_x', 403],
  ];
  for (const [code, status] of codes) {
    const extra = { error_description: `because ${code}`, error_uri: `https://as.example.test/errors/${code}` };
    const result = await flow([oauthError(code, status, extra)], {}, () => tokenResponse());
    assert.equal(result.times.length, 1, code);
    assert.ok(result.error instanceof ResponseBodyError, code);
    assert.equal(result.error.code, 'OAUTH_RESPONSE_BODY_ERROR');
    assert.equal(result.error.error, code);
    assert.equal(result.error.error_description, `because ${code}`);
    assert.equal(result.error.error_uri, `https://as.example.test/errors/${code}`);
    assert.equal(result.error.status, status);
    assert.deepEqual(result.error.cause, { error: code, ...extra });
    assert.equal(result.states.at(-1)?.phase, 'failed');
  }
});

test('rfc8628:3.5:stop-on-other-error a 401 invalid_client with a WWW-Authenticate challenge ends polling with WWWAuthenticateChallengeError', async () => {
  const reply = json({ error: 'invalid_client', error_description: 'bad secret' }, 401, { 'www-authenticate': 'Basic realm="as", error="invalid_client"' });
  const result = await flow([reply], {}, () => tokenResponse());
  assert.ok(result.error instanceof WWWAuthenticateChallengeError);
  assert.equal(result.error.error, 'invalid_client');
  assert.equal(result.error.error_description, 'bad secret');
  assert.equal(result.error.status, 401);
  assert.equal(result.times.length, 1);
});

test('rfc8628:3.5:expired-token-restart after expired_token the caller can start over with a new initiateDeviceAuthorization and a new poll', async () => {
  const s = script([oauthError('expired_token'), pending(), tokenResponse()]);
  const first = await run(s, await initiate(s));
  assert.equal((first.error as ResponseBodyError).error, 'expired_token');
  const second = await initiate(s);
  assert.equal(s.deviceCalls, 2);
  const result = await run(s, second);
  assert.equal(result.token?.access_token, 'at-secret-0001');
});

test('rfc8628:3.5:slow-down dg:polling:repoll-resumes polling the same response again after an abort keeps the raised interval and never polls early', async () => {
  const times: number[] = [];
  const clock = createFakeClock({ autoAdvance: true });
  const answers = [json({ error: 'slow_down' }, 400), json({ error: 'authorization_pending' }, 400), json({ access_token: 'at', token_type: 'Bearer' })];
  const { config } = scriptedConfig((url) => {
    if (!url.endsWith('/token')) return json(deviceBody());
    times.push(clock.now());
    return answers.shift() ?? json({ error: 'invalid_grant' }, 400);
  });
  const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
  const controller = new AbortController();
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, device, undefined, {
      now: clock.now,
      sleep: clock.sleep,
      signal: controller.signal,
      onPoll: (event) => {
        if (event.lastOutcome === 'slow_down') controller.abort();
      },
    }),
    isCode('OAUTH_ABORT'),
  );
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  assert.equal(token.access_token, 'at');
  assert.equal(times.length, 3);
  assert.ok(times[1]! - times[0]! >= 10 * S, `after slow_down the interval is 10 s, got ${times[1]! - times[0]!}`);
  assert.ok(times[2]! - times[1]! >= 10 * S, 'and it stays raised');
});

test('rfc8628:3.5:slow-down rfc8628:3.5:wait-interval dg:polling:repoll-resumes polling the same response again after a terminal error waits the raised interval from that error\'s answer and keeps it; after a token nothing is remembered', async () => {
  const times: number[] = [];
  const clock = createFakeClock({ autoAdvance: true });
  // slow_down (interval 5 → 10 s), then a WAF's HTML 403 (terminal); then pending, pending, a token.
  const answers = [
    json({ error: 'slow_down' }, 400),
    new Response('<html>blocked</html>', { status: 403 }),
    json({ error: 'authorization_pending' }, 400),
    json({ error: 'authorization_pending' }, 400),
    json({ access_token: 'at', token_type: 'Bearer' }),
    json({ access_token: 'at-2', token_type: 'Bearer' }),
  ];
  const { config } = scriptedConfig((url) => {
    if (!url.endsWith('/device_authorization')) times.push(clock.now());
    return url.endsWith('/device_authorization') ? json(deviceBody()) : answers.shift()!;
  });
  const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
  const first: PollingState[] = [];
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep, onState: (state) => first.push(state) }),
    isCode('OAUTH_RESPONSE_IS_NOT_CONFORM'),
  );
  // The failed state says when the next request may go: one raised interval after the 403.
  assert.deepEqual({ phase: first.at(-1)?.phase, interval: first.at(-1)?.interval, wakeAt: first.at(-1)?.wakeAt }, { phase: 'failed', interval: 10, wakeAt: times[1]! + 10 * S });
  const events: PollEvent[] = [];
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep, onPoll: (event) => events.push(event) });
  assert.equal(token.access_token, 'at');
  // Requests at 0 and 10 s (first call), then 20, 30 and 40 s: never sooner than 10 s after the last answer.
  assert.deepEqual(times.map((t) => (t - times[0]!) / S), [0, 10, 20, 30, 40]);
  // A new flow: its poll count starts from zero, and its first wait ends one raised interval after the 403.
  assert.deepEqual(events[0], { attempt: 0, interval: 10, remaining: (device.expires_in * S - (times[1]! - times[0]! + 5 * S)) / S, nextPollAt: times[1]! + 10 * S });
  // After the token, a new call starts afresh from the response's own interval.
  const again: PollEvent[] = [];
  assert.equal((await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep, onPoll: (event) => again.push(event) })).access_token, 'at-2');
  assert.equal(again[0]?.interval, 5);
  assert.equal(again[0]?.attempt, 0);
});
