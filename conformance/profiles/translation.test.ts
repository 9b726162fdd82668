// dg:profiles: what a profile may and may not do to the wire. It translates: the status stays the
// provider's, an error stays an error, and a failure can never come out as a token. Everything a
// profile does not understand (a GET, a redirect, an empty or oversized body, text that is not
// JSON, a fetch that returns no Response) passes through for the core to judge.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  Configuration,
  ResponseBodyError,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  MAX_RESPONSE_BYTES,
  None,
  customFetch,
  profiles,
  type CustomFetch,
  type CustomFetchOptions,
  type Profile,
} from '../../lib/index.js';
import * as subpath from '../../lib/profiles.js';
import { classify } from '../support/discovery-side.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_SECRET, json, scriptedConfig } from '../support/harness.js';
import { leaks } from '../support/security-side.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const FORM = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

interface Sent {
  url: string;
  options: CustomFetchOptions;
}

/** Sends one POST through a profile's fetch to an inner fetch that answers `reply`; returns the answer and what went out. */
async function through(profile: Profile | ReturnType<typeof subpath.translating>, form: Record<string, string> | null, reply: unknown, method = 'POST'): Promise<{ response: unknown; sent: Sent[] }> {
  const sent: Sent[] = [];
  const inner: CustomFetch = async (url, options) => {
    sent.push({ url, options });
    return reply as Response;
  };
  const wrap = typeof profile === 'function' ? profile : (profile.fetch as NonNullable<Profile['fetch']>);
  const options: CustomFetchOptions = { method, headers: { ...FORM }, body: form === null ? undefined : new URLSearchParams(form).toString(), redirect: 'manual', signal: new AbortController().signal };
  return { response: await wrap(inner)('https://provider.example/endpoint', options), sent };
}

const jsonReply = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const poll = { grant_type: DEVICE_GRANT, device_code: 'dc-1', client_id: 'c' };
const translatingProfiles = Object.entries(profiles).filter(([, p]) => p.fetch !== undefined);

/** Failure answers of every shape the ten providers use, and some no provider should send. */
const FAILURES: Array<[number, unknown]> = [
  [400, { error: 'access_denied' }],
  [400, { error: 'authorization_declined', access_token: 'at-smuggled', token_type: 'Bearer' }],
  [400, { error: 'code_expired' }],
  [200, { error: 'access_denied', access_token: 'at-smuggled', token_type: 'bearer' }],
  [200, { error: 'expired_token', accessToken: 'at-smuggled', tokenType: 'Bearer' }],
  [403, { error: 'authorization_pending' }],
  [429, { error: 'slow_down' }],
  [428, { error: 'authorization_pending' }],
  [401, { error: 'invalid_client' }],
  [400, { status: 400, message: 'authorization_pending' }],
  [400, { status: 400, message: 'invalid device code', access_token: 'at-smuggled', token_type: 'bearer' }],
  [500, { accessToken: 'at-smuggled', tokenType: 'Bearer' }],
  [503, { access_token: 'at-smuggled', token_type: 'bearer' }],
  [400, { access_token: 'at-smuggled', token_type: 'bearer', scope: ['a'] }],
  [200, { error: 7, access_token: 'at-smuggled', token_type: 'bearer' }],
  [200, { error: null, accessToken: 'at-smuggled', tokenType: 'Bearer' }],
];

test('dg:profiles:translate-only no profile turns a failure into a token: every failure answer still classifies as a failure, with its status', async () => {
  assert.equal(translatingProfiles.length, 7);
  for (const [name, profile] of translatingProfiles) {
    for (const [status, body] of FAILURES) {
      const { response } = await through(profile, poll, jsonReply(status, body));
      const translated = response as Response;
      assert.equal(translated.status, status, `${name}: the status stays the provider's`);
      const outcome = await classify(translated);
      assert.notEqual(outcome.kind, 'token', `${name}: ${status} ${JSON.stringify(body)} must not become a token`);
    }
  }
});

test('dg:profiles:translate-only a profile that drops the error member gets it back: an error stays an error', async () => {
  const careless = subpath.translating({ response: () => ({ access_token: 'at-smuggled', token_type: 'bearer' }) });
  const { response } = await through(careless, poll, jsonReply(200, { error: 'access_denied' }));
  const body = (await (response as Response).json()) as Record<string, unknown>;
  assert.equal(body['error'], 'access_denied');
  assert.equal((await classify(jsonReply(200, body))).kind, 'terminal');
});

