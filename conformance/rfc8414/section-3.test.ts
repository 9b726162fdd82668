// RFC 8414 §3: where the metadata is fetched from ('oidc' appends, 'oauth2' inserts, a
// /.well-known/ URL is used as given), https only, and discovery()'s openid-client signature
// and options (timeout, customFetch).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  allowInsecureRequests,
  customFetch,
  discovery,
  discoveryUrls,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, deviceBody, json, scriptedConfig } from '../support/harness.js';
import { discoverWith, insecure, loopbackServer, metadataDoc } from '../support/discovery-side.js';
import { hangingFetch } from '../support/never-answers.js';

const hasCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;
const argError = (code: string) => (error: unknown) => error instanceof TypeError && (error as TypeError & { code?: string }).code === code;

/** The URL discovery fetches for `server`, and the Configuration it builds from a matching document. */
async function fetchedUrl(server: string, options: Parameters<typeof discoverWith>[2] = {}, issuer = server): Promise<string> {
  const calls: string[] = [];
  const d = discoverWith(server, {}, options);
  // Answer any URL with a document for `issuer`, so only the URL choice is under test.
  await d.result.catch(() => {});
  calls.push(...d.fetch.calls.map((c) => c.url));
  const answer = discoverWith(server, { [calls[0]!]: json(metadataDoc(issuer)) }, options);
  const config = await answer.result;
  assert.ok(config instanceof Configuration);
  return calls[0]!;
}

test('rfc8414:3:well-known-insert with algorithm oauth2 the suffix goes between the host (with port) and the path', async () => {
  const oauth2 = { algorithm: 'oauth2' } as const;
  assert.equal(await fetchedUrl('https://as.test/t/a', oauth2), 'https://as.test/.well-known/oauth-authorization-server/t/a');
  assert.equal(await fetchedUrl('https://as.test:8443/t', oauth2), 'https://as.test:8443/.well-known/oauth-authorization-server/t');
  assert.equal(await fetchedUrl('https://as.test', oauth2), 'https://as.test/.well-known/oauth-authorization-server');
  assert.equal(await fetchedUrl('https://as.test/t%20x/%C3%A9', oauth2), 'https://as.test/.well-known/oauth-authorization-server/t%20x/%C3%A9');
  assert.deepEqual(
    discoveryUrls(new URL('https://as.test/t/a'), 'oauth2', false).urls.map(String),
    ['https://as.test/.well-known/oauth-authorization-server/t/a'],
  );
});

test('rfc8414:3:suffix-declared dg:compat:discovery-oidc-default the default appends /.well-known/openid-configuration, without a doubled slash', async () => {
  assert.equal(await fetchedUrl('https://as.test'), 'https://as.test/.well-known/openid-configuration');
  assert.equal(await fetchedUrl('https://as.test/'), 'https://as.test/.well-known/openid-configuration');
  assert.equal(await fetchedUrl('https://as.test/t'), 'https://as.test/t/.well-known/openid-configuration');
  assert.equal(await fetchedUrl('https://as.test/t/', {}, 'https://as.test/t/'), 'https://as.test/t/.well-known/openid-configuration');
  assert.equal(await fetchedUrl('https://as.test:8443/a/b'), 'https://as.test:8443/a/b/.well-known/openid-configuration');
  // algorithm: 'oidc' said out loud is the same.
  assert.equal(await fetchedUrl('https://as.test/t', { algorithm: 'oidc' }), 'https://as.test/t/.well-known/openid-configuration');
  // and the two algorithms name different documents.
  assert.notEqual(await fetchedUrl('https://as.test/t', { algorithm: 'oauth2' }), await fetchedUrl('https://as.test/t'));
});

test('dg:compat:discovery-well-known-as-given a /.well-known/ URL is fetched as given, and checked against the issuer it stands for', async () => {
  const cases: Array<[string, string]> = [
    ['https://as.test/.well-known/openid-configuration', 'https://as.test'],
    ['https://as.test/t/.well-known/openid-configuration', 'https://as.test/t'],
    ['https://as.test/.well-known/oauth-authorization-server', 'https://as.test/'],
    ['https://as.test/.well-known/oauth-authorization-server/t/a', 'https://as.test/t/a'],
    ['https://as.test:8443/.well-known/openid-configuration/t', 'https://as.test:8443/t'],
  ];
  for (const [url, issuer] of cases) {
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const d = discoverWith(url, { [url]: json(metadataDoc(issuer)) }, { algorithm });
      const config = await d.result;
      assert.deepEqual(d.fetch.calls.map((c) => c.url), [url]);
      assert.equal(config.serverMetadata().issuer, issuer);
    }
    // A document naming another issuer is still a mismatch.
    const wrong = discoverWith(url, { [url]: json(metadataDoc('https://other.test')) });
    await assert.rejects(wrong.result, hasCode('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'), url);
  }
  assert.equal(discoveryUrls(new URL('https://as.test/t/.well-known/openid-configuration'), 'oidc', true).urls.length, 1);
});

