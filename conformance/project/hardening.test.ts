// Hostile servers and careless callers: each case here once got through, and must not again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ResponseBodyError,
  customFetch,
  discovery,
  initialState,
  initiateDeviceAuthorization,
  parsePollingState,
  pollDeviceAuthorizationGrant,
  step,
  type CustomFetch,
  type DeviceAuthorizationResponse,
  type PollingState,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, DEVICE_CODE_PREFIX, ISSUER, deviceBody, json, scriptedConfig, isCode } from '../support/harness.js';

const S = 1000;

/** A Response from another fetch implementation: not the global class, but a Response by its tag. */
function foreignResponse(body: string, status: number): Response {
  const real = new Response(body, { status, headers: { 'content-type': 'application/json' } });
  const foreign = Object.create(real) as Response;
  Object.defineProperty(foreign, Symbol.toStringTag, { value: 'Response' });
  for (const key of ['status', 'headers', 'body', 'type'] as const) Object.defineProperty(foreign, key, { value: real[key] });
  assert.equal(foreign instanceof Response, true); // prototype chain: make it fail instanceof for real
  Object.setPrototypeOf(foreign, Object.prototype);
  assert.equal(foreign instanceof Response, false);
  return foreign;
}

test('dg:compat:customfetch-shape a Response from another fetch implementation (no instanceof) is accepted', async () => {
  const { config } = scriptedConfig(() => foreignResponse(JSON.stringify(deviceBody()), 200));
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
  assert.equal(device.user_code, 'WDJB-MJHT');
  const { config: other } = scriptedConfig(() => ({ status: 200 }) as unknown as Response);
  await assert.rejects(initiateDeviceAuthorization(other), isCode('OAUTH_INVALID_RESPONSE'));
});

test('dg:security:wrong-types-rejected rfc6749:10.14:validate-input a body nested deeper than 64 levels is a typed error, never a stack overflow', async () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const { config } = scriptedConfig(() => new Response(`{"error":"invalid_grant","x":${deep}}`, { status: 400, headers: { 'content-type': 'application/json' } }));
  await assert.rejects(initiateDeviceAuthorization(config), (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  const shallow = '['.repeat(63) + ']'.repeat(63); // with the outer object: exactly 64 levels
  const { config: ok } = scriptedConfig(() => json({ ...deviceBody(), x: JSON.parse(shallow) as unknown }));
  assert.equal((await initiateDeviceAuthorization(ok)).user_code, 'WDJB-MJHT');
  const { config: tooDeep } = scriptedConfig(() => new Response(`{"device_code":"d","x":${'['.repeat(64)}${']'.repeat(64)}}`, { status: 200, headers: { 'content-type': 'application/json' } }));
  await assert.rejects(initiateDeviceAuthorization(tooDeep), isCode('OAUTH_INVALID_RESPONSE'));
  const metadata: CustomFetch = async () => new Response(`{"issuer":"${ISSUER}","x":${deep}}`, { headers: { 'content-type': 'application/json' } });
  await assert.rejects(discovery(new URL(ISSUER), CLIENT_ID, undefined, undefined, { [customFetch]: metadata }), isCode('OAUTH_INVALID_RESPONSE'));
});

test('dg:security:echoed-secret-redaction a secret echoed as a member name is redacted too', async () => {
  const { config } = scriptedConfig((_url, init) => {
    const code = new URLSearchParams(init.body ?? '').get('device_code') ?? 'none';
    return json({ error: 'invalid_grant', details: { [code]: 'seen' } }, 400);
  });
  const clock = createFakeClock({ autoAdvance: true });
  const error = await pollDeviceAuthorizationGrant(config, deviceBody() as unknown as DeviceAuthorizationResponse, undefined, {
    now: clock.now,
    sleep: clock.sleep,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof ResponseBodyError);
  assert.equal(JSON.stringify(error.cause).includes(DEVICE_CODE_PREFIX), false, JSON.stringify(error.cause));
  assert.deepEqual(Object.values(error.cause['details'] as object), ['seen']);
});

test('dg:compat:timeout-default a timeout beyond what a timer can hold is clamped, not fired at once', async () => {
  let signalled = false;
  const { config } = scriptedConfig(async (_url, init) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    signalled = init.signal.aborted;
    return json(deviceBody());
  });
  config.timeout = 3e6; // 3e9 ms: setTimeout would fire after 1 ms
  assert.equal((await initiateDeviceAuthorization(config)).user_code, 'WDJB-MJHT');
  assert.equal(signalled, false);
});

test('rfc8414:3.3:issuer-match a metadata URL given as-is accepts an issuer that had a trailing slash before appending', async () => {
  for (const issuer of [`${ISSUER}/tenant`, `${ISSUER}/tenant/`]) {
    const fetch: CustomFetch = async () => json({ issuer, token_endpoint: `${ISSUER}/token` });
    const config = await discovery(new URL(`${ISSUER}/tenant/.well-known/openid-configuration`), CLIENT_ID, undefined, undefined, { [customFetch]: fetch });
    assert.equal(config.serverMetadata().issuer, issuer);
  }
  const other: CustomFetch = async () => json({ issuer: `${ISSUER}/tenant2`, token_endpoint: `${ISSUER}/token` });
  await assert.rejects(
    discovery(new URL(`${ISSUER}/tenant/.well-known/openid-configuration`), CLIENT_ID, undefined, undefined, { [customFetch]: other }),
    isCode('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'),
  );
});

test('dg:compat:arg-errors options that could shorten a wait are refused before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json({ error: 'authorization_pending' }, 400));
  const device = deviceBody() as unknown as DeviceAuthorizationResponse;
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ backoffCap: Number.NaN }, 'ERR_INVALID_ARG_VALUE'],
    [{ backoffCap: -1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ backoffCap: '60' }, 'ERR_INVALID_ARG_VALUE'],
    [{ sleep: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ now: 'now' }, 'ERR_INVALID_ARG_TYPE'],
    [{ onPoll: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ onState: true }, 'ERR_INVALID_ARG_TYPE'],
    [{ allowedTokenTypes: 'mac' }, 'ERR_INVALID_ARG_TYPE'],
    [{ allowedTokenTypes: [1] }, 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [options, code] of bad) {
    await assert.rejects(pollDeviceAuthorizationGrant(config, device, undefined, options as never), (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === code, JSON.stringify(options));
  }
  assert.equal(fetch.calls.length, 0);
});