test('dg:profiles:translate-only what a profile cannot read passes through for the core to judge', async () => {
  const { google } = profiles;
  // A GET (discovery) goes out and comes back untouched.
  const discovery = jsonReply(200, { issuer: 'https://accounts.google.com', verification_url: 'x' });
  assert.equal((await through(google, null, discovery, 'GET')).response, discovery);
  // A POST without a body is translated as an empty device request.
  const bodiless = await through(google, null, jsonReply(400, { error: 'invalid_request' }));
  assert.equal(bodiless.sent[0]?.options.body, undefined);
  assert.equal((bodiless.response as Response).status, 400);
  // A redirect, an empty body and something that is not a Response are returned as they are.
  const redirect = new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } });
  assert.equal((await through(google, poll, redirect)).response, redirect);
  const empty = new Response(null, { status: 204 });
  assert.equal((await through(google, poll, empty)).response, empty);
  assert.equal((await through(google, poll, 'not a response')).response, 'not a response');
  // Text that is not a JSON object keeps its bytes and status.
  for (const text of ['<html>captive portal</html>', '[1,2]', 'null']) {
    const response = (await through(google, {}, new Response(text, { status: 200, headers: { 'content-type': 'text/html' } }))).response as Response;
    assert.equal(await response.text(), text);
    assert.equal(response.headers.get('content-type'), 'text/html');
  }
  // A body over the cap is not parsed: it goes on (cut just past the cap) for the core to refuse.
  const big = new Response(new ReadableStream({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode(`{"verification_url":"${'x'.repeat(64 * 1024)}`));
    },
  }), { status: 200 });
  const passed = (await through(google, {}, big)).response as Response;
  assert.ok((await passed.arrayBuffer()).byteLength > MAX_RESPONSE_BYTES);
});

test('dg:profiles:translate-only a body that never ends stops being read when the request is aborted (the core\'s timeout or the caller\'s signal)', async () => {
  const controller = new AbortController();
  const endless = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"verification_url":')); } }), { status: 200 });
  const inner: CustomFetch = async () => endless;
  const pending = (profiles.google.fetch as NonNullable<Profile['fetch']>)(inner)('https://provider.example/', { method: 'POST', headers: { ...FORM }, body: 'client_id=c', redirect: 'manual', signal: controller.signal });
  controller.abort();
  const response = await pending;
  assert.equal(await response.text(), '', 'aborted before the read began: nothing is read, and the answer settles for the core (which gave up) to drop');
  // The same body, aborted while the profile is reading it.
  const later = new AbortController();
  const slow = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{')); } }), { status: 200 });
  const reading = (profiles.google.fetch as NonNullable<Profile['fetch']>)(async () => slow)('https://provider.example/', { method: 'POST', headers: { ...FORM }, body: 'client_id=c', redirect: 'manual', signal: later.signal });
  await new Promise((resolve) => setImmediate(resolve));
  later.abort();
  assert.equal(await (await reading).text(), '{');
});

test('dg:profiles:export the profiles object is exported from the package and from device-grant/profiles, with the ten providers; auth0, keycloak and okta are empty', () => {
  assert.equal(subpath.profiles, profiles);
  assert.deepEqual(Object.keys(profiles), ['github', 'google', 'entra-v2', 'entra-v1', 'auth0', 'keycloak', 'okta', 'aws-sso', 'salesforce', 'twitch']);
  for (const name of ['auth0', 'keycloak', 'okta'] as const) assert.deepEqual(profiles[name], {}, name);
  for (const [name, profile] of translatingProfiles) {
    assert.equal(typeof profile.fetch, 'function', name);
    assert.equal(profile.execute?.length, 1, name);
  }
  assert.equal(subpath.SALESFORCE_CODE_LIFETIME, 600);
});

test('dg:profiles:export execute installs the translation once, around the Configuration\'s fetch or the global fetch', async () => {
  const config = new Configuration({ issuer: 'https://id.twitch.tv/oauth2', token_endpoint: 'https://id.twitch.tv/oauth2/token' }, 'c', undefined, None());
  const calls: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    calls.push(`${String(init.body)}`);
    return jsonReply(400, { status: 400, message: 'authorization_pending' });
  }) as typeof fetch;
  try {
    const [install] = profiles.twitch.execute ?? [];
    install?.(config);
    const once = config[customFetch];
    install?.(config); // a second run keeps the one translation
    assert.equal(config[customFetch], once);
    const response = await (once as CustomFetch)('https://id.twitch.tv/oauth2/token', { method: 'POST', headers: { ...FORM }, body: 'scope=a+b', redirect: 'manual', signal: new AbortController().signal });
    assert.deepEqual(calls, ['scopes=a+b']);
    assert.deepEqual(await response.json(), { status: 400, message: 'authorization_pending', error: 'authorization_pending', error_description: 'authorization_pending' });
  } finally {
    globalThis.fetch = original;
  }
});

