// dg:security:https-only and dg:security:insecure-opt-in: every request goes over https, unless a
// caller opts one Configuration (or one discovery) in to plain http with allowInsecureRequests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, deviceBody, json, scriptedFetch, METADATA, configFor } from '../support/harness.js';
import { inProcessFetch } from '../support/in-process-fetch.js';
import { assertCode, rejection, device, pollError } from '../support/security-side.js';

test('dg:security:https-only http: endpoints are refused with OAUTH_HTTP_REQUEST_FORBIDDEN before fetch, for discovery, device authorization and token requests', async () => {
  const fetch = scriptedFetch(() => json({}));
  // Discovery.
  assertCode(
    await rejection(discovery(new URL('http://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch })),
    'OAUTH_HTTP_REQUEST_FORBIDDEN',
    'discovery',
  );
  // Device authorization.
  const insecure = { ...METADATA, device_authorization_endpoint: 'http://as.example.test/da', token_endpoint: 'http://as.example.test/token' };
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch, insecure))), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'device');
  // Token request: a terminal error at the first poll, not a retry.
  assertCode(await pollError(configFor(fetch, insecure), device()), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'token');
  assert.equal(fetch.calls.length, 0, 'fetch was never called');
});

test('dg:security:https-only other schemes are refused with OAUTH_REQUEST_PROTOCOL_FORBIDDEN before fetch', async () => {
  const fetch = scriptedFetch(() => json({}));
  // file:, data: and javascript: endpoints are refused earlier, by the Configuration (dg:security:endpoint-userinfo).
  for (const url of ['ftp://as.example.test/x', 'ws://as.example.test/x', 'wss://as.example.test/x', 'gopher://as.example.test/x']) {
    const server = { ...METADATA, device_authorization_endpoint: url, token_endpoint: url };
    assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch, server))), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', url);
    assertCode(await pollError(configFor(fetch, server), device()), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', url);
  }
  assertCode(
    await rejection(discovery(new URL('ftp://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch })),
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    'discovery',
  );
  assert.equal(fetch.calls.length, 0);
});

// --- insecure opt-in ---------------------------------------------------------------------

test('dg:security:insecure-opt-in execute: [allowInsecureRequests] allows plain http to a non-loopback host for discovery, device authorization and polls', async () => {
  const issuer = 'http://as.compose.internal:8080';
  const clock = createFakeClock({ autoAdvance: true });
  const server = createAuthorizationServer({ issuer, interval: 1, now: clock.now, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const inner = inProcessFetch(server) as CustomFetch;
  const urls: string[] = [];
  const fetch: CustomFetch = (url, init) => {
    urls.push(url);
    return inner(url, init);
  };
  const config = await discovery(new URL(issuer), CLIENT_ID, undefined, None(), { [customFetch]: fetch, execute: [allowInsecureRequests] });
  const response = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: clock.now });
  assert.ok(response.verification_uri.startsWith('http://as.compose.internal'));
  let polls = 0;
  const token = await pollDeviceAuthorizationGrant(config, response, undefined, {
    now: clock.now,
    sleep: clock.sleep,
    onPoll: () => {
      if (++polls === 2) server.approve(response.user_code);
    },
  });
  assert.equal(typeof token.access_token, 'string');
  assert.ok(urls.length >= 3);
  assert.ok(urls.every((u) => u.startsWith('http://as.compose.internal:8080/')), urls.join(' '));
});

test('dg:security:insecure-opt-in allowInsecureRequests(config) opts one Configuration in; others and other schemes stay refused', async () => {
  const insecure = { ...METADATA, device_authorization_endpoint: 'http://10.0.0.7/da', token_endpoint: 'http://10.0.0.7/token' };
  const fetch = scriptedFetch(() => json(deviceBody({ verification_uri: 'http://10.0.0.7/device', verification_uri_complete: undefined })));
  const optedIn = configFor(fetch, insecure);
  const other = configFor(fetch, insecure);
  allowInsecureRequests(optedIn);
  const response = await initiateDeviceAuthorization(optedIn);
  assert.equal(response.verification_uri, 'http://10.0.0.7/device');
  assert.equal(fetch.calls.length, 1);
  assert.equal(fetch.calls[0]?.url, 'http://10.0.0.7/da');
  assertCode(await rejection(initiateDeviceAuthorization(other)), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'the other configuration');
  // The opt-in covers http only.
  const ftp = configFor(fetch, { ...METADATA, device_authorization_endpoint: 'ftp://10.0.0.7/da' });
  allowInsecureRequests(ftp);
  assertCode(await rejection(initiateDeviceAuthorization(ftp)), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', 'ftp with the opt-in');
  assertCode(
    await rejection(discovery(new URL('ftp://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch, execute: [allowInsecureRequests] })),
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    'discovery of ftp with the opt-in',
  );
  assert.equal(fetch.calls.length, 1);
});

test('dg:security:insecure-opt-in over real loopback http with the platform fetch, the opt-in is what lets the request through', async () => {
  const server = createAuthorizationServer({ interval: 0.1, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const listening = await listen(server);
  try {
    assertCode(await rejection(discovery(listening.url, CLIENT_ID)), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'without the opt-in');
    assert.equal(server.requests.length, 0);
    const config = await discovery(listening.url, CLIENT_ID, undefined, undefined, { execute: [allowInsecureRequests] });
    assert.equal(config[customFetch], undefined, 'the platform fetch is used');
    const response = await initiateDeviceAuthorization(config);
    assert.equal(typeof response.device_code, 'string');
    assert.deepEqual(
      server.requests.map((r) => r.endpoint),
      ['discovery', 'device'],
    );
  } finally {
    await listening.close();
  }
});
