// RFC 8414 §2: the metadata document — issuer, token_endpoint — and the Configuration built
// from metadata (openid-client's constructor).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  Configuration,
  None,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type DeviceAuthorizationResponse,
  type ServerMetadata,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, json, scriptedFetch } from '../support/harness.js';
import { discoverWith, metadataDoc, routedFetch } from '../support/discovery-side.js';

const WELL_KNOWN = `${ISSUER}/.well-known/openid-configuration`;
const hasCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;
const argError = (code: string) => (error: unknown) => error instanceof TypeError && (error as TypeError & { code?: string }).code === code;

test('rfc8414:2:issuer-required a document without a string issuer is rejected with a typed error', async () => {
  for (const issuer of [undefined, 5, null, ['https://as.example.test'], { href: ISSUER }]) {
    const doc = metadataDoc(ISSUER, { issuer });
    if (issuer === undefined) delete doc['issuer'];
    const d = discoverWith(ISSUER, { [WELL_KNOWN]: json(doc) });
    await assert.rejects(d.result, hasCode('OAUTH_INVALID_RESPONSE'), String(issuer));
    assert.equal(d.fetch.calls.length, 1);
  }
});

test('rfc8414:2:issuer-shape a server URL with a query or fragment is an argument error; a document issuer that is not such a URL is a mismatch', async () => {
  for (const server of [`${ISSUER}/?tenant=1`, `${ISSUER}/#x`, `${ISSUER}/t?`, `${ISSUER}/t#`]) {
    // An empty '?' or '#' still counts, although URL reports search and hash as ''.
    const url = new URL(server);
    const d = discoverWith(url, {});
    await assert.rejects(d.result, argError('ERR_INVALID_ARG_VALUE'), server);
    assert.equal(d.fetch.calls.length, 0);
  }
  for (const issuer of ['not a url', `${ISSUER}/?x=1`, `${ISSUER}/#f`, 'http://as.example.test', 'as.example.test', '']) {
    const d = discoverWith(ISSUER, { [WELL_KNOWN]: json(metadataDoc(ISSUER, { issuer })) });
    await assert.rejects(d.result, hasCode('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'), issuer);
  }
});

test('rfc8414:2:token-endpoint-required discovery refuses a missing or non-absolute token_endpoint; a hand-built Configuration without one fails before sending', async () => {
  for (const token_endpoint of [undefined, '/token', 'token', 42, null, `${ISSUER}/token#frag`]) {
    const doc = metadataDoc(ISSUER, { token_endpoint });
    if (token_endpoint === undefined) delete doc['token_endpoint'];
    const d = discoverWith(ISSUER, { [WELL_KNOWN]: json(doc) });
    await assert.rejects(d.result, hasCode('OAUTH_INVALID_SERVER_METADATA'), String(token_endpoint));
  }
  // device_authorization_endpoint is optional in the document, but must be a URL when present.
  const noDevice = metadataDoc(ISSUER);
  delete noDevice['device_authorization_endpoint'];
  const ok = discoverWith(ISSUER, { [WELL_KNOWN]: json(noDevice) });
  const config = await ok.result;
  await assert.rejects(initiateDeviceAuthorization(config), hasCode('OAUTH_MISSING_SERVER_METADATA'));
  assert.equal(ok.fetch.calls.length, 1);
  const badDevice = discoverWith(ISSUER, { [WELL_KNOWN]: json(metadataDoc(ISSUER, { device_authorization_endpoint: 'nope' })) });
  await assert.rejects(badDevice.result, hasCode('OAUTH_INVALID_SERVER_METADATA'));

  const fetch = scriptedFetch(() => json({}));
  const handBuilt = new Configuration({ issuer: ISSUER, device_authorization_endpoint: `${ISSUER}/d` }, CLIENT_ID, undefined, None());
  handBuilt[customFetch] = fetch;
  const clock = createFakeClock({ autoAdvance: true });
  await assert.rejects(
    pollDeviceAuthorizationGrant(handBuilt, deviceBody() as unknown as DeviceAuthorizationResponse, undefined, { now: clock.now, sleep: clock.sleep }),
    hasCode('OAUTH_MISSING_SERVER_METADATA'),
  );
  assert.equal(fetch.calls.length, 0);
});

test('rfc8414:2:auth-methods-default dg:compat:default-client-auth discovery takes the method from clientAuth, not from token_endpoint_auth_methods_supported', async () => {
  for (const methods of [undefined, ['client_secret_basic'], ['none']]) {
    const fetch = routedFetch({
      [WELL_KNOWN]: json(metadataDoc(ISSUER, methods ? { token_endpoint_auth_methods_supported: methods } : {})),
      [`${ISSUER}/device_authorization`]: json(deviceBody()),
    });
    const config = await discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined, { [customFetch]: fetch });
    await initiateDeviceAuthorization(config);
    const { init } = fetch.calls[1]!;
    assert.equal(init.headers['authorization'], undefined);
    assert.deepEqual(formOf(init.body).getAll('client_secret'), [CLIENT_SECRET]);
  }
  // An explicit clientAuth wins whatever the document lists.
  const fetch = routedFetch({
    [WELL_KNOWN]: json(metadataDoc(ISSUER, { token_endpoint_auth_methods_supported: ['client_secret_post'] })),
    [`${ISSUER}/device_authorization`]: json(deviceBody()),
  });
  const config = await discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, ClientSecretBasic(), { [customFetch]: fetch });
  await initiateDeviceAuthorization(config);
  assert.match(fetch.calls[1]!.init.headers['authorization'] ?? '', /^Basic /);
});