test('dg:profiles:github comma-separated scope becomes space-delimited; endpoints for github.com and for a GitHub Enterprise Server', async () => {
  const { response } = await through(profiles.github, poll, jsonReply(200, { access_token: 'gho_x', token_type: 'bearer', scope: 'repo,gist,' }));
  assert.equal(((await (response as Response).json()) as Record<string, unknown>)['scope'], 'repo gist');
  assert.deepEqual(profiles.github.metadata?.(new URL('https://ghe.example.com/')), {
    issuer: 'https://ghe.example.com',
    device_authorization_endpoint: 'https://ghe.example.com/login/device/code',
    token_endpoint: 'https://ghe.example.com/login/oauth/access_token',
  });
});

test('dg:profiles:google verification_url is renamed on the device answer only, and never over a verification_uri', async () => {
  const both = await through(profiles.google, {}, jsonReply(200, { verification_uri: 'https://a.example/', verification_url: 'https://b.example/' }));
  assert.deepEqual(await (both.response as Response).json(), { verification_uri: 'https://a.example/' });
  const onPoll = await through(profiles.google, poll, jsonReply(200, { verification_url: 'https://b.example/' }));
  assert.deepEqual(await (onPoll.response as Response).json(), { verification_url: 'https://b.example/' });
  assert.equal(profiles.google.metadata?.(new URL('https://accounts.google.com')).device_authorization_endpoint, 'https://oauth2.googleapis.com/device/code');
});

test('dg:profiles:entra-v2 the extra message member is kept as it is, with and without the profile', async () => {
  const body = { device_code: 'd', user_code: 'U', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 5, message: 'To sign in, use a web browser.' };
  const { response } = await through(profiles['entra-v2'], { client_id: 'c', scope: 's' }, jsonReply(200, body));
  assert.deepEqual(await (response as Response).json(), body);
  const { response: denied } = await through(profiles['entra-v2'], poll, jsonReply(400, { error: 'authorization_declined' }));
  assert.deepEqual(await (denied as Response).json(), { error: 'access_denied' });
  const { response: other } = await through(profiles['entra-v2'], poll, jsonReply(400, { error: 'bad_verification_code' }));
  assert.deepEqual(await (other as Response).json(), { error: 'bad_verification_code' });
});

test('dg:profiles:entra-v1 the poll sends code and grant_type=device_code; the device request is untouched; metadata names sts.windows.net and refuses an issuer without a tenant', async () => {
  const { sent } = await through(profiles['entra-v1'], { ...poll, resource: 'https://graph.microsoft.com' }, jsonReply(400, { error: 'code_expired' }));
  assert.deepEqual(Object.fromEntries(new URLSearchParams(sent[0]?.options.body)), { grant_type: 'device_code', client_id: 'c', resource: 'https://graph.microsoft.com', code: 'dc-1' });
  const { sent: device } = await through(profiles['entra-v1'], { client_id: 'c', resource: 'r' }, jsonReply(200, {}));
  assert.equal(device[0]?.options.body, 'client_id=c&resource=r');
  assert.deepEqual(profiles['entra-v1'].metadata?.(new URL('https://login.microsoftonline.com/tid-1/')), {
    issuer: 'https://sts.windows.net/tid-1/',
    device_authorization_endpoint: 'https://login.microsoftonline.com/tid-1/oauth2/devicecode',
    token_endpoint: 'https://login.microsoftonline.com/tid-1/oauth2/token',
  });
  for (const bad of ['https://login.microsoftonline.com/', 'https://login.microsoftonline.com/tid-1/v2.0']) {
    assert.throws(() => profiles['entra-v1'].metadata?.(new URL(bad)), { code: 'OAUTH_INVALID_SERVER_METADATA' }, bad);
  }
});

test('dg:profiles:aws-sso form parameters go out as camelCase JSON (scope as a list); camelCase answers come back under RFC names', async () => {
  const { sent, response } = await through(profiles['aws-sso'], { ...poll, client_secret: 's', scope: 'sso:account:access openid' }, jsonReply(200, { accessToken: 'a', tokenType: 'Bearer', expiresIn: 10, refreshToken: 'r' }));
  assert.equal(sent[0]?.options.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(sent[0]?.options.body ?? ''), { grantType: DEVICE_GRANT, deviceCode: 'dc-1', clientId: 'c', clientSecret: 's', scope: ['sso:account:access', 'openid'] });
  assert.deepEqual(await (response as Response).json(), { access_token: 'a', token_type: 'Bearer', expires_in: 10, refresh_token: 'r' });
  assert.deepEqual(profiles['aws-sso'].metadata?.(new URL('https://oidc.eu-west-1.amazonaws.com')), {
    issuer: 'https://oidc.eu-west-1.amazonaws.com',
    device_authorization_endpoint: 'https://oidc.eu-west-1.amazonaws.com/device_authorization',
    token_endpoint: 'https://oidc.eu-west-1.amazonaws.com/token',
  });
});

