// dg:security:no-redirects: fetch is asked not to follow redirects, and every 3xx (or a browser's
// opaque redirect) is a typed error whose Location is never requested.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration, None, allowInsecureRequests, customFetch, discovery, initiateDeviceAuthorization } from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import { CLIENT_ID, ISSUER, scriptedFetch, configFor } from '../support/harness.js';
import { assertCode, rejection, device, pollError } from '../support/security-side.js';

test('dg:security:no-redirects fetch is called with redirect: manual, and every 3xx is a typed terminal error whose Location is never requested', async () => {
  for (const status of [300, 301, 302, 303, 307, 308]) {
    const fetch = scriptedFetch(() => new Response(null, { status, headers: { location: 'https://evil.example.test/steal' } }));
    const error = await rejection(initiateDeviceAuthorization(configFor(fetch)));
    assertCode(error, 'OAUTH_RESPONSE_IS_NOT_CONFORM', `device ${status}`);
    // The Response is a non-enumerable member, never the cause (dg:security:no-response-in-cause).
    assert.ok(error.response instanceof Response);
    assert.equal(error.response.status, status);
    // The token endpoint: terminal, so one request only, never a retry and never the Location.
    const pollFetch = scriptedFetch(() => new Response('moved', { status, headers: { location: 'https://evil.example.test/steal' } }));
    assertCode(await pollError(configFor(pollFetch), device()), 'OAUTH_RESPONSE_IS_NOT_CONFORM', `token ${status}`);
    const discoveryFetch = scriptedFetch(() => new Response(null, { status, headers: { location: 'https://evil.example.test/steal' } }));
    assertCode(
      await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: discoveryFetch })),
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
      `discovery ${status}`,
    );
    for (const f of [fetch, pollFetch, discoveryFetch]) {
      assert.equal(f.calls.length, 1, `${status}: exactly one request`);
      assert.equal(f.calls[0]?.init.redirect, 'manual');
      assert.ok(!f.calls.some((c) => c.url.includes('evil')));
    }
  }
});

test('dg:security:no-redirects a browser opaque redirect (type opaqueredirect, status 0) is a typed error too', async () => {
  const opaque = (): Response => Object.defineProperty(new Response(null), 'type', { value: 'opaqueredirect' });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(opaque)))), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assertCode(await pollError(configFor(scriptedFetch(opaque)), device()), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
});

test('dg:security:no-redirects with the platform fetch over loopback, a 302 from the server is not followed', async () => {
  const server = createAuthorizationServer({ interval: 0.1, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const listening = await listen(server);
  try {
    const config = new Configuration(
      { issuer: listening.url.origin, device_authorization_endpoint: `${listening.url.origin}/device_authorization`, token_endpoint: `${listening.url.origin}/token` },
      CLIENT_ID,
      undefined,
      None(),
    );
    allowInsecureRequests(config);
    server.injectFaults({ endpoint: 'device', fault: { kind: 'redirect', status: 307, location: `${listening.url.origin}/device_authorization?followed=1` } });
    assertCode(await rejection(initiateDeviceAuthorization(config)), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.path, '/device_authorization');
  } finally {
    await listening.close();
  }
});
