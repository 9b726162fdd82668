// The adversarial review's findings (issue "Hardening"), one test each: every one of these failed
// before its fix. Scripted servers behind customFetch, on a fake clock unless real time matters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  ClientError,
  ClientSecretBasic,
  Configuration,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  discovery,
  initialState,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  step,
  type CustomFetch,
  type DeviceAuthorizationGrantPollOptions,
  type PollingState,
} from '../../lib/index.js';
import { redactDeep } from '../../lib/oauth/redact.js';
import { boundState } from '../../lib/device/polling-machine.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, DEVICE_CODE_PREFIX, ISSUER, deviceBody, formOf, json, scriptedConfig, type AuthKind } from '../support/harness.js';

const S = 1000;
type Reply = (body: URLSearchParams, index: number, init: Parameters<CustomFetch>[1]) => Response | Promise<Response>;

/** A flow over a scripted server: the device response, then `token` answers each poll (index from 0). */
async function flow(token: Reply, options: { auth?: AuthKind; secret?: string; device?: Record<string, unknown>; poll?: DeviceAuthorizationGrantPollOptions } = {}) {
  const clock = createFakeClock({ autoAdvance: true });
  const times: number[] = [];
  let polls = 0;
  const { config, fetch } = scriptedConfig((url, init) => {
    if (url.endsWith('/device_authorization')) return json(deviceBody(options.device));
    times.push(clock.now());
    return token(formOf(init.body), polls++, init);
  }, options.auth ?? 'none');
  const secretConfig =
    options.secret === undefined ? config : new Configuration(config.serverMetadata(), CLIENT_ID, options.secret, options.auth === 'basic' ? ClientSecretBasic() : undefined);
  secretConfig[customFetch] = fetch;
  const device = await initiateDeviceAuthorization(secretConfig, undefined, { now: clock.now });
  const result = await pollDeviceAuthorizationGrant(secretConfig, device, undefined, { now: clock.now, sleep: clock.sleep, ...options.poll }).then(
    (value) => ({ token: value, error: undefined as unknown }),
    (error: unknown) => ({ token: undefined, error }),
  );
  return { ...result, times, clock, fetch, device };
}

/** Every text an error shows: message, JSON, inspection (causes included). */
function shown(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 20 }), JSON.stringify((error as { cause?: unknown }).cause)].join('\n');
}

const lowerHex = (text: string): string => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const allEncoded = (text: string): string => [...new TextEncoder().encode(text)].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
const spellingsOf = (secret: string): string[] => [
  encodeURIComponent(secret), // !'()* raw, space as %20
  lowerHex(secret),
  escape(secret), // Latin-1 %A3, %u20AC
  encodeURIComponent(secret).replace(/%20/g, '+'),
  allEncoded(secret), // every octet, unreserved ones too
];

test('dg:security:encoded-secret-redaction rfc8628:5.2:device-code-secret every spelling of the client_secret and device_code that decodes to it is redacted from error_description, the cause, JSON and inspection', async () => {
  const secrets = [CLIENT_SECRET, `${DEVICE_CODE_PREFIX}1`];
  for (const secret of secrets) {
    for (const spelled of spellingsOf(secret)) {
      assert.notEqual(spelled, secret);
      const { error } = await flow(() => json({ error: 'invalid_grant', error_description: `echo ${spelled} end`, details: [spelled] }, 400), { auth: 'post' });
      assert.ok(error instanceof ResponseBodyError, String(error));
      assert.equal(error.error_description, 'echo [REDACTED] end', spelled);
      const text = shown(error);
      for (const s of [secret, ...spellingsOf(secret)]) assert.ok(!text.includes(s), `${spelled} → ${s}`);
    }
  }
});

