// RFC 8628 §3.4: the device access token request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretPost,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  Configuration,
  None,
  customFetch,
  type ClientAuth,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, DEVICE_CODE_PREFIX, ISSUER, harness, json, deviceBody, scriptedConfig, type AuthKind, pollUntilApproved } from '../support/harness.js';
import { clientError, loopback, loopbackFlow, requestsTo } from '../support/request-side.js';

async function approvedFlow(auth: AuthKind) {
  const h = harness({ auth, autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, { scope: 'openid' }, { now: h.clock.now });
  const token = await pollUntilApproved(h, device);
  const tokenRequests = h.server.requests.filter((r) => r.endpoint === 'token');
  return { h, device, token, tokenRequests };
}

test('rfc8628:3.4:grant-type every poll sends grant_type=urn:ietf:params:oauth:grant-type:device_code', async () => {
  const { tokenRequests, token } = await approvedFlow('none');
  assert.ok(tokenRequests.length >= 3);
  for (const request of tokenRequests) {
    assert.equal(request.method, 'POST');
    assert.deepEqual(
      request.form.filter(([name]) => name === 'grant_type'),
      [['grant_type', 'urn:ietf:params:oauth:grant-type:device_code']],
    );
  }
  assert.equal(typeof token.access_token, 'string');
});

test('rfc8628:3.4:device-code the device_code travels verbatim, with + & % = / and space form-escaped', async () => {
  const { device, tokenRequests } = await approvedFlow('none');
  assert.ok(device.device_code.startsWith(DEVICE_CODE_PREFIX));
  for (const request of tokenRequests) {
    assert.deepEqual(request.form.filter(([name]) => name === 'device_code'), [['device_code', device.device_code]]);
    assert.ok(request.body.includes('device_code=dc%2B%26%25%3D%2F+'), request.body);
  }
});

test('rfc8628:3.4:client-id-public a public client sends client_id in every token request', async () => {
  const { tokenRequests } = await approvedFlow('none');
  for (const request of tokenRequests) {
    assert.deepEqual(request.form.filter(([name]) => name === 'client_id'), [['client_id', CLIENT_ID]]);
    assert.equal(request.headers['authorization'], undefined);
  }
});

test('rfc8628:3.4:client-auth rfc6749:3.2.1:confidential-auth Basic and Post clients authenticate on every token request', async () => {
  for (const auth of ['basic', 'post'] as const) {
    const { tokenRequests, token } = await approvedFlow(auth);
    assert.ok(tokenRequests.length >= 3);
    for (const request of tokenRequests) {
      const form = new Map(request.form);
      if (auth === 'basic') {
        assert.match(request.headers['authorization'] ?? '', /^Basic /);
        assert.equal(form.has('client_secret'), false);
      } else {
        assert.equal(form.get('client_secret'), CLIENT_SECRET);
        assert.equal(form.get('client_id'), CLIENT_ID);
        assert.equal(request.headers['authorization'], undefined);
      }
    }
    assert.equal(token.token_type, 'bearer');
  }
});

test('rfc8628:3.4:token-endpoint polls go to token_endpoint; without one the poll fails before any request', async () => {
  const { tokenRequests } = await approvedFlow('none');
  assert.ok(tokenRequests.every((r) => r.path === '/token'));

  const { fetch } = scriptedConfig(() => json({}));
  const config = new Configuration({ issuer: ISSUER }, CLIENT_ID, undefined, None());
  config[customFetch] = fetch;
  const clock = createFakeClock({ autoAdvance: true });
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, deviceBody() as never, undefined, { now: clock.now, sleep: clock.sleep }),
    (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_MISSING_SERVER_METADATA',
  );
  assert.equal(fetch.calls.length, 0);
});

test('rfc8628:3.4:device-code rfc8628:3.4:client-auth on real HTTP the escaped device_code and the credentials reach the server intact, for public, Basic and Post clients', async () => {
  for (const auth of ['none', 'basic', 'post'] as const) {
    const lb = await loopback(auth);
    try {
      const { device, token } = await loopbackFlow(lb);
      assert.ok(device.device_code.startsWith(DEVICE_CODE_PREFIX));
      assert.equal(typeof token.access_token, 'string'); // the server found the grant by this exact device_code
      const tokenRequests = requestsTo(lb.server, 'token');
      assert.ok(tokenRequests.length >= 2);
      for (const request of tokenRequests) {
        assert.equal(request.method, 'POST');
        assert.equal(request.path, '/token');
        assert.deepEqual(request.form.filter(([name]) => name === 'device_code'), [['device_code', device.device_code]]);
        assert.ok(request.body.includes('device_code=dc%2B%26%25%3D%2F+'), request.body);
        assert.equal(request.headers['authorization'] !== undefined, auth === 'basic');
        assert.equal(request.form.some(([name]) => name === 'client_secret'), auth === 'post');
      }
    } finally {
      await lb.close();
    }
  }
});

test('rfc8628:3.4:client-auth the ClientAuth is awaited afresh for every token request, so per-request credentials never repeat', async () => {
  const h = harness({ auth: 'post', autoAdvance: true, interval: 1 });
  let calls = 0;
  const fresh: ClientAuth = async (as, client, body, headers) => {
    await new Promise((resolve) => setImmediate(resolve)); // an asynchronous method, e.g. signing an assertion
    calls += 1;
    headers.set('x-assertion-id', `jti-${calls}`);
    return ClientSecretPost()(as, client, body, headers);
  };
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, { client_secret: CLIENT_SECRET }, fresh);
  config[customFetch] = h.fetch;
  const device = await initiateDeviceAuthorization(config, undefined, { now: h.clock.now });
  await pollUntilApproved(h, device, { config: config, approveAfter: 4 });
  const tokenRequests = requestsTo(h.server, 'token');
  assert.ok(tokenRequests.length >= 4);
  assert.equal(calls, 1 + tokenRequests.length);
  const ids = tokenRequests.map((request) => request.headers['x-assertion-id']);
  assert.equal(new Set(ids).size, ids.length);
  for (const request of tokenRequests) assert.equal(new Map(request.form).get('client_secret'), CLIENT_SECRET); // set after the await
});

test('rfc8628:3.4:token-endpoint the poll goes to token_endpoint exactly, query kept; an unusable one is refused before any request', async () => {
  const clock = createFakeClock({ autoAdvance: true });
  const withToken = (token: unknown) => {
    const { fetch } = scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer' }));
    const config = new Configuration({ issuer: ISSUER, token_endpoint: token as string }, CLIENT_ID, undefined, None());
    config[customFetch] = fetch;
    return { config, fetch };
  };
  const good = withToken('https://as.example.test/oauth/token?tenant=x');
  await pollDeviceAuthorizationGrant(good.config, deviceBody() as never, undefined, { now: clock.now, sleep: clock.sleep });
  assert.deepEqual(good.fetch.calls.map((call) => call.url), ['https://as.example.test/oauth/token?tenant=x']);

  for (const token of ['/token', 'https://as.example.test/token#x', 42]) {
    const bad = withToken(token);
    await assert.rejects(
      pollDeviceAuthorizationGrant(bad.config, deviceBody() as never, undefined, { now: clock.now, sleep: clock.sleep }),
      clientError('OAUTH_INVALID_SERVER_METADATA'),
      String(token),
    );
    assert.equal(bad.fetch.calls.length, 0);
  }
});
