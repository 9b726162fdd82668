// The client's clock settings (config[clockSkew], config[clockTolerance]) and validateIdToken's
// expectations: a value that is not a finite number must never switch a time check off, nor
// corrupt the times the client stamps on its own assertions and DPoP proofs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSecretJwt,
  Configuration,
  clockSkew,
  clockTolerance,
  customFetch,
  getDPoPHandle,
  initiateDeviceAuthorization,
  randomDPoPKeyPair,
  validateIdToken,
  type ClientMetadata,
} from '../../lib/index.js';
import { decodeProof } from '../support/dpop-side.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, isCode, json, scriptedFetch } from '../support/harness.js';
import { T0, goodClaims, initiate, jwt, run, script, tokenResponse } from '../support/polling-side.js';

/** The token arrives one interval (5 s) after T0: the checks use that time. */
const ARRIVAL = T0 + 5000;
const NOW = Math.floor(ARRIVAL / 1000);
const NOT_FINITE: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, '5', null, {}];

async function outcome(exp: number, metadata: Record<PropertyKey, unknown>): Promise<string> {
  const s = script([tokenResponse({ id_token: jwt({ ...goodClaims(ARRIVAL), exp }) })], { clientMetadata: metadata as Partial<ClientMetadata> });
  const result = await run(s, await initiate(s));
  return result.token !== undefined ? 'accepted' : String((result.error as { code?: string } | undefined)?.code);
}

test('dg:idtoken:expectations a clockTolerance or clockSkew that is not a finite number is its default (30 s, 0): an expired ID token is still refused', async () => {
  for (const value of NOT_FINITE) {
    const label = String(value);
    // The default 30 s leeway: 29 s past exp passes, 31 s past does not.
    assert.equal(await outcome(NOW - 29, { [clockTolerance]: value }), 'accepted', `tolerance ${label}`);
    assert.equal(await outcome(NOW - 31, { [clockTolerance]: value }), 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', `tolerance ${label}`);
    assert.equal(await outcome(1_000_000_000, { [clockTolerance]: value }), 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', `tolerance ${label}`);
    // No skew: the same line, not moved (a string skew used to be concatenated into "now").
    assert.equal(await outcome(NOW - 29, { [clockSkew]: value }), 'accepted', `skew ${label}`);
    assert.equal(await outcome(NOW - 31, { [clockSkew]: value }), 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', `skew ${label}`);
  }
});

test('dg:idtoken:expectations validateIdToken refuses missing expectations and a now or tolerance that is not a finite number with ERR_INVALID_ARG_TYPE', () => {
  const token = jwt({ ...goodClaims(ARRIVAL), exp: 1_000_000_000 });
  const good = { issuer: ISSUER, clientId: CLIENT_ID, now: NOW, tolerance: 30 };
  assert.throws(() => validateIdToken(token, good), isCode('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'));
  const bad: unknown[] = [undefined, null, 'x', 5, { ...good, now: Number.NaN }, { ...good, tolerance: Number.NaN }, { ...good, tolerance: '30' }, { ...good, tolerance: null }, { ...good, now: undefined }];
  for (const expected of bad) {
    assert.throws(() => validateIdToken(token, expected as typeof good), (e: unknown) => e instanceof TypeError && isCode('ERR_INVALID_ARG_TYPE')(e), JSON.stringify(expected));
  }
});

test('dg:idtoken:expectations validateIdToken without a tolerance applies its documented default, 30 s, to exp and nbf', () => {
  const plain = { issuer: ISSUER, clientId: CLIENT_ID, now: NOW };
  for (const expected of [plain, { ...plain, tolerance: undefined }] as Parameters<typeof validateIdToken>[1][]) {
    const label = JSON.stringify(expected);
    const check = (claims: Record<string, unknown>) => () => validateIdToken(jwt({ ...goodClaims(ARRIVAL), ...claims }), expected);
    assert.equal(check({ exp: NOW - 29 })().sub, 'user-1', label);
    assert.throws(check({ exp: NOW - 31 }), isCode('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'), label);
    assert.equal(check({ nbf: NOW + 29 })().sub, 'user-1', label);
    assert.throws(check({ nbf: NOW + 31 }), isCode('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'), label);
  }
});

test('dg:idtoken:expectations a clockSkew that is not a finite number stamps client assertions and DPoP proofs with the unshifted clock', async () => {
  for (const value of NOT_FINITE) {
    const fetch = scriptedFetch(() => json(deviceBody()));
    const metadata = { client_secret: CLIENT_SECRET, [clockSkew]: value } as Partial<ClientMetadata>;
    const config = new Configuration({ issuer: ISSUER, device_authorization_endpoint: `${ISSUER}/device_authorization`, token_endpoint: `${ISSUER}/token` }, CLIENT_ID, metadata, ClientSecretJwt(CLIENT_SECRET));
    config[customFetch] = fetch;
    const before = Math.floor(Date.now() / 1000);
    await initiateDeviceAuthorization(config);
    const after = Math.floor(Date.now() / 1000);
    const assertion = formOf(fetch.calls[0]!.init.body as string).get('client_assertion') ?? '';
    const { claims } = decodeProof(assertion);
    assert.equal(typeof claims['iat'], 'number', String(value));
    assert.ok((claims['iat'] as number) >= before && (claims['iat'] as number) <= after, `assertion iat ${String(claims['iat'])}`);
    assert.equal(claims['exp'], (claims['iat'] as number) + 60);
    const handle = getDPoPHandle(config, await randomDPoPKeyPair());
    const proof = decodeProof(await handle.proof('POST', new URL(`${ISSUER}/token`), () => T0));
    assert.equal(proof.claims['iat'], Math.floor(T0 / 1000), `proof iat with skew ${String(value)}`);
  }
});

test('dg:dpop:api randomDPoPKeyPair takes null options as none, as the other functions do', async () => {
  const keyPair = await randomDPoPKeyPair('ES256', null as never);
  assert.equal(keyPair.privateKey.algorithm.name, 'ECDSA');
  assert.equal(keyPair.privateKey.extractable, false);
});
