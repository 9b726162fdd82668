// DPoP keys beyond RFC 9449's own rows: the RFC 9864 name "Ed25519" (randomDPoPKeyPair, and the
// name a proof is signed under, which follows the server's dpop_signing_alg_values_supported), and
// RSA pairs of at least 2048 bits, refused at getDPoPHandle before any request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Configuration, customFetch, getDPoPHandle, randomDPoPKeyPair, refreshTokenGrant } from '../../lib/index.js';
import { checkProof, createDPoPState } from '../server/dpop.js';
import { decodeProof, dpopHarness, dpopLogin } from '../support/dpop-side.js';
import { ISSUER, json, scriptedConfig, scriptedFetch } from '../support/harness.js';

const TOKEN = `${ISSUER}/token`;
const isCode = (code: string) => (e: unknown) => e instanceof ClientError && e.code === code;

function configListing(listed: unknown): Configuration {
  const server = { issuer: ISSUER, token_endpoint: TOKEN };
  return new Configuration(listed === undefined ? server : { ...server, dpop_signing_alg_values_supported: listed }, 'c');
}

test('dg:dpop:ed25519-name randomDPoPKeyPair takes "Ed25519" and "EdDSA"; proofs say "Ed25519", or "EdDSA" when the server lists only that name', async () => {
  for (const alg of ['Ed25519', 'EdDSA']) {
    const keyPair = await randomDPoPKeyPair(alg);
    assert.equal(keyPair.privateKey.algorithm.name, 'Ed25519', alg);
    const cases: Array<[unknown, string]> = [
      [['ES256', 'Ed25519'], 'Ed25519'], // Auth0's list
      [['ES256', 'EdDSA'], 'EdDSA'],
      [['EdDSA', 'Ed25519'], 'Ed25519'],
      [undefined, 'Ed25519'],
      [['ES256'], 'Ed25519'],
    ];
    for (const [listed, expected] of cases) {
      const proof = await getDPoPHandle(configListing(listed), keyPair).proof('POST', new URL(TOKEN));
      assert.equal(decodeProof(proof).header['alg'], expected, `${alg} ${JSON.stringify(listed)}`);
      assert.equal(checkProof(createDPoPState(), proof, TOKEN, Date.now()).ok, true, 'the server verifies it');
    }
  }
  // Other algorithms keep their name whatever the list says.
  const es = await getDPoPHandle(configListing(['EdDSA']), await randomDPoPKeyPair('ES256')).proof('POST', new URL(TOKEN));
  assert.equal(decodeProof(es).header['alg'], 'ES256');
});

test('dg:dpop:ed25519-name a DPoP-bound login with an Ed25519 key against the conformance server, proofs named "Ed25519"', async () => {
  const h = await dpopHarness({ required: true }, { alg: 'Ed25519' });
  const login = await dpopLogin(h);
  assert.ok(login.tokens, String(login.error));
  assert.equal(login.tokens.token_type, 'dpop');
  for (const request of login.token) assert.equal(decodeProof(request.headers['dpop']).header['alg'], 'Ed25519');
});

test('dg:jose:rsa-2048 dg:dpop:bad-key getDPoPHandle refuses an RSA pair under 2048 bits with OAUTH_INVALID_KEY, before any request', async () => {
  for (const name of ['RSASSA-PKCS1-v1_5', 'RSA-PSS']) {
    const params = { name, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const short = await crypto.subtle.generateKey({ ...params, modulusLength: 1024 }, true, ['sign', 'verify']);
    const { config, fetch } = scriptedConfig(() => json({ access_token: 'at', token_type: 'DPoP' }));
    assert.throws(() => getDPoPHandle(config, short), isCode('OAUTH_INVALID_KEY'), name);
    assert.equal(fetch.calls.length, 0);
    // A 2048-bit pair of the same kind is accepted and signs.
    const long = await crypto.subtle.generateKey({ ...params, modulusLength: 2048 }, true, ['sign', 'verify']);
    const refresh = scriptedFetch(() => json({ access_token: 'at', token_type: 'DPoP' }));
    config[customFetch] = refresh;
    await refreshTokenGrant(config, 'rt', undefined, { DPoP: getDPoPHandle(config, long) });
    assert.equal(decodeProof(refresh.calls[0]?.init.headers['dpop']).header['alg'], name === 'RSA-PSS' ? 'PS256' : 'RS256');
  }
});
