// RFC 8414 §3.1: the metadata request — a GET with no body — and the trailing-slash rule of
// the path insertion. Also: every request asks for JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customFetch, discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, deviceBody, json } from '../support/harness.js';
import { discoverWith, metadataDoc, routedFetch, tokenBody } from '../support/discovery-side.js';

test('rfc8414:3.1:get the metadata document is fetched with a GET that has no body', async () => {
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    const server = 'https://as.test/t';
    const url = algorithm === 'oidc' ? 'https://as.test/t/.well-known/openid-configuration' : 'https://as.test/.well-known/oauth-authorization-server/t';
    const d = discoverWith(server, { [url]: json(metadataDoc(server)) }, { algorithm }, CLIENT_SECRET);
    await d.result;
    assert.equal(d.fetch.calls.length, 1);
    const { init } = d.fetch.calls[0]!;
    assert.equal(init.method, 'GET');
    assert.equal(init.body, undefined);
    assert.equal(init.headers['content-type'], undefined);
    // No client credentials go to the metadata endpoint.
    assert.equal(init.headers['authorization'], undefined);
    assert.equal(d.fetch.calls[0]!.url, url);
  }
});

test('rfc8414:3.1:trailing-slash with oauth2 a trailing / on the issuer path is dropped before the insertion', async () => {
  const cases: Array<[string, string]> = [
    ['https://as.test/t1/', 'https://as.test/.well-known/oauth-authorization-server/t1'],
    ['https://as.test/', 'https://as.test/.well-known/oauth-authorization-server'],
    ['https://as.test', 'https://as.test/.well-known/oauth-authorization-server'],
    ['https://as.test/a/b/', 'https://as.test/.well-known/oauth-authorization-server/a/b'],
    ['https://as.test:8443/t1/', 'https://as.test:8443/.well-known/oauth-authorization-server/t1'],
  ];
  for (const [server, expected] of cases) {
    const d = discoverWith(server, { [expected]: json(metadataDoc(server)) }, { algorithm: 'oauth2' });
    const config = await d.result;
    assert.deepEqual(d.fetch.calls.map((c) => c.url), [expected], server);
    // The issuer check still uses the issuer as given, slash included.
    assert.equal(config.serverMetadata().issuer, server);
  }
});

test('dg:tolerance:accept-json every request carries Accept: application/json (discovery, device authorization, every poll)', async () => {
  const issuer = 'https://as.test';
  let polls = 0;
  const fetch = routedFetch({
    [`${issuer}/.well-known/openid-configuration`]: json(metadataDoc(issuer)),
    [`${issuer}/device_authorization`]: json(deviceBody()),
    [`${issuer}/token`]: () => (++polls < 3 ? json({ error: 'authorization_pending' }, 400) : json(tokenBody())),
  });
  for (const auth of ['none', 'post'] as const) {
    const config = await discovery(new URL(issuer), CLIENT_ID, auth === 'post' ? CLIENT_SECRET : undefined, undefined, { [customFetch]: fetch });
    const clock = createFakeClock({ autoAdvance: true });
    const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
    await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  }
  const endpoints = new Set(fetch.calls.map((c) => new URL(c.url).pathname));
  assert.deepEqual(endpoints, new Set(['/.well-known/openid-configuration', '/device_authorization', '/token']));
  assert.ok(fetch.calls.length >= 8);
  for (const { init } of fetch.calls) assert.equal(init.headers['accept'], 'application/json');
});
