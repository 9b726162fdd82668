// RFC 8414 §3.2: the metadata response — only a 200 JSON object counts; unknown members and
// empty arrays are accepted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError } from '../../lib/index.js';
import { json } from '../support/harness.js';
import { discoverWith, metadataDoc, rawJson } from '../support/discovery-side.js';

const ISSUER = 'https://as.test';
const URL_OIDC = `${ISSUER}/.well-known/openid-configuration`;
const hasCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;

test('rfc8414:3.2:status-200-json any status but 200, a non-JSON body or a non-object is a typed error; redirects are not followed', async () => {
  const doc = JSON.stringify(metadataDoc(ISSUER));
  const cases: Array<[string, () => Response, (error: unknown) => boolean]> = [
    ['201', () => rawJson(doc, 201), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['204', () => new Response(null, { status: 204 }), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['404 text', () => new Response('not found', { status: 404 }), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['500 json', () => rawJson(doc, 500), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['400 oauth error', () => json({ error: 'invalid_request' }, 400), (e) => e instanceof ResponseBodyError && e.error === 'invalid_request'],
    ['301', () => new Response(doc, { status: 301, headers: { location: `${ISSUER}/elsewhere` } }), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['302', () => new Response(null, { status: 302, headers: { location: 'https://evil.test/' } }), hasCode('OAUTH_RESPONSE_IS_NOT_CONFORM')],
    ['200 html', () => new Response('<!doctype html><p>login</p>', { status: 200, headers: { 'content-type': 'text/html' } }), hasCode('OAUTH_RESPONSE_IS_NOT_JSON')],
    ['200 json as text/plain', () => new Response(doc, { status: 200, headers: { 'content-type': 'text/plain' } }), hasCode('OAUTH_RESPONSE_IS_NOT_JSON')],
    ['200 no content-type', () => new Response(new Blob([doc]), { status: 200 }), hasCode('OAUTH_RESPONSE_IS_NOT_JSON')],
    ['200 broken json', () => rawJson('{"issuer":'), hasCode('OAUTH_PARSE_ERROR')],
    ['200 json array', () => json([metadataDoc(ISSUER)]), hasCode('OAUTH_INVALID_RESPONSE')],
    ['200 json null', () => rawJson('null'), hasCode('OAUTH_INVALID_RESPONSE')],
    ['200 json string', () => json('https://as.test'), hasCode('OAUTH_INVALID_RESPONSE')],
    ['200 __proto__', () => rawJson(`{"__proto__":{"polluted":1},${doc.slice(1)}`), hasCode('OAUTH_INVALID_RESPONSE')],
  ];
  for (const [name, response, check] of cases) {
    const d = discoverWith(ISSUER, { [URL_OIDC]: response });
    await assert.rejects(d.result, check, name);
    assert.equal(d.fetch.calls.length, 1, `${name}: one request, no redirect followed`);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  // application/json with parameters, and +json types, are JSON.
  for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/oauth-authz-server+json']) {
    const d = discoverWith(ISSUER, { [URL_OIDC]: new Response(doc, { status: 200, headers: { 'content-type': type } }) });
    assert.equal((await d.result).serverMetadata().issuer, ISSUER, type);
  }
});

test('rfc8414:3.2:other-members members the library does not know are kept in serverMetadata()', async () => {
  const extra = {
    registration_endpoint: `${ISSUER}/register`,
    x_vendor: { nested: [1, 'two', { three: null }] },
    introspection_endpoint_auth_signing_alg_values_supported: ['ES256'],
    mtls_endpoint_aliases: { token_endpoint: 'https://mtls.as.test/token' },
    flag: true,
  };
  const d = discoverWith(ISSUER, { [URL_OIDC]: json(metadataDoc(ISSUER, extra)) });
  const metadata = (await d.result).serverMetadata();
  for (const [name, value] of Object.entries(extra)) assert.deepEqual(metadata[name], value, name);
});

test('rfc8414:3.2:empty-arrays a document with empty arrays is accepted', async () => {
  const empty = {
    grant_types_supported: [],
    scopes_supported: [],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: [],
    code_challenge_methods_supported: [],
  };
  const d = discoverWith(ISSUER, { [URL_OIDC]: json(metadataDoc(ISSUER, empty)) });
  const metadata = (await d.result).serverMetadata();
  for (const name of Object.keys(empty)) assert.deepEqual(metadata[name], [], name);
});