test('rfc8414:2.1:signed-metadata-ignore signed_metadata is kept as an unknown member and the plain values are used', async () => {
  const d = discoverWith(ISSUER, {
    [WELL_KNOWN]: json(metadataDoc(ISSUER, { signed_metadata: 'eyJhbGciOiJub25lIn0.eyJ0b2tlbl9lbmRwb2ludCI6Imh0dHBzOi8vZXZpbC50ZXN0L3Rva2VuIn0.' })),
  });
  const config = await d.result;
  assert.equal(config.serverMetadata().token_endpoint, `${ISSUER}/token`);
  assert.equal(typeof config.serverMetadata()['signed_metadata'], 'string');
});

test('dg:compat:configuration-constructor metadata as an object or a secret string; the getters return copies the caller cannot change', async () => {
  const server: ServerMetadata & { grant_types_supported: string[]; nested: { list: string[] } } = {
    issuer: ISSUER,
    token_endpoint: `${ISSUER}/token`,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
    nested: { list: ['a'] },
  };
  const client = { client_secret: CLIENT_SECRET, client_id: 'ignored', redirect_uris: ['https://app.test/cb'], tag: 'x' };
  const config = new Configuration(server, CLIENT_ID, client);
  assert.ok(config instanceof Configuration);
  assert.deepEqual(config.serverMetadata(), server);
  // clientMetadata: the clientId argument wins, and the secret is never returned.
  assert.deepEqual(config.clientMetadata(), { client_id: CLIENT_ID, redirect_uris: ['https://app.test/cb'], tag: 'x' });
  assert.equal('client_secret' in config.clientMetadata(), false);
  // Mutating what the getters return, at any depth, fails and changes nothing.
  const sm = config.serverMetadata() as unknown as typeof server;
  assert.throws(() => {
    (sm as { token_endpoint: string }).token_endpoint = 'https://evil.test/token';
  }, TypeError);
  assert.throws(() => sm.grant_types_supported.push('x'), TypeError);
  assert.throws(() => sm.nested.list.push('x'), TypeError);
  const cm = config.clientMetadata() as unknown as typeof client;
  assert.throws(() => cm.redirect_uris.push('https://evil.test'), TypeError);
  assert.throws(() => {
    cm.client_id = 'other';
  }, TypeError);
  // Mutating the objects passed in changes nothing either.
  (server as { token_endpoint: string }).token_endpoint = 'https://evil.test/token';
  server.grant_types_supported.push('x');
  client.redirect_uris.push('https://evil.test');
  assert.equal(config.serverMetadata().token_endpoint, `${ISSUER}/token`);
  assert.deepEqual(config.serverMetadata()['grant_types_supported'], ['urn:ietf:params:oauth:grant-type:device_code']);
  assert.deepEqual(config.clientMetadata()['redirect_uris'], ['https://app.test/cb']);

  // null members, class instances and null-prototype objects come back as they are.
  const when = new Date(0);
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: [1] });
  const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
  const odd = new Configuration({ issuer: ISSUER, nothing: null, when, bare, hidden }, CLIENT_ID);
  assert.deepEqual(Reflect.ownKeys(odd.serverMetadata()['hidden'] as object), ['shown']);
  assert.equal(odd.serverMetadata()['nothing'], null);
  assert.equal(odd.serverMetadata()['when'], when);
  assert.deepEqual({ ...(odd.serverMetadata()['bare'] as object) }, { a: [1] });
  assert.equal(Object.isFrozen((odd.serverMetadata()['bare'] as { a: number[] }).a), true);

  // A string is the client secret, and then ClientSecretPost is used.
  const fetch = scriptedFetch(() => json(deviceBody()));
  const withSecret = new Configuration({ issuer: ISSUER, device_authorization_endpoint: `${ISSUER}/d` }, CLIENT_ID, 's3cret');
  withSecret[customFetch] = fetch;
  await initiateDeviceAuthorization(withSecret);
  assert.equal(formOf(fetch.calls[0]!.init.body).get('client_secret'), 's3cret');
  assert.deepEqual(withSecret.clientMetadata(), { client_id: CLIENT_ID });

  // Argument errors.
  for (const bad of [null, undefined, 'https://as', {}, { issuer: 5 }]) {
    assert.throws(() => new Configuration(bad as unknown as ServerMetadata, CLIENT_ID), argError('ERR_INVALID_ARG_TYPE'));
  }
  for (const id of ['', 5, undefined]) {
    assert.throws(() => new Configuration({ issuer: ISSUER }, id as unknown as string), argError('ERR_INVALID_ARG_TYPE'));
  }
  // Methods called on something that is not a Configuration.
  assert.throws(() => Configuration.prototype.serverMetadata.call({} as Configuration), argError('ERR_INVALID_ARG_TYPE'));
});