test('rfc8414:3:https dg:security:insecure-opt-in discovery of an http server is refused before fetch, unless execute: [allowInsecureRequests]', async () => {
  const server = 'http://as.test';
  const routes = {
    'http://as.test/.well-known/openid-configuration': json(metadataDoc(server)),
    'http://as.test/device_authorization': json(deviceBody({ verification_uri: 'http://as.test/device', verification_uri_complete: undefined })),
  };
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    const refused = discoverWith(server, routes, { algorithm });
    await assert.rejects(refused.result, hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
    assert.equal(refused.fetch.calls.length, 0);
  }
  const allowed = discoverWith(server, routes, insecure);
  const config = await allowed.result;
  // The opt-in stays on the Configuration: its http requests go too.
  await initiateDeviceAuthorization(config);
  assert.deepEqual(allowed.fetch.calls.map((c) => c.url), ['http://as.test/.well-known/openid-configuration', 'http://as.test/device_authorization']);
  // Other schemes are never allowed.
  const ftp = discoverWith('ftp://as.test', {}, insecure);
  await assert.rejects(ftp.result, hasCode('OAUTH_REQUEST_PROTOCOL_FORBIDDEN'));
  assert.equal(ftp.fetch.calls.length, 0);
});

test('dg:compat:discovery-signature discovery(server, clientId, metadata?, clientAuth?, options?) resolves to a Configuration; server must be a URL', async () => {
  const d = discoverWith('https://as.test', { 'https://as.test/.well-known/openid-configuration': json(metadataDoc('https://as.test')) }, {}, { client_secret: 's' });
  const config = await d.result;
  assert.ok(config instanceof Configuration);
  assert.equal(config.clientMetadata().client_id, CLIENT_ID);
  assert.equal(config.serverMetadata().token_endpoint, 'https://as.test/token');
  for (const server of ['https://as.test', { href: 'https://as.test' }, undefined, null]) {
    await assert.rejects(discovery(server as unknown as URL, CLIENT_ID), argError('ERR_INVALID_ARG_TYPE'));
  }
  // execute functions run on the new Configuration, in order.
  const seen: string[] = [];
  const e = discoverWith('https://as.test', { 'https://as.test/.well-known/openid-configuration': json(metadataDoc('https://as.test')) }, {
    execute: [(c) => seen.push(`a:${c instanceof Configuration}`), (c) => seen.push(`b:${c.clientMetadata().client_id}`)],
  });
  await e.result;
  assert.deepEqual(seen, ['a:true', `b:${CLIENT_ID}`]);
});

test('dg:compat:timeout-default config.timeout is in seconds, defaults to 30, can be set; an unanswered request rejects with OAUTH_TIMEOUT', async () => {
  const { config } = scriptedConfig(() => json(deviceBody()));
  assert.equal(config.timeout, 30);
  config.timeout = 5;
  assert.equal(config.timeout, 5);
  config.timeout = 0.25;
  assert.equal(config.timeout, 0.25);
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => {
      config.timeout = bad;
    }, argError('ERR_INVALID_ARG_VALUE'));
  }
  assert.throws(() => {
    config.timeout = '5' as unknown as number;
  }, TypeError);
  assert.equal(config.timeout, 0.25);

  // Real timers: a 150 ms timeout against a fetch that never answers. Lower bound only, 100 ms slack.
  let signal: AbortSignal | undefined;
  const hang: CustomFetch = (url, init) => {
    signal = init.signal;
    return hangingFetch(url, init);
  };
  config[customFetch] = hang;
  config.timeout = 0.15;
  const started = Date.now();
  await assert.rejects(initiateDeviceAuthorization(config), hasCode('OAUTH_TIMEOUT'));
  assert.ok(Date.now() - started >= 150 - 100, 'not before the timeout');
  assert.equal(signal?.aborted, true, 'the fetch is aborted when the timeout fires');

  // discovery: options.timeout applies to the metadata request and becomes config.timeout.
  const slow = discovery(new URL('https://as.test'), CLIENT_ID, undefined, undefined, { timeout: 0.05, [customFetch]: hangingFetch });
  await assert.rejects(slow, hasCode('OAUTH_TIMEOUT'));
  const d = discoverWith('https://as.test', { 'https://as.test/.well-known/openid-configuration': json(metadataDoc('https://as.test')) }, { timeout: 7 });
  assert.equal((await d.result).timeout, 7);
  const dflt = discoverWith('https://as.test', { 'https://as.test/.well-known/openid-configuration': json(metadataDoc('https://as.test')) });
  assert.equal((await dflt.result).timeout, 30);
  const badTimeout = discoverWith('https://as.test', {}, { timeout: -1 });
  await assert.rejects(badTimeout.result, argError('ERR_INVALID_ARG_VALUE'));
  assert.equal(badTimeout.fetch.calls.length, 0);
});