test('dg:profiles:salesforce response_type=device_code on the device request, grant_type=device with code on the poll, expires_in only where missing', async () => {
  const device = await through(profiles.salesforce, { client_id: 'c' }, jsonReply(200, { device_code: 'd', user_code: 'u', verification_uri: 'https://login.salesforce.com/setup/connect' }));
  assert.equal(device.sent[0]?.options.body, 'client_id=c&response_type=device_code');
  assert.equal(((await (device.response as Response).json()) as Record<string, unknown>)['expires_in'], subpath.SALESFORCE_CODE_LIFETIME);
  const kept = await through(profiles.salesforce, { client_id: 'c' }, jsonReply(200, { device_code: 'd', expires_in: 120 }));
  assert.equal(((await (kept.response as Response).json()) as Record<string, unknown>)['expires_in'], 120);
  const refused = await through(profiles.salesforce, { client_id: 'c' }, jsonReply(400, { error: 'invalid_client_id' }));
  assert.deepEqual(await (refused.response as Response).json(), { error: 'invalid_client_id' });
  const polled = await through(profiles.salesforce, poll, jsonReply(400, { error: 'authorization_pending' }));
  assert.deepEqual(Object.fromEntries(new URLSearchParams(polled.sent[0]?.options.body)), { grant_type: 'device', client_id: 'c', code: 'dc-1' });
  assert.equal(profiles.salesforce.metadata?.(new URL('https://acme.my.salesforce.com')).device_authorization_endpoint, 'https://acme.my.salesforce.com/services/oauth2/token');
});

test('dg:profiles:twitch scopes on the wire; {status, message} becomes an error (a code as itself, a sentence as invalid_grant); a scope list becomes a string', async () => {
  const noScope = await through(profiles.twitch, poll, jsonReply(400, { status: 400, message: 'invalid device code' }));
  assert.equal(noScope.sent[0]?.options.body, new URLSearchParams(poll).toString());
  assert.deepEqual(await (noScope.response as Response).json(), { status: 400, message: 'invalid device code', error: 'invalid_grant', error_description: 'invalid device code' });
  const notTwitch = await through(profiles.twitch, poll, jsonReply(400, { status: '400', message: 'x' }));
  assert.deepEqual(await (notTwitch.response as Response).json(), { status: '400', message: 'x' });
  const token = await through(profiles.twitch, poll, jsonReply(200, { access_token: 'a', token_type: 'bearer', scope: ['a', 'b'] }));
  assert.equal(((await (token.response as Response).json()) as Record<string, unknown>)['scope'], 'a b');
  assert.equal(profiles.twitch.metadata?.(new URL('https://id.twitch.tv/oauth2')).token_endpoint, 'https://id.twitch.tv/oauth2/token');
});

test('dg:profiles:translate-only dg:security:echoed-secret-redaction secrets a provider echoes in an error stay redacted through every profile (the device code goes out as `code` or `deviceCode` but is the same secret)', async () => {
  const deviceCode = 'dc-secret+/=value';
  for (const [name, profile] of translatingProfiles) {
    const echo = `no grant for ${deviceCode} and ${CLIENT_SECRET}`;
    const { config } = scriptedConfig((url) =>
      url.endsWith('/device_authorization')
        ? json({ device_code: deviceCode, user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 60, interval: 1 })
        : json(name === 'twitch' ? { status: 400, message: echo } : { error: 'access_denied', error_description: echo }, 400),
      'post',
    );
    for (const install of profile.execute ?? []) install(config);
    const clock = createFakeClock({ autoAdvance: true });
    const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
    const error = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e);
    assert.ok(error instanceof ResponseBodyError, `${name}: ${String(error)}`);
    assert.deepEqual(leaks(error, [deviceCode, CLIENT_SECRET]), [], name);
  }
});

test('dg:profiles:export the profiles can be dropped by a bundler: the package has no side effects and every profile is built by a call marked pure', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { sideEffects: unknown; exports: Record<string, unknown> };
  assert.equal(pkg.sideEffects, false);
  assert.ok(pkg.exports['./profiles'] !== undefined);
  const dir = new URL('../../lib/profiles/', import.meta.url);
  let checked = 0;
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.js'))) {
    const code = await readFile(new URL(file, dir), 'utf8');
    const calls = (code.match(/^export const \w+ = [^\n]*/gm) ?? []).filter((line) => line.includes('('));
    for (const line of calls) assert.match(line, /= \/\* @__PURE__ \*\/ translatingProfile\(/, `${file}: ${line}`);
    checked += calls.length;
  }
  assert.equal(checked, 7, 'the seven translating profiles were checked');
});
