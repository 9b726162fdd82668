// Which JWKS keys can verify an ID token under enableNonRepudiationChecks: never an RSA key under
// 2048 bits (RFC 7518 §3.3, §3.5), and, for an Ed25519 token, an OKP Ed25519 key whose alg is
// either name, "Ed25519" (RFC 9864) or "EdDSA" (RFC 8037). Token responses come from a scripted
// refresh, so every JWKS shape is exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Configuration, customFetch, enableNonRepudiationChecks, refreshTokenGrant } from '../../lib/index.js';
import { encodeBase64url } from '../../lib/jose/base64url.js';
import { ISSUER, json, scriptedFetch } from '../support/harness.js';

const CLIENT = 'client-1';

interface Signer {
  jwk: Record<string, unknown>;
  sign(header: Record<string, unknown>): Promise<string>;
}

async function signer(params: RsaHashedKeyGenParams | Algorithm, signParams: Algorithm, publicMembers: string[]): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const full = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as Record<string, unknown>;
  const jwk = Object.fromEntries(publicMembers.map((name) => [name, full[name]]));
  return {
    jwk,
    async sign(header) {
      const now = Math.floor(Date.now() / 1000);
      const input = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify({ iss: ISSUER, sub: 's', aud: CLIENT, exp: now + 600, iat: now }))}`;
      const signature = await crypto.subtle.sign(signParams, pair.privateKey, new TextEncoder().encode(input));
      return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
    },
  };
}

const rsa = (modulusLength: number): Promise<Signer> =>
  signer({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }, ['kty', 'n', 'e']);
const ed25519 = (): Promise<Signer> => signer({ name: 'Ed25519' }, { name: 'Ed25519' }, ['kty', 'crv', 'x']);

/** One refresh whose response carries `idToken`, the JWKS answering `keys`; the outcome and the JWKS fetches. */
async function refreshWith(idToken: string, keys: unknown[], announced: string[]): Promise<{ error?: unknown; jwksFetches: number }> {
  const fetch = scriptedFetch((url) => (url.endsWith('/jwks') ? json({ keys }) : json({ access_token: 'at', token_type: 'Bearer', id_token: idToken })));
  const config = new Configuration({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: announced }, CLIENT);
  config[customFetch] = fetch;
  enableNonRepudiationChecks(config);
  const jwksFetches = (): number => fetch.calls.filter((c) => c.url.endsWith('/jwks')).length;
  // A second flow when the first verified: it verifies again with the cached JWKS.
  for (let flow = 0; flow < 2; flow++) {
    try {
      await refreshTokenGrant(config, 'rt');
    } catch (error) {
      return { error, jwksFetches: jwksFetches() };
    }
  }
  return { jwksFetches: jwksFetches() };
}

const selectionFailed = (error: unknown): boolean => error instanceof ClientError && error.code === 'OAUTH_KEY_SELECTION_FAILED';

test('dg:idtoken:jwks-rsa-2048 a JWKS whose only RS256 key is 1024 bits never verifies the token it signed: OAUTH_KEY_SELECTION_FAILED', async () => {
  const short = await rsa(1024);
  for (const jwk of [{ ...short.jwk, kid: 'k1' }, { ...short.jwk, kid: 'k1', alg: 'RS256', use: 'sig' }, short.jwk]) {
    const { error, jwksFetches } = await refreshWith(await short.sign({ alg: 'RS256', kid: 'k1' }), [jwk], ['RS256']);
    assert.ok(selectionFailed(error), String(error));
    assert.equal(jwksFetches, 1);
  }
  // Next to a 2048-bit key of the same kid, the short one is passed over and the long one decides.
  const long = await rsa(2048);
  const both = await refreshWith(await long.sign({ alg: 'RS256', kid: 'k1' }), [{ ...short.jwk, kid: 'k1' }, { ...long.jwk, kid: 'k1' }], ['RS256']);
  assert.equal(both.error, undefined, String(both.error));
  // A 2048-bit key whose n carries a leading zero octet is still 2048 bits.
  const padded = { ...long.jwk, n: encodeBase64url(new Uint8Array([0, ...Buffer.from(String(long.jwk['n']), 'base64url')])) };
  assert.equal((await refreshWith(await long.sign({ alg: 'RS256' }), [padded], ['RS256'])).error, undefined);
});

test('dg:idtoken:ed25519 an ID token of alg "Ed25519" verifies with an OKP Ed25519 JWKS key of alg Ed25519, EdDSA or none; "EdDSA" tokens still do', async () => {
  const ed = await ed25519();
  for (const jwkAlg of ['Ed25519', 'EdDSA', undefined]) {
    const jwk = jwkAlg === undefined ? { ...ed.jwk, kid: 'k1' } : { ...ed.jwk, kid: 'k1', alg: jwkAlg };
    for (const tokenAlg of ['Ed25519', 'EdDSA']) {
      const { error } = await refreshWith(await ed.sign({ alg: tokenAlg, kid: 'k1' }), [jwk], [tokenAlg]);
      assert.equal(error, undefined, `token ${tokenAlg}, JWK ${String(jwkAlg)}: ${String(error)}`);
    }
  }
  // The token's alg must be announced by its own name; an EC key or another curve never fits it.
  const unannounced = await refreshWith(await ed.sign({ alg: 'Ed25519' }), [ed.jwk], ['EdDSA']);
  assert.ok(unannounced.error instanceof ClientError, String(unannounced.error));
  const ec = await signer({ name: 'ECDSA', namedCurve: 'P-256' } as Algorithm, { name: 'ECDSA', hash: 'SHA-256' } as Algorithm, ['kty', 'crv', 'x', 'y']);
  for (const keys of [[ec.jwk], [{ ...ed.jwk, crv: 'Ed448' }]]) {
    const { error } = await refreshWith(await ed.sign({ alg: 'Ed25519' }), keys, ['Ed25519']);
    assert.ok(selectionFailed(error), String(error));
  }
  // A forged signature under the new name is still caught.
  const forged = (await ed.sign({ alg: 'Ed25519' })).replace(/\.[^.]+$/, `.${encodeBase64url(new Uint8Array(64))}`);
  const { error } = await refreshWith(forged, [ed.jwk], ['Ed25519']);
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_JWS_SIGNATURE_INVALID', String(error));
});