test('dg:compat:customfetch-shape config[customFetch] is get/set and is called as (url string, plain init) with redirect manual', async () => {
  const { config, fetch } = scriptedConfig((url) => (url.endsWith('/device_authorization') ? json(deviceBody()) : json({ access_token: 'a', token_type: 'bearer' })));
  assert.equal(config[customFetch], fetch);
  assert.throws(() => {
    config[customFetch] = 'fetch' as unknown as CustomFetch;
  }, argError('ERR_INVALID_ARG_TYPE'));
  assert.equal(config[customFetch], fetch);
  const fresh = new Configuration({ issuer: 'https://as.test' }, CLIENT_ID);
  assert.equal(fresh[customFetch], undefined);

  const seen: unknown[][] = [];
  const recorder: CustomFetch = (...args) => {
    seen.push(args);
    return fetch(...args);
  };
  config[customFetch] = recorder;
  const device = await initiateDeviceAuthorization(config);
  const clock = createFakeClock({ autoAdvance: true });
  await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  const d = discoverWith('https://as.test', { 'https://as.test/.well-known/openid-configuration': json(metadataDoc('https://as.test')) });
  await d.result;
  const all = [...seen, ...d.fetch.calls.map((c) => [c.url, c.init])];
  assert.ok(all.length >= 3);
  for (const args of all) {
    assert.equal(args.length, 2);
    const [url, init] = args as [unknown, Record<string, unknown>];
    assert.equal(typeof url, 'string');
    assert.equal(url instanceof Request, false);
    assert.deepEqual(Object.keys(init).sort(), ['body', 'headers', 'method', 'redirect', 'signal']);
    assert.equal(Object.getPrototypeOf(init['headers']), Object.prototype);
    for (const name of Object.keys(init['headers'] as object)) assert.equal(name, name.toLowerCase());
    assert.equal(init['redirect'], 'manual');
    assert.ok(init['signal'] instanceof AbortSignal);
    if (init['method'] === 'POST') assert.equal(typeof init['body'], 'string');
    else assert.equal(init['method'], 'GET');
  }
  // discovery installs options[customFetch] on the Configuration it returns.
  assert.equal((await d.result)[customFetch], d.fetch);
  // The Response is handled like fetch's: a redirect is refused, not followed.
  const redirect = scriptedConfig(() => new Response(null, { status: 302, headers: { location: 'https://evil.test/' } }));
  await assert.rejects(initiateDeviceAuthorization(redirect.config), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM'));
  assert.equal(redirect.fetch.calls.length, 1);
  // Setting undefined goes back to the global fetch.
  config[customFetch] = undefined;
  assert.equal(config[customFetch], undefined);
});

test('rfc8414:3:well-known-insert rfc8414:3:suffix-declared dg:compat:discovery-oidc-default both algorithms over loopback HTTP, issuer with a path', async () => {
  const loop = await loopbackServer('none', { path: '/tenant' });
  try {
    for (const algorithm of ['oauth2', 'oidc'] as const) {
      const config = await discovery(loop.issuer, CLIENT_ID, undefined, undefined, { ...insecure, algorithm });
      assert.equal(config.serverMetadata().issuer, loop.issuer.href);
      const device = await initiateDeviceAuthorization(config);
      assert.equal(typeof device.user_code, 'string');
    }
    const paths = loop.server.requests.filter((r) => r.endpoint === 'discovery').map((r) => r.path);
    assert.deepEqual(paths, ['/.well-known/oauth-authorization-server/tenant', '/tenant/.well-known/openid-configuration']);
    assert.deepEqual(
      loop.server.requests.filter((r) => r.endpoint === 'device').map((r) => r.path),
      ['/tenant/device_authorization', '/tenant/device_authorization'],
    );
  } finally {
    await loop.close();
  }
  // Without the opt-in, the real http server is never contacted.
  const refused = await loopbackServer('none');
  try {
    await assert.rejects(discovery(refused.issuer, CLIENT_ID), hasCode('OAUTH_HTTP_REQUEST_FORBIDDEN'));
    assert.equal(refused.server.requests.length, 0);
    const config = await discovery(refused.issuer, CLIENT_ID, undefined, undefined, { execute: [allowInsecureRequests] });
    assert.equal(config.serverMetadata().issuer, refused.issuer.origin);
  } finally {
    await refused.close();
  }
});
