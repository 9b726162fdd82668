// lib/jose key rules beyond the algorithm table: RSA keys of at least 2048 bits (RFC 7518 §3.3,
// §3.5) for signing and verifying, and the two names of an Ed25519 signature, RFC 8037's "EdDSA"
// and RFC 9864's "Ed25519", which sign and verify with the same key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { algorithmOf, ed25519Name, sameAlg } from '../../lib/jose/algorithms.js';
import { encodeBase64url } from '../../lib/jose/base64url.js';
import { generateKeyPair, importJwk, jwkModulusLength } from '../../lib/jose/jwk.js';
import { decodeJws, signJws, verifyJws } from '../../lib/jose/jws.js';
import { assertCode, rejection } from '../support/security-side.js';

async function rsaPair(name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', modulusLength: number): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name, modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
}

test('dg:jose:rsa-2048 RS256 and PS256 keys under 2048 bits neither sign nor verify (OAUTH_INVALID_KEY); 2048-bit keys do', async () => {
  for (const [name, alg] of [['RSASSA-PKCS1-v1_5', 'RS256'], ['RSA-PSS', 'PS256']] as const) {
    const short = await rsaPair(name, 1024);
    assert.throws(() => algorithmOf(short.privateKey), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY', alg), true));
    assertCode(await rejection(signJws({ alg }, { sub: 'x' }, short.privateKey)), 'OAUTH_INVALID_KEY', alg);
    // A signature the short key made itself, outside lib/jose: verifying it is refused, not accepted.
    const input = `${encodeBase64url(JSON.stringify({ alg }))}.${encodeBase64url('{}')}`;
    const params = name === 'RSA-PSS' ? { name, saltLength: 32 } : { name };
    const signature = new Uint8Array(await crypto.subtle.sign(params, short.privateKey, new TextEncoder().encode(input)));
    assertCode(await rejection(verifyJws(`${input}.${encodeBase64url(signature)}`, short.publicKey, [alg])), 'OAUTH_INVALID_KEY', alg);
    const long = await rsaPair(name, 2048);
    assert.equal(algorithmOf(long.privateKey), alg);
    await verifyJws(await signJws({ alg }, { sub: 'x' }, long.privateKey), long.publicKey, [alg]);
  }
});

test('dg:jose:rsa-2048 jwkModulusLength reads the bits of an RSA JWK\'s n, leading zero octets ignored; 0 when n is missing or not base64url', async () => {
  for (const bits of [1024, 2048]) {
    const jwk = await crypto.subtle.exportKey('jwk', (await rsaPair('RSASSA-PKCS1-v1_5', bits)).publicKey);
    assert.equal(jwkModulusLength(jwk), bits);
    const padded = encodeBase64url(new Uint8Array([0, 0, ...Buffer.from(jwk.n!, 'base64url')]));
    assert.equal(jwkModulusLength({ ...jwk, n: padded }), bits, 'leading zero octets do not count');
  }
  assert.equal(jwkModulusLength({ n: encodeBase64url(new Uint8Array([0x01, 0xff])) }), 9);
  assert.equal(jwkModulusLength({ n: encodeBase64url(new Uint8Array([0x7f, 0, 0])) }), 23);
  for (const n of [undefined, 5, 'AA', '', 'not base64url!']) assert.equal(jwkModulusLength({ n } as JsonWebKey), 0, String(n));
});

test('dg:jose:ed25519-names an Ed25519 key signs and verifies as "Ed25519" and as "EdDSA"; the verifier\'s list still decides by name', async () => {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  assert.equal(algorithmOf(privateKey), 'EdDSA', 'a key\'s own alg keeps its RFC 8037 name');
  for (const alg of ['Ed25519', 'EdDSA'] as const) {
    const jws = await signJws({ alg }, { sub: 'x' }, privateKey);
    assert.equal(decodeJws(jws).header.alg, alg);
    assert.equal((await verifyJws(jws, publicKey, [alg])).header.alg, alg);
    // The allowlist compares names: a list of only the other name refuses it.
    assertCode(await rejection(verifyJws(jws, publicKey, [alg === 'Ed25519' ? 'EdDSA' : 'Ed25519'])), 'OAUTH_UNSUPPORTED_ALGORITHM', alg);
  }
  // A JWK of either alg imports for the other name; another alg is still refused.
  const { key_ops: _ops, ext: _ext, ...jwk } = await crypto.subtle.exportKey('jwk', publicKey);
  for (const [member, requested] of [['EdDSA', 'Ed25519'], ['Ed25519', 'EdDSA'], ['Ed25519', undefined]] as const) {
    const key = await importJwk({ ...jwk, alg: member }, requested);
    await verifyJws(await signJws({ alg: 'Ed25519' }, {}, privateKey), key, ['Ed25519']);
  }
  assertCode(await rejection(importJwk({ ...jwk, alg: 'ES256' }, 'Ed25519')), 'OAUTH_INVALID_KEY');
  // An ES256 key cannot sign under either name.
  const ec = await generateKeyPair('ES256');
  assertCode(await rejection(signJws({ alg: 'Ed25519' }, {}, ec.privateKey)), 'OAUTH_INVALID_KEY');
  assert.equal(sameAlg('Ed25519', 'EdDSA'), true);
  assert.equal(sameAlg('EdDSA', 'ES256'), false);
});

test('dg:jose:ed25519-names the signing name of an Ed25519 key follows the server\'s list: "EdDSA" only when it lists EdDSA and not Ed25519', () => {
  const cases: Array<[unknown, string]> = [
    [undefined, 'Ed25519'], [['ES256', 'Ed25519'], 'Ed25519'], [['EdDSA'], 'EdDSA'], [['ES256', 'EdDSA'], 'EdDSA'],
    [['EdDSA', 'Ed25519'], 'Ed25519'], [['ES256'], 'Ed25519'], ['EdDSA', 'Ed25519'],
  ];
  for (const [listed, expected] of cases) {
    assert.equal(ed25519Name('EdDSA', listed), expected, JSON.stringify(listed));
    assert.equal(ed25519Name('Ed25519', listed), expected, JSON.stringify(listed));
  }
  assert.equal(ed25519Name('ES256', ['EdDSA']), 'ES256', 'other algorithms keep their name');
});
