// The polling driver's call signature, as openid-client v6 has it: the parameters go on every token
// request, a bad response argument is an argument error before any request, DPoP is refused, and a
// custom ClientAuth runs once per request. Scripted token endpoint, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Configuration, customFetch, pollDeviceAuthorizationGrant, type PollingState } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { deviceBody } from '../support/harness.js';
import { DEVICE_CODE, T0, initiate, networkError, pending, run, script, slowDown, tokenResponse } from '../support/polling-side.js';

const S = 1000;

test('dg:compat:poll-signature pollDeviceAuthorizationGrant(config, response, parameters, options) sends the parameters on every token request', async () => {
  for (const parameters of [
    { resource: ['https://api.example/a', 'https://api.example/b'], audience: 'x y' },
    new URLSearchParams([['resource', 'https://api.example/a'], ['resource', 'https://api.example/b'], ['audience', 'x y']]),
  ]) {
    const s = script([pending(), slowDown(), tokenResponse()]);
    const device = await initiate(s);
    const result = await run(s, device, { signal: new AbortController().signal }, parameters);
    assert.equal(result.token?.access_token, 'at-secret-0001');
    assert.equal(s.tokenCalls.length, 3);
    for (const call of s.tokenCalls) {
      assert.deepEqual(call.form.getAll('resource'), ['https://api.example/a', 'https://api.example/b']);
      assert.equal(call.form.get('audience'), 'x y');
      assert.equal(call.form.get('device_code'), DEVICE_CODE);
      assert.equal(call.init.method, 'POST');
    }
  }
});

test('dg:compat:poll-signature a bad response argument is a TypeError with ERR_INVALID_ARG_* before any request; a response built by hand counts from the call', async () => {
  const s = script([]);
  const bad: Array<[unknown, string]> = [
    [null, 'ERR_INVALID_ARG_TYPE'],
    ['x', 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), device_code: '' }, 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), device_code: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), expires_in: 0 }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), expires_in: '600' }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), expires_in: Number.POSITIVE_INFINITY }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), interval: -1 }, 'ERR_INVALID_ARG_VALUE'], // 0 is floored (dg:polling:interval-floor)
    [{ ...deviceBody(), interval: Number.NaN }, 'ERR_INVALID_ARG_VALUE'],
  ];
  for (const [response, code] of bad) {
    await assert.rejects(
      pollDeviceAuthorizationGrant(s.config, response as never, undefined, { now: s.clock.now, sleep: s.clock.sleep }),
      (error: unknown) => error instanceof TypeError && (error as TypeError & { code: string }).code === code,
      JSON.stringify(response),
    );
  }
  assert.equal(s.tokenCalls.length, 0);
  // Not from initiateDeviceAuthorization: no recorded arrival, so the lifetime counts from the poll call.
  const clock = createFakeClock({ autoAdvance: true, start: T0 + 42 * S });
  const s2 = script([pending()], { clock });
  const result = await run(s2, deviceBody({ interval: 5, expires_in: 600 }) as never);
  assert.ok(result.token);
  assert.deepEqual(s2.tokenCalls.map((c) => c.time - T0), [47 * S, 52 * S]);
});

test('dg:dpop:handle-argument an options.DPoP that is not a DPoP handle is ERR_INVALID_ARG_TYPE before any request, in poll and in resume', async () => {
  const s = script([tokenResponse()]);
  const device = await initiate(s);
  for (const DPoP of [{}, null, 'handle', { proof: 'not a function' }] as never[]) {
    const result = await run(s, device, { DPoP });
    assert.ok(result.error instanceof TypeError);
    assert.equal((result.error as TypeError & { code: string }).code, 'ERR_INVALID_ARG_TYPE');
    assert.equal(result.sleeps.length, 0);
    const state: PollingState = { v: 1, phase: 'waiting', device_code: DEVICE_CODE, interval: 5, deadline: T0 + 600 * S, wakeAt: T0, failures: 0, polls: 0, backoffCap: 60 };
    const resumed = await run(s, undefined, { DPoP, resumeFrom: state });
    assert.equal((resumed.error as TypeError & { code: string }).code, 'ERR_INVALID_ARG_TYPE');
  }
  assert.equal(s.tokenCalls.length, 0);
});

test('dg:compat:client-auth-every-request a ClientAuth that appends a fresh client_assertion each time: every token request carries exactly one, and no two are the same', async () => {
  const s = script([pending(), slowDown(), networkError, pending(), tokenResponse()]);
  const device = await initiate(s);
  let n = 0;
  // append, not set: a body reused from one request to the next would pile the assertions up.
  const config = new Configuration(s.config.serverMetadata(), 'client', undefined, (_as, client, body) => {
    n += 1;
    body.append('client_id', client.client_id);
    body.append('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.append('client_assertion', 'a' + n);
  });
  config[customFetch] = s.config[customFetch];
  const result = await run({ ...s, config }, device);
  assert.ok(result.token, String(result.error));
  assert.equal(s.tokenCalls.length, 5);
  assert.equal(n, 5);
  const assertions = s.tokenCalls.map((c) => c.form.getAll('client_assertion'));
  assert.deepEqual(assertions, [['a1'], ['a2'], ['a3'], ['a4'], ['a5']]);
  assert.equal(new Set(assertions.flat()).size, s.tokenCalls.length, 'all different');
  for (const call of s.tokenCalls) {
    assert.deepEqual(call.form.getAll('client_id'), ['client']);
    assert.deepEqual(call.form.getAll('client_assertion_type'), ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer']);
    assert.deepEqual(call.form.getAll('device_code'), [DEVICE_CODE]);
    assert.deepEqual(call.form.getAll('grant_type'), ['urn:ietf:params:oauth:grant-type:device_code']);
  }
});
