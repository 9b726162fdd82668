// Which alg a JWT client assertion is signed with: the client's registered
// token_endpoint_auth_signing_alg first (OIDC Registration §2: the server rejects any other), then
// HS256 for client_secret_jwt as openid-client, the server's list, the two names of Ed25519, and
// RSA keys of at least 2048 bits. Every refusal happens before a request is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientSecretJwt, Configuration, PrivateKeyJwt, customFetch, initiateDeviceAuthorization, type ClientAuth } from '../../lib/index.js';
import { generateKeyPair } from '../../lib/jose/jwk.js';
import { clientKey, initiate, jwtHarness } from '../support/assertion-side.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, json, scriptedFetch } from '../support/harness.js';
import { assertCode, rejection } from '../support/security-side.js';

const SERVER = { issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device_authorization` };

/** Sends one device authorization request; the assertion's alg, or the error and how many requests went out. */
async function algOf(auth: ClientAuth, listed: unknown, registered?: unknown): Promise<{ alg?: unknown; error?: unknown; sent: number }> {
  const fetch = scriptedFetch(() => json(deviceBody()));
  const metadata: Record<string, unknown> = { client_secret: CLIENT_SECRET };
  if (registered !== undefined) metadata['token_endpoint_auth_signing_alg'] = registered;
  const config = new Configuration(listed === undefined ? SERVER : { ...SERVER, token_endpoint_auth_signing_alg_values_supported: listed }, CLIENT_ID, metadata, auth);
  config[customFetch] = fetch;
  try {
    await initiateDeviceAuthorization(config);
  } catch (error) {
    return { error, sent: fetch.calls.length };
  }
  const jwt = formOf(fetch.calls[0]!.init.body as string).get('client_assertion') ?? '';
  return { alg: JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString())['alg'], sent: fetch.calls.length };
}

test('dg:clientauth:hmac-alg client_secret_jwt: the registered HMAC alg, else HS256 when listed or nothing is listed, else the first listed HMAC alg', async () => {
  const cases: Array<[unknown, unknown, string]> = [
    [['HS512', 'HS256'], 'HS256', 'HS256'], // registered HS256 wins over the server's first HMAC alg
    [['HS512', 'HS256'], 'HS384', 'HS384'], // registered, even when not listed
    [undefined, 'HS512', 'HS512'],
    [undefined, undefined, 'HS256'],
    [['HS512', 'HS256'], undefined, 'HS256'], // openid-client's HS256 whenever the server takes it
    [['RS256', 'HS512', 'HS384'], undefined, 'HS512'],
    [['HS384'], undefined, 'HS384'],
  ];
  for (const [listed, registered, expected] of cases) {
    const result = await algOf(ClientSecretJwt(), listed, registered);
    assert.equal(result.alg, expected, `${JSON.stringify(listed)} registered ${String(registered)}: ${String(result.error)}`);
  }
  // A registered alg that is no HMAC, or a list without an HMAC alg: refused, nothing sent.
  for (const [listed, registered] of [[undefined, 'RS256'], [['HS256'], 'ES256'], [undefined, 'none'], [undefined, 256], [['RS256', 'ES256'], undefined]] as const) {
    const { error, sent } = await algOf(ClientSecretJwt(), listed, registered);
    assertCode(error, 'OAUTH_UNSUPPORTED_ALGORITHM', `${JSON.stringify(listed)} ${String(registered)}`);
    assert.equal(sent, 0);
  }
});

test('dg:clientauth:hmac-alg the conformance server accepts a client_secret_jwt MACed with the registered HS384', async () => {
  const h = jwtHarness('client_secret_jwt', ClientSecretJwt());
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, { client_secret: CLIENT_SECRET, token_endpoint_auth_signing_alg: 'HS384' }, ClientSecretJwt());
  config[customFetch] = h.fetch;
  const device = await initiateDeviceAuthorization(config);
  assert.ok(device.device_code);
  assert.equal(h.assertions()[0]?.header.alg, 'HS384');
});

test('dg:clientauth:registered-alg private_key_jwt: a registered alg the key cannot sign with is OAUTH_INVALID_KEY before any request; one that fits is used whatever the server lists', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  for (const registered of ['RS256', 'ES384', 'HS256', 'none', 'Ed25519', 42, null]) {
    const { error, sent } = await algOf(PrivateKeyJwt(privateKey), undefined, registered);
    assertCode(error, 'OAUTH_INVALID_KEY', String(registered));
    assert.equal(sent, 0, String(registered));
  }
  assert.equal((await algOf(PrivateKeyJwt(privateKey), undefined, 'ES256')).alg, 'ES256');
  // The server agreed to the registered alg, so its list does not refuse it.
  assert.equal((await algOf(PrivateKeyJwt(privateKey), ['RS256'], 'ES256')).alg, 'ES256');
});

test('dg:clientauth:ed25519-name an Ed25519 private_key_jwt key signs as "Ed25519", or "EdDSA" when registered so or the only name listed', async () => {
  const { privateKey } = await generateKeyPair('EdDSA');
  const cases: Array<[unknown, unknown, string]> = [
    [['Ed25519', 'ES256'], undefined, 'Ed25519'], // Auth0-style list: was OAUTH_UNSUPPORTED_ALGORITHM
    [['EdDSA', 'ES256'], undefined, 'EdDSA'], // only the old name: as before
    [['EdDSA', 'Ed25519'], undefined, 'Ed25519'],
    [undefined, undefined, 'Ed25519'],
    [['Ed25519'], 'EdDSA', 'EdDSA'],
    [['EdDSA'], 'Ed25519', 'Ed25519'],
  ];
  for (const [listed, registered, expected] of cases) {
    const result = await algOf(PrivateKeyJwt(privateKey), listed, registered);
    assert.equal(result.alg, expected, `${JSON.stringify(listed)} registered ${String(registered)}: ${String(result.error)}`);
  }
  const { error, sent } = await algOf(PrivateKeyJwt(privateKey), ['ES256', 'RS256'], undefined);
  assertCode(error, 'OAUTH_UNSUPPORTED_ALGORITHM');
  assert.equal(sent, 0);
});

test('dg:clientauth:ed25519-name the conformance server verifies an assertion signed as "Ed25519" with the client\'s registered Ed25519 key', async () => {
  const key = await clientKey('EdDSA');
  const listed = ['ES256', 'Ed25519'];
  const h = jwtHarness('private_key_jwt', PrivateKeyJwt({ key: key.privateKey, kid: 'client-key-1' }), { jwks: [key.jwk], metadata: { token_endpoint_auth_signing_alg_values_supported: listed } });
  const device = await initiate(h);
  assert.ok(device.device_code);
  assert.equal(h.assertions()[0]?.header.alg, 'Ed25519');
});

test('dg:jose:rsa-2048 PrivateKeyJwt refuses an RS256 or PS256 key under 2048 bits when it is built (OAUTH_INVALID_KEY); a 2048-bit key signs', async () => {
  for (const name of ['RSASSA-PKCS1-v1_5', 'RSA-PSS']) {
    const params = { name, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const short = await crypto.subtle.generateKey({ ...params, modulusLength: 1024 }, false, ['sign', 'verify']);
    assert.throws(() => PrivateKeyJwt(short.privateKey), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY', name), true));
    assert.throws(() => PrivateKeyJwt({ key: short.privateKey, kid: 'k' }), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY', name), true));
    const long = await crypto.subtle.generateKey({ ...params, modulusLength: 2048 }, false, ['sign', 'verify']);
    assert.equal((await algOf(PrivateKeyJwt(long.privateKey), undefined)).alg, name === 'RSA-PSS' ? 'PS256' : 'RS256');
  }
});
