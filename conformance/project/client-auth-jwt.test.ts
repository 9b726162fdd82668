// Our own rows for the JWT client authentication methods and TlsClientAuth: the algorithm choice,
// the key shapes, modifyAssertion, secrets kept out of errors, and a ClientAuth that stalls (a
// signer behind a KMS) never hanging a flow: abort and the request timeout cover it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSecretJwt,
  Configuration,
  PrivateKeyJwt,
  TlsClientAuth,
  customFetch,
  initiateDeviceAuthorization,
  modifyAssertion,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
} from '../../lib/index.js';
import { generateKeyPair } from '../../lib/jose/jwk.js';
import { clientKey, initiate, jwtHarness } from '../support/assertion-side.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, json, pollUntilApproved, scriptedFetch } from '../support/harness.js';
import { assertCode, leaks, rejection } from '../support/security-side.js';

const SERVER = { issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device_authorization` };

function configWith(auth: ClientAuth, respond: Parameters<typeof scriptedFetch>[0], server: Record<string, unknown> = {}, metadata?: Record<string, unknown>): { config: Configuration; fetch: ReturnType<typeof scriptedFetch> } {
  const fetch = scriptedFetch(respond);
  const config = new Configuration({ ...SERVER, ...server }, CLIENT_ID, metadata, auth);
  config[customFetch] = fetch;
  return { config, fetch };
}

function headerOf(fetch: ReturnType<typeof scriptedFetch>, index = 0): Record<string, unknown> {
  const jwt = formOf(fetch.calls[index]!.init.body as string).get('client_assertion') ?? '';
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
}

test('dg:clientauth:alg-choice private_key_jwt signs with the key\'s own alg; one the server does not list is refused before anything is sent', async () => {
  const { privateKey } = await generateKeyPair('ES384');
  const ok = configWith(PrivateKeyJwt(privateKey), () => json(deviceBody()), { token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES384'] });
  await initiateDeviceAuthorization(ok.config);
  assert.equal(headerOf(ok.fetch)['alg'], 'ES384');
  const refused = configWith(PrivateKeyJwt(privateKey), () => json(deviceBody()), { token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'] });
  assertCode(await rejection(initiateDeviceAuthorization(refused.config)), 'OAUTH_UNSUPPORTED_ALGORITHM');
  assert.equal(refused.fetch.calls.length, 0);
  // No list: the key's alg is used as it is.
  const unlisted = configWith(PrivateKeyJwt(privateKey), () => json(deviceBody()));
  await initiateDeviceAuthorization(unlisted.config);
  assert.equal(headerOf(unlisted.fetch)['alg'], 'ES384');
});

test('dg:clientauth:hmac-alg client_secret_jwt uses HS256 when the server lists it or nothing, else the first HMAC alg it lists, and refuses a list without one', async () => {
  const cases: Array<[unknown, string | undefined]> = [[undefined, 'HS256'], [['RS256', 'HS512', 'HS256'], 'HS256'], [['RS256', 'HS512'], 'HS512'], [['HS384'], 'HS384'], [['RS256', 'ES256'], undefined]];
  for (const [algs, expected] of cases) {
    const { config, fetch } = configWith(ClientSecretJwt(CLIENT_SECRET), () => json(deviceBody()), algs === undefined ? {} : { token_endpoint_auth_signing_alg_values_supported: algs });
    if (expected === undefined) {
      assertCode(await rejection(initiateDeviceAuthorization(config)), 'OAUTH_UNSUPPORTED_ALGORITHM');
      assert.equal(fetch.calls.length, 0);
    } else {
      await initiateDeviceAuthorization(config);
      await initiateDeviceAuthorization(config); // the imported HMAC key is reused
      assert.equal(headerOf(fetch)['alg'], expected, JSON.stringify(algs));
      assert.notEqual(formOf(fetch.calls[0]!.init.body as string).get('client_assertion'), formOf(fetch.calls[1]!.init.body as string).get('client_assertion'));
    }
  }
  // The secret comes from the client metadata when not given; none at all is a typed argument error.
  const fromMetadata = configWith(ClientSecretJwt(), () => json(deviceBody()), {}, { client_secret: CLIENT_SECRET });
  await initiateDeviceAuthorization(fromMetadata.config);
  const missing = configWith(ClientSecretJwt(), () => json(deviceBody()));
  const error = await rejection(initiateDeviceAuthorization(missing.config));
  assert.ok(error instanceof TypeError && (error as TypeError & { code: string }).code === 'ERR_INVALID_ARG_TYPE');
});

test('dg:clientauth:key-shapes PrivateKeyJwt takes a CryptoKey or { key, kid }; a public, secret or foreign key and a bad kid are typed errors at once', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const withKid = configWith(PrivateKeyJwt({ key: privateKey, kid: 'k1' }), () => json(deviceBody()));
  await initiateDeviceAuthorization(withKid.config);
  assert.deepEqual(headerOf(withKid.fetch), { alg: 'ES256', kid: 'k1' });
  const bare = configWith(PrivateKeyJwt({ key: privateKey }), () => json(deviceBody()));
  await initiateDeviceAuthorization(bare.config);
  assert.deepEqual(headerOf(bare.fetch), { alg: 'ES256' });
  const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
  const bad: Array<[unknown, string]> = [
    [publicKey, 'OAUTH_INVALID_KEY'], [hmac, 'OAUTH_INVALID_KEY'], ['pem text', 'OAUTH_INVALID_KEY'], [undefined, 'OAUTH_INVALID_KEY'],
    [aes, 'OAUTH_INVALID_KEY'], [{ key: 'x' }, 'OAUTH_INVALID_KEY'], [{ key: privateKey, kid: '' }, 'OAUTH_INVALID_KEY'], [{ key: privateKey, kid: 7 }, 'OAUTH_INVALID_KEY'],
  ];
  for (const [key, code] of bad) assert.throws(() => PrivateKeyJwt(key as CryptoKey), (e: unknown) => (assertCode(e, code, String(key)), true));
  for (const factory of [() => PrivateKeyJwt(privateKey, { [modifyAssertion]: 'no' as never }), () => ClientSecretJwt(undefined, { [modifyAssertion]: 1 as never }), () => ClientSecretJwt(42 as never)]) {
    assert.throws(factory, (e: unknown) => e instanceof TypeError && (e as TypeError & { code: string }).code === 'ERR_INVALID_ARG_TYPE');
  }
});

test('dg:clientauth:modify-assertion modifyAssertion changes the header and claims before signing; the server accepts the token endpoint URL as aud', async () => {
  const key = await clientKey('ES256');
  const options = {
    [modifyAssertion]: (header: Record<string, unknown>, payload: Record<string, unknown>) => {
      header['typ'] = 'JWT';
      payload['aud'] = `${ISSUER}/device_authorization`;
      payload['extra'] = 'yes';
    },
  };
  const h = jwtHarness('private_key_jwt', PrivateKeyJwt({ key: key.privateKey, kid: 'client-key-1' }, options), { jwks: [key.jwk] });
  await initiate(h);
  const [{ header, claims }] = h.assertions() as [ReturnType<typeof h.assertions>[number]];
  assert.deepEqual(header, { alg: 'ES256', kid: 'client-key-1', typ: 'JWT' });
  assert.equal(claims['aud'], `${ISSUER}/device_authorization`);
  assert.equal(claims['extra'], 'yes');
});

test('dg:clientauth:secret-redacted an assertion echoed back by the server never reaches the error', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  const { config } = configWith(PrivateKeyJwt(privateKey), (_url, init) => {
    const sent = formOf(init.body as string).get('client_assertion') ?? '';
    return json({ error: 'invalid_client', error_description: `bad assertion ${sent}` }, 400);
  });
  const error = await rejection(initiateDeviceAuthorization(config));
  const { config: again, fetch } = configWith(PrivateKeyJwt(privateKey), () => json({}, 500));
  await rejection(initiateDeviceAuthorization(again));
  const assertion = formOf(fetch.calls[0]!.init.body as string).get('client_assertion') ?? '';
  assert.ok(assertion.length > 0);
  // The echoed assertion is the one of that request; check its signature part and the whole.
  const echoed = String((error as { error_description?: string }).error_description);
  assert.ok(!echoed.includes('eyJ'), echoed);
  assert.deepEqual(leaks(error, [assertion]), []);
});

test('dg:clientauth:tls-client-auth TlsClientAuth sends only the client_id in the body (the certificate is the fetch\'s business), the same form on every poll', async () => {
  let polls = 0;
  const { config, fetch } = configWith(TlsClientAuth(), (url) => {
    if (url.endsWith('/device_authorization')) return json(deviceBody({ interval: 1 }));
    return ++polls < 3 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'Bearer' });
  });
  const device = await initiateDeviceAuthorization(config);
  await pollDeviceAuthorizationGrant(config, device, undefined, { sleep: async () => {} });
  for (const call of fetch.calls) {
    const form = formOf(call.init.body as string);
    assert.equal(form.get('client_id'), CLIENT_ID);
    assert.equal(form.has('client_secret') || form.has('client_assertion'), false);
    assert.equal(new Headers(call.init.headers).get('authorization'), null);
  }
  const tokenBodies = fetch.calls.slice(1).map((c) => c.init.body);
  assert.equal(new Set(tokenBodies).size, 1);
});

const stalled: ClientAuth = () => new Promise<void>(() => {});

test('dg:clientauth:bounded initiate and poll settle within 10 ms of an abort while the ClientAuth is stalled', async () => {
  const { config, fetch } = configWith(stalled, () => json(deviceBody()));
  const controller = new AbortController();
  const initiating = rejection(initiateDeviceAuthorization(config, undefined, { signal: controller.signal }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  let started = performance.now();
  controller.abort();
  assertCode(await initiating, 'OAUTH_ABORT');
  assert.ok(performance.now() - started < 10, `initiate settled ${performance.now() - started} ms after the abort`);
  assert.equal(fetch.calls.length, 0);

  // A poll whose ClientAuth stalls: the device authorization went out with another configuration.
  const device = await initiateDeviceAuthorization(configWith(TlsClientAuth(), () => json(deviceBody())).config);
  const polling = new AbortController();
  const poll = rejection(pollDeviceAuthorizationGrant(config, device, undefined, { signal: polling.signal }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  started = performance.now();
  polling.abort();
  assertCode(await poll, 'OAUTH_ABORT');
  assert.ok(performance.now() - started < 10, `poll settled ${performance.now() - started} ms after the abort`);
});

test('dg:clientauth:bounded the request timeout includes the ClientAuth: a stalled one times out, and a poll retries with a new one', async () => {
  const { config } = configWith(stalled, () => json(deviceBody()));
  config.timeout = 0.05;
  const started = performance.now();
  assertCode(await rejection(initiateDeviceAuthorization(config)), 'OAUTH_TIMEOUT');
  // Lower bound only (timers never fire early); 5 ms tolerance for timer granularity.
  assert.ok(performance.now() - started >= 45, `timed out after ${performance.now() - started} ms`);

  // The first poll's ClientAuth stalls past the timeout (a transient fault); the next one signs at once.
  let calls = 0;
  const flaky: ClientAuth = (_as, client, body) => (++calls === 1 ? new Promise<void>(() => {}) : void body.set('client_id', client.client_id));
  const { config: pollConfig, fetch } = configWith(flaky, () => json({ access_token: 'at', token_type: 'Bearer' }));
  pollConfig.timeout = 0.05;
  const device = await initiateDeviceAuthorization(configWith(TlsClientAuth(), () => json(deviceBody({ interval: 1 }))).config);
  const tokens = await pollDeviceAuthorizationGrant(pollConfig, device, undefined, { sleep: async () => {} });
  assert.equal(tokens.access_token, 'at');
  assert.equal(calls, 2);
  assert.equal(fetch.calls.length, 1);
});

test('dg:clientauth:fresh-assertion client_secret_jwt over a real poll sequence: a new assertion per poll even with the secret from the metadata', async () => {
  const h = jwtHarness('client_secret_jwt', ClientSecretJwt());
  const device = await initiate(h);
  await pollUntilApproved(h, device, { approveAfter: 3 });
  const jtis = h.assertions().map((a) => a.claims['jti']);
  assert.equal(jtis.length, 4);
  assert.equal(new Set(jtis).size, 4);
  assert.ok(CLIENT_SECRET);
});
