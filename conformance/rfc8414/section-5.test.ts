// RFC 8414 §5: compatibility with OpenID Connect Discovery — with insertThenAppend, the
// inserted openid-configuration location first, the appended one second; fall back only when
// the first location fails, never on an issuer mismatch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError, customFetch, discovery, discoveryUrls, initiateDeviceAuthorization, type CustomFetch } from '../../lib/index.js';
import { CLIENT_ID, json } from '../support/harness.js';
import { discoverWith, insecure, loopbackServer, metadataDoc, rawJson, routedFetch, type Route } from '../support/discovery-side.js';
import { hangingFetch } from '../support/never-answers.js';

const SERVER = 'https://as.test/t';
const INSERTED = 'https://as.test/.well-known/openid-configuration/t';
const APPENDED = 'https://as.test/t/.well-known/openid-configuration';
const hasCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;

test('rfc8414:5:oidc-fallback with insertThenAppend the inserted location is tried first, then the appended one', async () => {
  assert.deepEqual(discoveryUrls(new URL(SERVER), 'oidc', true).urls.map(String), [INSERTED, APPENDED]);
  const first = discoverWith(SERVER, { [INSERTED]: json(metadataDoc(SERVER)), [APPENDED]: json(metadataDoc(SERVER)) }, { insertThenAppend: true });
  await first.result;
  assert.deepEqual(first.fetch.calls.map((c) => c.url), [INSERTED]);
  // Opt-in: by default only the appended location is used.
  const dflt = discoverWith(SERVER, { [INSERTED]: json(metadataDoc(SERVER)) });
  await assert.rejects(dflt.result, (error: unknown) => error instanceof ResponseBodyError && error.status === 404);
  assert.deepEqual(dflt.fetch.calls.map((c) => c.url), [APPENDED]);
  // An issuer without a path has one location only; 'oauth2' is never combined with it.
  assert.deepEqual(discoveryUrls(new URL('https://as.test'), 'oidc', true).urls.map(String), ['https://as.test/.well-known/openid-configuration']);
  assert.deepEqual(discoveryUrls(new URL(SERVER), 'oauth2', true).urls.map(String), ['https://as.test/.well-known/oauth-authorization-server/t']);
});

test('rfc8414:5:oidc-fallback it falls back on a network error, a timeout, a non-200 status (redirects included) and a non-JSON body', async () => {
  const failures: Array<[string, Route]> = [
    ['network error', new TypeError('fetch failed')],
    ['404', json({ error: 'not_found' }, 404)],
    ['500 text', new Response('oops', { status: 500 })],
    ['401 challenge', json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic realm="x"' })],
    ['302 to a login page', new Response(null, { status: 302, headers: { location: 'https://as.test/login' } })],
    ['200 html', new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } })],
    ['200 broken json', rawJson('{"issuer"')],
    ['200 json array', json([metadataDoc(SERVER)])],
  ];
  for (const [name, route] of failures) {
    const d = discoverWith(SERVER, { [INSERTED]: route, [APPENDED]: json(metadataDoc(SERVER)) }, { insertThenAppend: true });
    const config = await d.result;
    assert.equal(config.serverMetadata().issuer, SERVER, name);
    assert.deepEqual(d.fetch.calls.map((c) => c.url), [INSERTED, APPENDED], name);
  }
  // A timeout (real timers, 50 ms; no upper bound asserted).
  const appended = routedFetch({ [APPENDED]: json(metadataDoc(SERVER)) });
  const fetch: CustomFetch = (url, init) => (url === INSERTED ? hangingFetch(url, init) : appended(url, init));
  const config = await discovery(new URL(SERVER), CLIENT_ID, undefined, undefined, { insertThenAppend: true, timeout: 0.05, [customFetch]: fetch });
  assert.equal(config.serverMetadata().issuer, SERVER);
  assert.deepEqual(appended.calls.map((c) => c.url), [APPENDED]);
});

test('rfc8414:5:oidc-fallback rfc8414:3.3:issuer-match never on an issuer mismatch or invalid metadata; the check applies to whichever document is used', async () => {
  const noFallback: Array<[string, Route, (error: unknown) => boolean]> = [
    ['mismatch', json(metadataDoc('https://as.test/other')), hasCode('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')],
    ['no issuer', json({ token_endpoint: 'https://as.test/t/token' }), hasCode('OAUTH_INVALID_RESPONSE')],
    ['no token_endpoint', json({ issuer: SERVER }), hasCode('OAUTH_INVALID_SERVER_METADATA')],
    ['too large', new Response('{}', { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) } }), hasCode('OAUTH_RESPONSE_TOO_LARGE')],
  ];
  for (const [name, route, check] of noFallback) {
    const d = discoverWith(SERVER, { [INSERTED]: route, [APPENDED]: json(metadataDoc(SERVER)) }, { insertThenAppend: true });
    await assert.rejects(d.result, check, name);
    assert.deepEqual(d.fetch.calls.map((c) => c.url), [INSERTED], name);
  }
  // The appended document is checked too.
  const second = discoverWith(SERVER, { [APPENDED]: json(metadataDoc('https://evil.test/t')) }, { insertThenAppend: true });
  await assert.rejects(second.result, hasCode('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'));
  assert.equal(second.fetch.calls.length, 2);
  // When both fail, the second failure is reported.
  const both = discoverWith(SERVER, { [APPENDED]: new TypeError('fetch failed') }, { insertThenAppend: true });
  await assert.rejects(both.result, hasCode('OAUTH_NETWORK_ERROR'));
  const both2 = discoverWith(SERVER, { [INSERTED]: new TypeError('fetch failed'), [APPENDED]: json({ error: 'server_error' }, 503) }, { insertThenAppend: true });
  await assert.rejects(both2.result, (error: unknown) => error instanceof ResponseBodyError && error.status === 503);
  // An abort is not a failure of the location: no fallback.
  const controller = new AbortController();
  const aborting: CustomFetch = (url, init) => {
    queueMicrotask(() => controller.abort());
    return hangingFetch(url, init);
  };
  const calls: string[] = [];
  await assert.rejects(
    discovery(new URL(SERVER), CLIENT_ID, undefined, undefined, {
      insertThenAppend: true,
      signal: controller.signal,
      [customFetch]: (url, init) => {
        calls.push(url);
        return aborting(url, init);
      },
    }),
    hasCode('OAUTH_ABORT'),
  );
  assert.deepEqual(calls, [INSERTED]);
});

test('rfc8414:5:oidc-fallback over loopback HTTP: the server has no inserted openid-configuration, so discovery falls back to the appended one', async () => {
  const loop = await loopbackServer('none', { path: '/tenant' });
  try {
    const config = await discovery(loop.issuer, CLIENT_ID, undefined, undefined, { ...insecure, insertThenAppend: true });
    assert.equal(config.serverMetadata().issuer, loop.issuer.href);
    await initiateDeviceAuthorization(config);
    assert.deepEqual(
      loop.server.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /.well-known/openid-configuration/tenant', 'GET /tenant/.well-known/openid-configuration', 'POST /tenant/device_authorization'],
    );
  } finally {
    await loop.close();
  }
});