test('dg:security:error-code-verbatim a short secret inside access_denied, slow_down or invalid_client never rewrites the code; an unknown code is still redacted', async () => {
  const denied = await flow(() => json({ error: 'access_denied', error_description: 'den said no' }, 400), { auth: 'post', secret: 'den' });
  assert.ok(denied.error instanceof ResponseBodyError);
  assert.equal(denied.error.error, 'access_denied');
  assert.equal(denied.error.cause['error'], 'access_denied');
  assert.equal(denied.error.error_description, '[REDACTED] said no');
  // slow_down keeps its meaning: the flow slows down and goes on to the token.
  const slowed = await flow((_b, i) => (i === 0 ? json({ error: 'slow_down' }, 400) : json({ access_token: 'at', token_type: 'bearer' })), { auth: 'post', secret: 'low' });
  assert.ok(slowed.token, String(slowed.error));
  assert.equal(slowed.times[1]! - slowed.times[0]!, 10 * S);
  // A challenge's known error code too (Basic credentials for secret "val" are secrets here).
  const challenged = await flow(() => new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="as", error="invalid_client"' } }), { auth: 'basic', secret: 'val' });
  assert.ok(challenged.error instanceof WWWAuthenticateChallengeError);
  assert.equal(challenged.error.error, 'invalid_client');
  const unknown = await flow(() => json({ error: 'custom_den' }, 400), { auth: 'post', secret: 'den' });
  assert.equal((unknown.error as ResponseBodyError).error, 'custom_[REDACTED]');
});

test('dg:polling:finite-clock step() given a now that is not a finite number fails with OAUTH_INVALID_STATE, never request; the driver refuses such a clock', async () => {
  const state = initialState({ device_code: 'dc', interval: 5, expires_in: 600, receivedAt: 0 });
  for (const now of [Number.NaN, Number.POSITIVE_INFINITY, undefined, '5']) {
    for (const type of ['start', 'timer'] as const) {
      const result = step(state, { type, now } as never);
      assert.equal(result.command.type, 'fail', `${type} ${String(now)}`);
      assert.equal(result.command.type === 'fail' && (result.command.error as ClientError).code, 'OAUTH_INVALID_STATE');
    }
  }
  for (const bad of [() => Number.NaN, () => '5' as unknown as number]) {
    const controller = new AbortController();
    const clock = createFakeClock({ autoAdvance: true });
    const { config, fetch } = scriptedConfig((url) => {
      if (url.endsWith('/token') && fetch.calls.length > 5) controller.abort(); // before the fix: a burst
      return url.endsWith('/token') ? json({ error: 'authorization_pending' }, 400) : json(deviceBody());
    });
    const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
    const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: bad, sleep: clock.sleep, signal: controller.signal }).catch((e: unknown) => e);
    assert.equal((error as { code?: unknown }).code, 'ERR_INVALID_ARG_VALUE', String(error));
    assert.equal(fetch.calls.length, 1, 'no token request');
  }
});

test('dg:polling:interval-floor an interval of 1e-9 or 0 from the server, or a saved 1e-12, is raised to the 1 s floor; minInterval lowers it; a bad minInterval is refused', async () => {
  const pendingThenToken: Reply = (_b, i) => (i < 3 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'bearer' }));
  for (const interval of [1e-9, 0]) {
    const { token, times, device } = await flow(pendingThenToken, { device: { interval } });
    assert.equal(device.interval, interval, 'the response is returned as sent');
    assert.ok(token);
    assert.deepEqual(times.slice(1).map((t, i) => t - times[i]!), [S, S, S], String(interval));
  }
  const lowered = await flow(pendingThenToken, { device: { interval: 0.05 }, poll: { minInterval: 0.05 } });
  assert.deepEqual(lowered.times.slice(1).map((t, i) => t - lowered.times[i]!), [50, 50, 50]);
  // A saved state obeys the floor too.
  const clock = createFakeClock({ autoAdvance: true });
  const saved: PollingState = { v: 1, phase: 'waiting', device_code: 'dc-saved', interval: 1e-12, deadline: clock.now() + 600 * S, wakeAt: clock.now(), failures: 0, polls: 1, backoffCap: 60 };
  const { config, fetch } = scriptedConfig((_url, _init, i) => (i < 2 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'bearer' })));
  const times: number[] = [];
  const wrapped: CustomFetch = (url, init) => (times.push(clock.now()), fetch(url, init));
  config[customFetch] = wrapped;
  assert.ok(await resumeDeviceAuthorizationGrant(config, saved, undefined, { now: clock.now, sleep: clock.sleep }));
  assert.deepEqual(times.slice(1).map((t, i) => t - times[i]!), [S, S]);
  // ... and a caller's lower minInterval applies to a resumed flow as it does to a new one.
  times.length = 0;
  fetch.calls.length = 0;
  assert.ok(await resumeDeviceAuthorizationGrant(config, { ...saved, device_code: 'dc-saved-2', interval: 0.05, wakeAt: clock.now() }, undefined, { now: clock.now, sleep: clock.sleep, minInterval: 0.05 }));
  assert.deepEqual(times.slice(1).map((t, i) => t - times[i]!), [50, 50]);
  for (const minInterval of [0, -1, Number.NaN, '1']) {
    await assert.rejects(
      pollDeviceAuthorizationGrant(config, deviceBody() as never, undefined, { minInterval: minInterval as number }),
      (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_VALUE',
    );
  }
});

