// lib/jose/jwk.ts: JWK import for one algorithm, public export, and the RFC 7638 thumbprint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { algorithmOf } from '../../lib/jose/algorithms.js';
import { calculateJwkThumbprint, exportPrivateJwk, exportPublicJwk, generateKeyPair, importJwk, jwkAlgorithm } from '../../lib/jose/jwk.js';
import { signJws, verifyJws } from '../../lib/jose/jws.js';
import { assertCode, rejection } from '../support/security-side.js';
import { RFC7515_A1, RFC7515_A3, RFC7638_3_1 } from './vectors.js';

test('dg:jose:thumbprint RFC 7638 §3.1: the thumbprint of the RFC 7517 example RSA key', async () => {
  assert.equal(await calculateJwkThumbprint(RFC7638_3_1.jwk), RFC7638_3_1.thumbprint);
  // Only the required members count: kid, alg and member order change nothing.
  const { n, e } = RFC7638_3_1.jwk;
  assert.equal(await calculateJwkThumbprint({ n, kty: 'RSA', e, use: 'sig' }), RFC7638_3_1.thumbprint);
});

test('dg:jose:thumbprint the thumbprint of EC, OKP and oct keys uses their required members only; a private JWK has its public key\'s thumbprint', async () => {
  const { d: _d, ...ecPublic } = RFC7515_A3.jwk;
  assert.equal(await calculateJwkThumbprint(RFC7515_A3.jwk), await calculateJwkThumbprint(ecPublic));
  const ed = await generateKeyPair('EdDSA');
  const edJwk = await exportPublicJwk(ed.publicKey);
  assert.deepEqual(Object.keys(edJwk).sort(), ['crv', 'kty', 'x']);
  assert.match(await calculateJwkThumbprint(edJwk), /^[A-Za-z0-9_-]{43}$/);
  assert.match(await calculateJwkThumbprint(RFC7515_A1.jwk), /^[A-Za-z0-9_-]{43}$/);
  for (const bad of [null, [], { kty: 'XYZ' }, { kty: 'EC', crv: 'P-256', x: 'a' }, { kty: 'RSA', n: 1, e: 'AQAB' }]) {
    assertCode(await rejection(calculateJwkThumbprint(bad as JsonWebKey)), 'OAUTH_INVALID_KEY', JSON.stringify(bad));
  }
});

test('dg:jose:public-export exportPublicJwk gives only the public members, for every asymmetric key type', async () => {
  for (const alg of ['RS256', 'PS384', 'ES256', 'ES512', 'EdDSA'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportPublicJwk(publicKey);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'key_ops', 'ext']) assert.equal(member in jwk, false, `${alg} ${member}`);
    // From the extractable private key, too: the private members are stripped.
    assert.deepEqual(await exportPublicJwk(privateKey), jwk, alg);
    // The exported JWK imports back as a verification key.
    const jws = await signJws({}, { a: 1 }, privateKey);
    await verifyJws(jws, await importJwk(jwk, alg), [alg]);
  }
});

test('dg:jose:public-export dg:jose:typed-errors a secret key or a non-extractable private key has no public JWK to export', async () => {
  const secret = await importJwk(RFC7515_A1.jwk, 'HS256', true);
  assertCode(await rejection(exportPublicJwk(secret)), 'OAUTH_INVALID_KEY');
  const { privateKey } = await generateKeyPair('ES256');
  assertCode(await rejection(exportPublicJwk(privateKey)), 'OAUTH_INVALID_KEY');
  assertCode(await rejection(exportPublicJwk({} as CryptoKey)), 'OAUTH_INVALID_KEY');
});

test('dg:jose:jwk-import exportPrivateJwk and importJwk round-trip a signing key with its alg', async () => {
  const { privateKey, publicKey } = await generateKeyPair('PS256', { extractable: true });
  const jwk = await exportPrivateJwk(privateKey);
  assert.equal(jwk.alg, 'PS256');
  const again = await importJwk(jwk);
  assert.equal(algorithmOf(again), 'PS256');
  await verifyJws(await signJws({}, {}, again), publicKey, ['PS256']);
  const { privateKey: locked } = await generateKeyPair('ES256');
  assertCode(await rejection(exportPrivateJwk(locked)), 'OAUTH_INVALID_KEY');
});

test('dg:jose:jwk-import dg:jose:jwk-alg-match the alg comes from the argument, the JWK\'s alg, or its curve; RSA and oct JWKs without one are ambiguous', async () => {
  assert.equal(jwkAlgorithm(RFC7515_A3.jwk), 'ES256');
  assert.equal(jwkAlgorithm({ kty: 'EC', crv: 'P-521' }), 'ES512');
  assert.equal(jwkAlgorithm({ kty: 'OKP', crv: 'Ed25519' }), 'EdDSA');
  assert.equal(jwkAlgorithm(RFC7638_3_1.jwk), 'RS256');
  assert.throws(() => jwkAlgorithm({ kty: 'RSA' }), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY'), true));
  assert.throws(() => jwkAlgorithm(RFC7515_A1.jwk), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY'), true));
  assert.throws(() => jwkAlgorithm({ kty: 'EC', crv: 'secp256k1' }), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
  assert.throws(() => jwkAlgorithm({ kty: 'RSA', alg: 'none' }), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
  // RFC 7517 §4.4: a JWK that names its alg cannot be imported for another one.
  assertCode(await rejection(importJwk(RFC7638_3_1.jwk, 'PS256')), 'OAUTH_INVALID_KEY');
  assertCode(await rejection(importJwk(RFC7515_A1.jwk, 'none' as 'HS256')), 'OAUTH_UNSUPPORTED_ALGORITHM');
});

test('dg:jose:jwk-import dg:jose:typed-errors a malformed JWK is OAUTH_INVALID_KEY, never a raw DOMException or TypeError', async () => {
  const bad: unknown[] = [
    null, 'jwk', [],
    { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, // not on the curve
    { kty: 'EC', crv: 'P-384', x: RFC7515_A3.jwk.x, y: RFC7515_A3.jwk.y }, // wrong size for the curve
    { kty: 'RSA', alg: 'RS256', e: 'AQAB' },
    { ...RFC7515_A3.jwk, use: 'enc' },
  ];
  for (const jwk of bad) assertCode(await rejection(importJwk(jwk as JsonWebKey, 'ES256')), 'OAUTH_INVALID_KEY', JSON.stringify(jwk));
  assertCode(await rejection(importJwk({ kty: 'RSA', alg: 'RS256', e: 'AQAB' })), 'OAUTH_INVALID_KEY');
  assert.throws(() => jwkAlgorithm(null as unknown as JsonWebKey), (e: unknown) => (assertCode(e, 'OAUTH_INVALID_KEY'), true));
});

test('dg:jose:algorithms generateKeyPair gives HS* one secret key in both members', async () => {
  const { privateKey, publicKey } = await generateKeyPair('HS384');
  assert.equal(privateKey, publicKey);
  assert.equal(privateKey.type, 'secret');
  assert.equal(algorithmOf(privateKey), 'HS384');
});
