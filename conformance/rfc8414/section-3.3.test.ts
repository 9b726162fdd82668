// RFC 8414 §3.3: the issuer in the document must be the issuer the URL was built from; after a
// mismatch nothing from the document is used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, allowInsecureRequests } from '../../lib/index.js';
import { json } from '../support/harness.js';
import { discoverWith, type Route } from '../support/discovery-side.js';

const mismatch = (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';

/** Serves, at every URL discovery may pick, a document for `documentIssuer` whose endpoints live on endpoints.test. */
function serve(server: string, documentIssuer: unknown, options: Parameters<typeof discoverWith>[2] = {}) {
  const { origin, pathname } = new URL(server);
  const urls = [
    `${origin}/.well-known/oauth-authorization-server${pathname.replace(/\/$/, '')}`,
    `${origin}/.well-known/openid-configuration${pathname.replace(/\/$/, '')}`,
    `${server.replace(/\/$/, '')}/.well-known/openid-configuration`,
  ];
  const doc = {
    issuer: documentIssuer,
    token_endpoint: 'https://endpoints.test/token',
    device_authorization_endpoint: 'https://endpoints.test/device_authorization',
  };
  const routes: Record<string, Route> = {};
  for (const url of urls) routes[url] = json(doc);
  return discoverWith(server, routes, options);
}

test('rfc8414:3.3:issuer-match rfc8414:6.2:issuer-prefix a document naming another issuer is rejected with OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', async () => {
  const cases: Array<[string, string, Parameters<typeof discoverWith>[2]?]> = [
    ['https://as.test/tenant-a', 'https://as.test/tenant-b'], // another path
    ['https://as.test/t', 'https://as.test/t/'], // a trailing slash after a path
    ['https://as.test/t/', 'https://as.test/t'],
    ['https://as.test', 'https://as.test/t'],
    ['https://as.test', 'http://as.test'], // another scheme
    ['http://as.test', 'https://as.test', { execute: [allowInsecureRequests] }],
    ['https://as.test', 'https://evil.test'], // another host
    ['https://as.test', 'https://as.test:8443'], // another port
    ['https://as.test', 'https://sub.as.test'],
    ['https://as.test/t', 'https://as.test/t?x=1'],
    ['https://as.test/t', 'https://as.test/t#f'],
    ['https://as.test/t', 'https://user@as.test/t'],
    ['https://as.test/t', '/t'],
  ];
  for (const [server, issuer, options] of cases) {
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const d = serve(server, issuer, { ...options, algorithm });
      await assert.rejects(d.result, mismatch, `${server} vs ${issuer} (${algorithm})`);
      assert.equal(d.fetch.calls.length, 1);
    }
  }
});

test('rfc8414:3.3:issuer-match the comparison is by URL href: an empty path and "/", letter case of scheme and host, and a default port are the same', async () => {
  const equal: Array<[string, string]> = [
    ['https://as.test', 'https://as.test/'],
    ['https://as.test/', 'https://as.test'],
    ['https://as.test/t', 'HTTPS://AS.TEST/t'],
    ['https://as.test/t', 'https://as.test:443/t'],
    ['https://as.test/t', 'https://as.test/t'],
  ];
  for (const [server, issuer] of equal) {
    const d = serve(server, issuer);
    const config = await d.result;
    assert.equal(config.serverMetadata().issuer, issuer, `${server} vs ${issuer}`);
  }
});

test('rfc8414:3.3:issuer-match a missing or non-string issuer is OAUTH_INVALID_RESPONSE', async () => {
  for (const issuer of [undefined, 1, null, {}]) {
    const d = serve('https://as.test', issuer);
    await assert.rejects(d.result, (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_INVALID_RESPONSE');
  }
});

test('rfc8414:3.3:mismatch-unused after an issuer mismatch no Configuration is produced and no request goes to an endpoint the document names', async () => {
  let executed = false;
  for (const insertThenAppend of [false, true]) {
    const d = serve('https://as.test/t', 'https://evil.test/t', { insertThenAppend, execute: [() => (executed = true)] });
    const outcome = await d.result.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    assert.ok(mismatch(outcome));
    // One request, to the metadata URL; never to endpoints.test, and no fallback to another location.
    assert.equal(d.fetch.calls.length, 1);
    assert.ok(d.fetch.calls.every((c) => new URL(c.url).host === 'as.test'));
  }
  assert.equal(executed, false, 'execute never runs on a mismatch');
});