test('dg:polling:expires-in-cap an expires_in of 1e15 polls for 24 h at most; a saved deadline further away is cut to 24 h from now', async () => {
  const controller = new AbortController();
  const pendingForever: Reply = (_b, i) => {
    if (i > 30) controller.abort(); // before the fix: this flow would never end
    return json({ error: 'authorization_pending' }, 400);
  };
  const { error, times, clock } = await flow(pendingForever, { device: { expires_in: 1e15, interval: 3600 }, poll: { signal: controller.signal } });
  assert.equal((error as ClientError).error, 'expired_token');
  assert.equal(times.length, 23);
  assert.ok(clock.now() - (times[0]! - 3600 * S) <= 86_400 * S);
  const far: PollingState = { v: 1, phase: 'waiting', device_code: 'dc', interval: 5, deadline: 1e15, wakeAt: 5 * S, failures: 0, polls: 0, backoffCap: 60 };
  assert.equal(boundState(far, 1, 0).deadline, 86_400 * S);
  assert.equal(boundState({ ...far, deadline: 600 * S }, 1, 0).deadline, 600 * S);
});

test('dg:polling:single-flight a custom fetch that ignores its signal: after a request timeout, the next poll waits for it to settle (or for the deadline), never two in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const { config } = scriptedConfig(async (url, _init, index) => {
    if (url.endsWith('/device_authorization')) return json(deviceBody({ interval: 0.01 }));
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (index === 1) await new Promise((resolve) => setTimeout(resolve, 300)); // ignores the signal
      return index === 1 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'bearer' });
    } finally {
      inFlight--;
    }
  });
  config.timeout = 0.05;
  const device = await initiateDeviceAuthorization(config);
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, { minInterval: 0.01 });
  assert.equal(token.access_token, 'at');
  assert.equal(most, 1);
  // One that never settles: nothing more is sent, and the flow ends at the deadline. It holds its
  // device_code for the whole process, so it has its own.
  const clock = createFakeClock({ autoAdvance: true });
  const hung = scriptedConfig((url) => (url.endsWith('/device_authorization') ? json(deviceBody({ interval: 1, expires_in: 30, device_code: 'hung-dc' })) : new Promise<Response>(() => {})));
  hung.config.timeout = 0.02;
  const again = await initiateDeviceAuthorization(hung.config, undefined, { now: clock.now });
  const error = await pollDeviceAuthorizationGrant(hung.config, again, undefined, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e);
  assert.equal((error as ClientError).error, 'expired_token');
  assert.equal(hung.fetch.calls.length, 2, 'the device request and one token request');
});

