// RFC 8628 §4: the device_authorization_endpoint metadata member.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Configuration,
  None,
  ResponseBodyError,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
} from '../../lib/index.js';
import { CLIENT_ID, ISSUER, deviceBody, json, scriptedFetch } from '../support/harness.js';
import { clientError, loopback, requestsTo } from '../support/request-side.js';

function configWith(device: unknown): { config: Configuration; fetch: ReturnType<typeof scriptedFetch> } {
  const fetch = scriptedFetch(() => json(deviceBody()));
  const metadata: Record<string, unknown> = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` };
  if (device !== undefined) metadata['device_authorization_endpoint'] = device;
  const config = new Configuration(metadata as { issuer: string }, CLIENT_ID, undefined, None());
  config[customFetch] = fetch;
  return { config, fetch };
}

test('rfc8628:4:device-endpoint-metadata rfc6749:3.2:keep-query the request goes to device_authorization_endpoint exactly, query included', async () => {
  for (const endpoint of [
    'https://login.example.net/oauth2/v2.0/devicecode',
    'https://as.example.test/device?tenant=a%20b&x=1',
    'https://as.example.test:8443/',
  ]) {
    const { config, fetch } = configWith(endpoint);
    await initiateDeviceAuthorization(config);
    assert.deepEqual(fetch.calls.map((call) => call.url), [new URL(endpoint).href]);
  }
});

test('rfc8628:4:device-endpoint-metadata on real HTTP, discovery then initiate uses the discovered endpoint, not one derived from the issuer', async () => {
  const lb = await loopback('none');
  try {
    const origin = lb.listening.url.origin;
    const config = await discovery(new URL(origin), CLIENT_ID, undefined, None(), { execute: [allowInsecureRequests] });
    assert.equal(config.serverMetadata().device_authorization_endpoint, `${origin}/device_authorization`);
    const device = await initiateDeviceAuthorization(config);
    assert.equal(typeof device.device_code, 'string');
    assert.deepEqual(requestsTo(lb.server, 'device').map((r) => r.path), ['/device_authorization']);
  } finally {
    await lb.close();
  }

  // The server publishes another location: the request follows the metadata, wherever it points.
  const moved = await loopback('none');
  try {
    const origin = moved.listening.url.origin;
    const override = `${origin}/elsewhere/device?v=2`;
    const fetchAndRewrite = scriptedFetch(async (url, init) => {
      const response = await fetch(url, init as RequestInit);
      if (!url.includes('/.well-known/')) return response;
      const metadata = (await response.json()) as Record<string, unknown>;
      return json({ ...metadata, device_authorization_endpoint: override });
    });
    const config = await discovery(new URL(origin), CLIENT_ID, undefined, None(), {
      execute: [allowInsecureRequests],
      [customFetch]: fetchAndRewrite,
    });
    await assert.rejects(initiateDeviceAuthorization(config), (error: unknown) => error instanceof ResponseBodyError && error.status === 404);
    assert.deepEqual(fetchAndRewrite.calls.map((call) => call.url), [`${origin}/.well-known/openid-configuration`, override]);
    assert.equal(moved.server.requests.at(-1)?.path, '/elsewhere/device?v=2');
    assert.equal(requestsTo(moved.server, 'device').length, 0);
  } finally {
    await moved.close();
  }
});

test('rfc8628:4:device-endpoint-optional without device_authorization_endpoint initiate fails with OAUTH_MISSING_SERVER_METADATA and guesses no URL', async () => {
  const { config, fetch } = configWith(undefined);
  await assert.rejects(initiateDeviceAuthorization(config), clientError('OAUTH_MISSING_SERVER_METADATA'));
  await assert.rejects(initiateDeviceAuthorization(config, { scope: 'openid' }), clientError('OAUTH_MISSING_SERVER_METADATA'));
  assert.equal(fetch.calls.length, 0);

  // Discovery accepts metadata without the member; the request side then refuses, with nothing sent.
  const lb = await loopback('none', { metadataOverrides: { device_authorization_endpoint: undefined } });
  try {
    const discovered = await discovery(lb.listening.url, CLIENT_ID, undefined, None(), { execute: [allowInsecureRequests] });
    assert.equal('device_authorization_endpoint' in discovered.serverMetadata(), false);
    await assert.rejects(initiateDeviceAuthorization(discovered), clientError('OAUTH_MISSING_SERVER_METADATA'));
    assert.deepEqual(lb.server.requests.map((r) => r.endpoint), ['discovery']);
  } finally {
    await lb.close();
  }
});

test('rfc8628:4:device-endpoint-optional rfc6749:3.2:no-fragment a present but unusable device_authorization_endpoint is refused, never fetched', async () => {
  for (const value of [123, null, '', '/device_authorization', 'as.example.test/device', 'https://as.example.test/device#x', 'https://as.example.test/device#']) {
    const { config, fetch } = configWith(value);
    await assert.rejects(initiateDeviceAuthorization(config), clientError('OAUTH_INVALID_SERVER_METADATA'), JSON.stringify(value));
    assert.equal(fetch.calls.length, 0);
  }
  // Discovery refuses such metadata up front.
  for (const value of [123, 'relative/device', 'https://as.example.test/device#frag']) {
    const lb = await loopback('none', { metadataOverrides: { device_authorization_endpoint: value } });
    try {
      await assert.rejects(
        discovery(lb.listening.url, CLIENT_ID, undefined, None(), { execute: [allowInsecureRequests] }),
        clientError('OAUTH_INVALID_SERVER_METADATA'),
        JSON.stringify(value),
      );
      assert.deepEqual(lb.server.requests.map((r) => r.endpoint), ['discovery']);
    } finally {
      await lb.close();
    }
  }
});