test('dg:polling:first-poll-waits rfc8628:3.2:interval-default initialState refuses an interval or lifetime that would poll without waiting', () => {
  const base = { device_code: 'dc', expires_in: 600, receivedAt: 0 };
  // interval 0 is floored, not refused (dg:polling:interval-floor); a floor of 0 is refused.
  for (const extra of [{ minInterval: 0 }, { interval: -5 }, { interval: Number.NaN }, { expires_in: 0 }, { expires_in: Number.POSITIVE_INFINITY }, { receivedAt: Number.NaN }, { backoffCap: -1 }, { device_code: '' }]) {
    assert.throws(() => initialState({ ...base, ...extra }), (e: unknown) => e instanceof TypeError, JSON.stringify(extra));
  }
  assert.equal(initialState(base).wakeAt, 5 * S);
});

test('dg:polling:resume-no-early a saved state whose fields would shorten a wait is refused', () => {
  const good: PollingState = { v: 1, phase: 'waiting', device_code: 'dc', interval: 8, deadline: 600 * S, wakeAt: 8 * S, failures: 0, polls: 0, backoffCap: 60 };
  assert.equal(parsePollingState(good), good);
  assert.equal(parsePollingState({ ...good, phase: 'requesting', sentAt: 4 * S }).phase, 'requesting');
  for (const broken of [
    { failures: -3 },
    { failures: 1.5 },
    { polls: -1 },
    { backoffCap: -60 },
    { wakeAt: 601 * S },
    { sentAt: 4 * S },
    { phase: 'requesting' },
  ]) {
    assert.throws(() => parsePollingState({ ...good, ...broken }), isCode('OAUTH_INVALID_STATE'), JSON.stringify(broken));
  }
});

test('oidc:3.1.3.7:iss-match dg:polling:state-json a bad ID token ends the flow in a failed state, never a done one', async () => {
  const payload = Buffer.from(JSON.stringify({ iss: 'https://evil.example', sub: 's', aud: CLIENT_ID, exp: 4e9, iat: 1 })).toString('base64url');
  const { config } = scriptedConfig((url) =>
    url.endsWith('/token') ? json({ access_token: 'at', token_type: 'Bearer', id_token: `eyJhbGciOiJSUzI1NiJ9.${payload}.sig` }) : json(deviceBody()),
  );
  const clock = createFakeClock({ autoAdvance: true });
  const phases: string[] = [];
  const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep, onState: (s) => phases.push(s.phase) }),
    isCode('OAUTH_JWT_CLAIM_COMPARISON_FAILED'),
  );
  assert.equal(phases.at(-1), 'failed');
  assert.equal(phases.includes('done'), false);
  const ended = step(initialState({ device_code: 'dc', expires_in: 1, receivedAt: 0 }), { type: 'timer', now: 2 * S }).state;
  assert.equal(step(ended, { type: 'start', now: 3 * S }).state, ended, 'an ended state stays as it ended');
});

test('dg:polling:abort-immediate an abort ends the wait at once even when the injected sleep ignores its signal', async () => {
  const { config } = scriptedConfig(() => json({ error: 'authorization_pending' }, 400));
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, deviceBody() as unknown as DeviceAuthorizationResponse, undefined, {
      signal: controller.signal,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 3000))), // ignores the signal
    }),
    isCode('OAUTH_ABORT'),
  );
  assert.ok(performance.now() - started < 1500, 'the abort did not wait for the 3 s sleep');
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, deviceBody() as unknown as DeviceAuthorizationResponse, undefined, { signal: aborted.signal, sleep: () => new Promise(() => {}) }),
    isCode('OAUTH_ABORT'),
  );
});

test('dg:compat:timeout-default dg:security:body-size-cap a body that arrives after the timeout is dropped unread', async () => {
  let cancelled = false;
  let pulled = 0;
  const { config } = scriptedConfig(async () => {
    await new Promise((resolve) => setTimeout(resolve, 120)); // ignores its signal
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  });
  config.timeout = 0.02;
  await assert.rejects(initiateDeviceAuthorization(config), isCode('OAUTH_TIMEOUT'));
  for (let i = 0; i < 50 && !cancelled; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(cancelled, true, 'the late body was cancelled');
  assert.ok(pulled <= 1, `the late body was not read (${pulled} pulls)`);
});

test('dg:compat:arg-errors a discovery execute option that is not an array of functions is an argument error, before any request', async () => {
  let calls = 0;
  const fetch: CustomFetch = async () => {
    calls++;
    return json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` });
  };
  for (const execute of ['allowInsecureRequests', [1], {}]) {
    await assert.rejects(
      discovery(new URL(ISSUER), CLIENT_ID, undefined, undefined, { execute: execute as never, [customFetch]: fetch }),
      (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_TYPE',
    );
  }
  assert.equal(calls, 0);
});