test('dg:security:no-response-in-cause an unexpected status or a redirect keeps its Response off cause: inspection and JSON never show headers that echo the request', async () => {
  for (const status of [418, 302]) {
    const { error } = await flow((body) => new Response('no', { status, headers: { 'x-echo': `device_code=${encodeURIComponent(body.get('device_code') ?? '')}`, location: '/x' } }));
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.cause, undefined);
    assert.equal(error.response?.status, status);
    const text = shown(error);
    assert.ok(!text.includes('x-echo') && !text.includes('device_code='), text);
  }
});

test('dg:security:endpoint-userinfo an endpoint with userinfo, or a javascript:, data:, file: endpoint, is refused by the Configuration and by discovery, before any request', async () => {
  const base = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` };
  const cases: Array<[Record<string, string>, string]> = [
    [{ token_endpoint: 'https://u:p@as.example.test/token' }, 'OAUTH_INVALID_SERVER_METADATA'],
    [{ device_authorization_endpoint: 'https://u@as.example.test/da' }, 'OAUTH_INVALID_SERVER_METADATA'],
    [{ token_endpoint: 'javascript:alert(1)' }, 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN'],
    [{ device_authorization_endpoint: 'data:application/json,{}' }, 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN'],
    [{ token_endpoint: 'file:///etc/passwd' }, 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN'],
  ];
  for (const [extra, code] of cases) {
    assert.throws(() => new Configuration({ ...base, ...extra }, CLIENT_ID), (e: unknown) => e instanceof ClientError && e.code === code, JSON.stringify(extra));
    const served: CustomFetch = async () => json({ ...base, ...extra });
    await assert.rejects(discovery(new URL(ISSUER), CLIENT_ID, undefined, undefined, { [customFetch]: served }), (e: unknown) => e instanceof ClientError && e.code === code);
  }
  let calls = 0;
  const counting: CustomFetch = async () => (calls++, json(base));
  await assert.rejects(discovery(new URL('https://u:p@as.example.test'), CLIENT_ID, undefined, undefined, { [customFetch]: counting }), (e: unknown) => (e as { code?: string }).code === 'ERR_INVALID_ARG_VALUE');
  assert.equal(calls, 0);
});

test('rfc8628:5.3:verification-uri-no-userinfo a verification_uri or verification_uri_complete with userinfo is refused with OAUTH_INVALID_VERIFICATION_URI', async () => {
  for (const extra of [
    { verification_uri: 'https://accounts.example@evil.example/device' },
    { verification_uri: 'https://@evil.example/device' },
    { verification_uri_complete: 'https://as.example.test:pw@evil.example/device?user_code=X' },
  ]) {
    const { config } = scriptedConfig(() => json(deviceBody(extra)));
    await assert.rejects(initiateDeviceAuthorization(config), (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_INVALID_VERIFICATION_URI', JSON.stringify(extra));
  }
});

test('dg:security:error-body-cost a huge error body with nothing to redact is not copied, and one echoed secret copies only its path (the time is dg:perf:error-body-redaction\'s, in npm run bench)', () => {
  const members: Record<string, unknown> = { error: 'invalid_grant' };
  for (let i = 0; i < 50_000; i++) members[`m${i}`] = `val${i}`;
  const size = JSON.stringify(members).length;
  assert.ok(size > 0.8 * 2 ** 20 && size < 2 ** 20, String(size)); // about 0.9 MB, under the 1 MiB cap
  const secrets = [`${DEVICE_CODE_PREFIX}1`, CLIENT_SECRET];
  assert.equal(redactDeep(members, secrets), members);
  const nested = { error: 'invalid_grant', keep: { a: ['x'] }, echo: { b: [encodeURIComponent(CLIENT_SECRET)] } };
  const cleaned = redactDeep(nested, secrets) as typeof nested;
  assert.notEqual(cleaned, nested);
  assert.equal(cleaned.keep, nested.keep);
  assert.deepEqual(cleaned.echo, { b: ['[REDACTED]'] });
});

test('dg:security:no-redirects a 302 carrying {"error":"authorization_pending"} ends polling after one request: the redirect refusal comes before the body is read', async () => {
  const { error, times } = await flow(() => json({ error: 'authorization_pending' }, 302, { location: `${ISSUER}/elsewhere` }), { device: { interval: 1 } });
  assert.ok(error instanceof ClientError);
  assert.equal(error.code, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assert.equal(times.length, 1);
});

test('dg:security:client-id-reserved a caller\'s client_id parameter is refused under every auth method, before any request', async () => {
  for (const auth of ['none', 'basic', 'post'] as const) {
    const { config, fetch } = scriptedConfig(() => json(deviceBody()), auth);
    const refused = (e: unknown): boolean => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_VALUE';
    await assert.rejects(initiateDeviceAuthorization(config, { client_id: 'someone-else' }), refused, auth);
    await assert.rejects(pollDeviceAuthorizationGrant(config, deviceBody() as never, { client_id: 'someone-else' }), refused, auth);
    assert.equal(fetch.calls.length, 0);
  }
});

test('dg:polling:no-request-after-deadline dg:polling:single-flight a request given up on that settles only as the deadline arrives does not let the next poll go out at the deadline', async () => {
  // Time moves when a sleep starts (as an auto-advancing clock does), and each sleep also takes 100 ms of real time.
  let time = Date.UTC(2026, 0, 1);
  const start = time;
  const sleep = (ms: number): Promise<void> => {
    time += ms;
    return new Promise((resolve) => setTimeout(resolve, 100));
  };
  const sent: number[] = [];
  const { config } = scriptedConfig((url) => {
    if (url.endsWith('/device_authorization')) return json(deviceBody({ interval: 1, expires_in: 4.5 }));
    sent.push(time - start);
    // Ignores its signal and answers 250 ms later: after the request timeout, before the last wait ends.
    return new Promise<Response>((resolve) => setTimeout(() => resolve(json({ error: 'authorization_pending' }, 400)), 250));
  });
  config.timeout = 0.01;
  const device = await initiateDeviceAuthorization(config, undefined, { now: () => time });
  const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: () => time, sleep }).catch((e: unknown) => e);
  assert.equal((error as ClientError).error, 'expired_token');
  assert.deepEqual(sent, [1000], 'one poll at 1 s; none at the 4.5 s deadline');
});

test('dg:polling:single-flight a flow aborted while a fetch that ignores its signal still runs, then resumed with a new Configuration for the same device_code, waits for that fetch: never two in flight', async () => {
  let inFlight = 0;
  let most = 0;
  let firstSent!: () => void;
  const sent = new Promise<void>((resolve) => (firstSent = resolve));
  let tokenRequests = 0;
  // One server behind two Configurations. The first token request ignores its signal and answers 300 ms later.
  const respond = async (url: string): Promise<Response> => {
    if (url.endsWith('/device_authorization')) return json(deviceBody({ interval: 0.01, device_code: 'cross-config-dc' }));
    const index = tokenRequests++;
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (index === 0) {
        firstSent();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return json({ error: 'authorization_pending' }, 400);
      }
      return json({ access_token: 'at', token_type: 'bearer' });
    } finally {
      inFlight--;
    }
  };
  const first = scriptedConfig(respond);
  const device = await initiateDeviceAuthorization(first.config);
  const states: PollingState[] = [];
  const controller = new AbortController();
  const aborted = pollDeviceAuthorizationGrant(first.config, device, undefined, { minInterval: 0.01, signal: controller.signal, onState: (state) => states.push(state) });
  await sent;
  controller.abort();
  await assert.rejects(aborted, (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_ABORT');
  // A new Configuration (another process's settings, say) resumes the saved state at once.
  const second = scriptedConfig(respond);
  const token = await resumeDeviceAuthorizationGrant(second.config, states.at(-1)!, undefined, { minInterval: 0.01 });
  assert.equal(token.access_token, 'at');
  assert.equal(tokenRequests, 2);
  assert.equal(most, 1, 'the resumed flow waited for the request still running under the first Configuration');
});
