// RFC 6749 §10: security considerations on the client side — TLS for tokens and credentials,
// tokens kept out of errors, minimal scope, and validation of every value received.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, deviceBody, formOf, json, scriptedConfig, scriptedFetch, type AuthKind } from '../support/harness.js';
import { discoverWith, metadataDoc, rawJson, scriptedPoll, tokenBody } from '../support/discovery-side.js';

const DEVICE = deviceBody() as unknown as DeviceAuthorizationResponse;

function configAt(base: string, auth: AuthKind, respond: Parameters<typeof scriptedFetch>[0] = () => json(tokenBody())) {
  const fetch = scriptedFetch(respond);
  const config = new Configuration(
    { issuer: base, token_endpoint: `${base}/token`, device_authorization_endpoint: `${base}/device_authorization` },
    CLIENT_ID,
    auth === 'none' ? undefined : CLIENT_SECRET,
  );
  config[customFetch] = fetch;
  return { config, fetch };
}

function poll(config: Configuration) {
  const clock = createFakeClock({ autoAdvance: true });
  return pollDeviceAuthorizationGrant(config, DEVICE, undefined, { now: clock.now, sleep: clock.sleep });
}

const hasCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;

test('rfc6749:10.3:access-token-tls an http token endpoint is refused before the request; allowInsecureRequests is the explicit waiver', async () => {
  const { config, fetch } = configAt('http://as.example.test', 'none');
  await assert.rejects(poll(config), hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
  assert.equal(fetch.calls.length, 0);
  allowInsecureRequests(config);
  const token = await poll(config);
  assert.equal(token.access_token, 'at-1');
  assert.equal(fetch.calls[0]?.url, 'http://as.example.test/token');
});

test('rfc6749:10.8:no-cleartext dg:security:insecure-opt-in requests carrying credentials go only to https; other schemes stay refused even with the waiver', async () => {
  for (const auth of ['post', 'none'] as const) {
    const { config, fetch } = configAt('http://as.example.test', auth, () => json(deviceBody()));
    await assert.rejects(initiateDeviceAuthorization(config), hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
    await assert.rejects(poll(config), hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
    assert.equal(fetch.calls.length, 0, auth);
  }
  const basic = new Configuration(
    { issuer: 'http://as.example.test', token_endpoint: 'http://as.example.test/token' },
    CLIENT_ID,
    CLIENT_SECRET,
  );
  const fetch = scriptedFetch(() => json(tokenBody()));
  basic[customFetch] = fetch;
  await assert.rejects(poll(basic), hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
  assert.equal(fetch.calls.length, 0);
  for (const scheme of ['ftp', 'gopher', 'ws']) {
    const other = configAt(`${scheme}://as.example.test`, 'post');
    allowInsecureRequests(other.config);
    await assert.rejects(poll(other.config), hasCode('OAUTH_REQUEST_PROTOCOL_FORBIDDEN'), scheme);
    assert.equal(other.fetch.calls.length, 0);
  }
  // Discovery of an http server is refused too, before fetch.
  const d = discoverWith('http://as.example.test', { 'http://as.example.test/.well-known/openid-configuration': json(metadataDoc('http://as.example.test')) });
  await assert.rejects(d.result, hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
  assert.equal(d.fetch.calls.length, 0);
});

test('rfc6749:10.3:access-token-confidential dg:security:secret-redaction an access token never appears in an error message, toString() or JSON.stringify', async () => {
  const SECRET = 'AT-very-secret-0123456789';
  const bodies: Array<Record<string, unknown>> = [
    tokenBody({ access_token: SECRET, token_type: 'mac' }),
    tokenBody({ access_token: SECRET, expires_in: 'soon' }),
    tokenBody({ access_token: SECRET, refresh_token: 5 }),
    tokenBody({ access_token: SECRET, id_token: 'not.a-jwt' }),
    tokenBody({ access_token: SECRET, id_token: `e30.${Buffer.from('{"iss":"x"}').toString('base64url')}.sig` }),
    { access_token: SECRET, error: 'server_error' },
    { access_token: SECRET, error: 7 },
  ];
  for (const body of bodies) {
    const p = scriptedPoll(() => json(body));
    const error = await p.result.then(
      () => assert.fail(`resolved for ${JSON.stringify(body)}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    for (const text of [error.message, String(error), JSON.stringify(error), error.stack ?? '']) {
      assert.equal(text.includes(SECRET), false, `${JSON.stringify(body)} leaked into ${text}`);
    }
  }
});

test('rfc6749:10.3:minimal-scope the library adds no scope of its own', async () => {
  const { config, fetch } = scriptedConfig((url) => (url.endsWith('/device_authorization') ? json(deviceBody()) : json(tokenBody())));
  const clock = createFakeClock({ autoAdvance: true });
  const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
  await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  await initiateDeviceAuthorization(config, { scope: 'read' });
  assert.equal(fetch.calls.length, 3);
  assert.equal(formOf(fetch.calls[0]!.init.body).has('scope'), false);
  assert.equal(formOf(fetch.calls[1]!.init.body).has('scope'), false);
  assert.deepEqual(formOf(fetch.calls[2]!.init.body).getAll('scope'), ['read']);
});

test('rfc6749:10.14:validate-input dg:security:wrong-types-rejected wrong types, out-of-range numbers and bad URLs give typed errors, never a raw TypeError', async () => {
  const typed = (error: unknown) => error instanceof ClientError && typeof error.code === 'string' && error.code.startsWith('OAUTH_');
  // Device authorization responses.
  const deviceCases = [
    { device_code: 5 },
    { user_code: null },
    { verification_uri: 'not a url' },
    { verification_uri: 'javascript:alert(1)' },
    { verification_uri_complete: ['x'] },
    { expires_in: -1 },
    { expires_in: 'ten' },
    { interval: {} },
  ];
  for (const extra of deviceCases) {
    const { config } = scriptedConfig(() => json(deviceBody(extra)));
    await assert.rejects(initiateDeviceAuthorization(config), typed, JSON.stringify(extra));
  }
  // Token responses.
  for (const extra of [{ access_token: 1 }, { token_type: {} }, { expires_in: -3 }, { scope: ['a'] }, { id_token: 5 }]) {
    await assert.rejects(scriptedPoll(() => json(tokenBody(extra))).result, typed, JSON.stringify(extra));
  }
  // Metadata documents.
  const issuer = 'https://as.example.test';
  for (const extra of [{ issuer: 5 }, { issuer: 'not a url' }, { token_endpoint: 5 }, { token_endpoint: 'no-scheme' }, { device_authorization_endpoint: [] }]) {
    const d = discoverWith(issuer, { [`${issuer}/.well-known/openid-configuration`]: json(metadataDoc(issuer, extra)) });
    await assert.rejects(d.result, typed, JSON.stringify(extra));
  }
  // A fetch that resolves to something that is not a Response, or throws a raw TypeError.
  const notResponse: CustomFetch = async () => ({ status: 200 }) as unknown as Response;
  const throwing: CustomFetch = async () => {
    throw new TypeError('fetch failed');
  };
  for (const fetch of [notResponse, throwing]) {
    const config = new Configuration({ issuer, device_authorization_endpoint: `${issuer}/d` }, CLIENT_ID, undefined, None());
    config[customFetch] = fetch;
    await assert.rejects(initiateDeviceAuthorization(config), typed);
    await assert.rejects(discovery(new URL(issuer), CLIENT_ID, undefined, undefined, { [customFetch]: fetch }), typed);
  }
  // A body that is not even valid UTF-8 JSON.
  await assert.rejects(initiateDeviceAuthorization(scriptedConfig(() => rawJson('\u0000{')).config), typed);
});
