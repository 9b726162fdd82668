// lib/jose: compact JWS sign and verify on crypto.subtle, checked against the RFC 7515 and RFC
// 7520 examples, every supported algorithm round-tripped, and every refusal typed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUPPORTED_ALGS, algorithmOf, type Alg } from '../../lib/jose/algorithms.js';
import { decodeBase64url, decodeBase64urlText, encodeBase64url } from '../../lib/jose/base64url.js';
import { generateKeyPair, importJwk } from '../../lib/jose/jwk.js';
import { decodeJws, jwtClaims, signEncodedJws, signJws, verifyJws } from '../../lib/jose/jws.js';
import { assertCode, rejection } from '../support/security-side.js';
import { A_PAYLOAD, RFC7515_A1, RFC7515_A2, RFC7515_A3, RFC7515_A4, RFC7520_4_3 } from './vectors.js';

const publicOf = (jwk: Record<string, string>): JsonWebKey => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
};

test('dg:jose:sign dg:jose:compact-form RFC 7515 A.1: HS256 over the RFC header and payload gives the RFC signature', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  const jws = await signEncodedJws(RFC7515_A1.header, A_PAYLOAD, key);
  assert.equal(jws, `${RFC7515_A1.header}.${A_PAYLOAD}.${RFC7515_A1.signature}`);
  const { header, payload } = await verifyJws(jws, key, ['HS256']);
  assert.deepEqual(header, { typ: 'JWT', alg: 'HS256' });
  assert.deepEqual(jwtClaims(payload), { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
});

test('dg:jose:verify RFC 7515 A.2: the RFC RS256 JWS verifies with the public key; RS256 is deterministic, so signing reproduces it', async () => {
  const jws = `${RFC7515_A2.header}.${A_PAYLOAD}.${RFC7515_A2.signature}`;
  const publicKey = await importJwk(publicOf(RFC7515_A2.jwk), 'RS256');
  const { header } = await verifyJws(jws, publicKey, ['RS256']);
  assert.equal(header.alg, 'RS256');
  const privateKey = await importJwk(RFC7515_A2.jwk, 'RS256');
  assert.equal(await signEncodedJws(RFC7515_A2.header, A_PAYLOAD, privateKey), jws);
});

test('dg:jose:verify RFC 7515 A.3 and A.4: the RFC ES256 and ES512 signatures (r||s) verify', async () => {
  const es256 = await importJwk(publicOf(RFC7515_A3.jwk));
  assert.equal(algorithmOf(es256), 'ES256');
  await verifyJws(`${RFC7515_A3.header}.${A_PAYLOAD}.${RFC7515_A3.signature}`, es256, ['ES256']);
  const es512 = await importJwk(RFC7515_A4.jwk);
  const { payload } = await verifyJws(RFC7515_A4.jws, es512, ['ES512']);
  assert.equal(new TextDecoder().decode(payload), 'Payload');
  // ECDSA is randomized: our own signature differs but verifies with the RFC key.
  const signing = await importJwk(RFC7515_A3.jwk);
  const ours = await signEncodedJws(RFC7515_A3.header, A_PAYLOAD, signing);
  assert.notEqual(ours, `${RFC7515_A3.header}.${A_PAYLOAD}.${RFC7515_A3.signature}`);
  await verifyJws(ours, es256, ['ES256']);
});

test('dg:jose:verify RFC 7520 §4.3: the ES512 JWS with a kid verifies through a key resolver that picks the key by kid', async () => {
  const key = await importJwk(RFC7520_4_3.jwk);
  const seen: string[] = [];
  const { header, payload } = await verifyJws(RFC7520_4_3.jws, async (h) => {
    seen.push(String(h.kid));
    return key;
  }, ['ES512']);
  assert.deepEqual(seen, ['bilbo.baggins@hobbiton.example']);
  assert.equal(header.kid, 'bilbo.baggins@hobbiton.example');
  assert.ok(new TextDecoder().decode(payload).startsWith(RFC7520_4_3.payloadStart));
});

test('dg:jose:algorithms dg:jose:ps-salt every supported alg signs and verifies with a generated key, and algorithmOf names it', async () => {
  // An Ed25519 key's own alg is EdDSA; its second name, Ed25519, has its own tests (keys.test.ts).
  for (const alg of SUPPORTED_ALGS.filter((a) => a !== 'Ed25519')) {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    assert.equal(algorithmOf(privateKey), alg, alg);
    const jws = await signJws({ typ: 'JWT', kid: 'k1' }, { sub: 'x' }, privateKey);
    const decoded = decodeJws(jws);
    assert.deepEqual(decoded.header, { typ: 'JWT', kid: 'k1', alg }, alg);
    const { payload } = await verifyJws(jws, publicKey, [alg]);
    assert.deepEqual(jwtClaims(payload), { sub: 'x' });
    if (alg.startsWith('PS')) {
      // RFC 7518 §3.5: the salt is as long as the hash; a verifier with another salt length fails.
      const params = { name: 'RSA-PSS', saltLength: 0 };
      assert.equal(await crypto.subtle.verify(params, publicKey, decoded.signature, decoded.signingInput), false, alg);
      assert.equal(await crypto.subtle.verify({ ...params, saltLength: Number(alg.slice(2)) / 8 }, publicKey, decoded.signature, decoded.signingInput), true, alg);
    }
  }
});

test('dg:jose:sign signJws signs raw payload bytes as they are, and an explicit alg that matches the key is kept', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const bytes = new Uint8Array([0, 1, 2, 255]);
  const jws = await signJws({ alg: 'ES256' }, bytes, privateKey);
  assert.deepEqual([...(await verifyJws(jws, publicKey, ['ES256'])).payload], [0, 1, 2, 255]);
});

test('dg:jose:none-refused dg:jose:typed-errors alg none (and any alg we do not implement) is refused, unsigned or not', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  for (const alg of ['none', 'None', 'HS1', 'RS1', 'ES256K', 'A128KW', undefined, 7]) {
    const header = encodeBase64url(JSON.stringify({ alg }));
    const unsigned = `${header}.${A_PAYLOAD}.`;
    assertCode(await rejection(verifyJws(unsigned, key, ['HS256', ...([alg] as Alg[])])), 'OAUTH_UNSUPPORTED_ALGORITHM', String(alg));
    assertCode(await rejection(signEncodedJws(header, A_PAYLOAD, key)), 'OAUTH_UNSUPPORTED_ALGORITHM', String(alg));
    assert.throws(() => decodeJws(unsigned), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
  }
  assertCode(await rejection(signJws({ alg: 'none' as Alg }, {}, key)), 'OAUTH_UNSUPPORTED_ALGORITHM');
});

test('dg:jose:crit-refused a header with crit is refused: we understand no extension', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  const jws = await signJws({ crit: ['b64'], b64: false }, {}, key);
  assertCode(await rejection(verifyJws(jws, key, ['HS256'])), 'OAUTH_UNSUPPORTED_ALGORITHM');
});

test('dg:jose:alg-allowlist a supported alg outside the caller\'s list is refused before any key is resolved', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  const jws = `${RFC7515_A1.header}.${A_PAYLOAD}.${RFC7515_A1.signature}`;
  let resolved = 0;
  const error = await rejection(verifyJws(jws, () => (resolved++, key), ['RS256', 'ES256']));
  assertCode(error, 'OAUTH_UNSUPPORTED_ALGORITHM');
  assert.equal(resolved, 0);
});

test('dg:jose:key-alg-match a header cannot turn a key into another algorithm (RS256 public key as an HS256 secret, ES256 key for ES384)', async () => {
  const rsaPublic = await importJwk(publicOf(RFC7515_A2.jwk), 'RS256');
  const forged = await signJws({ alg: 'HS256' }, {}, await importJwk(RFC7515_A1.jwk, 'HS256'));
  assertCode(await rejection(verifyJws(forged, rsaPublic, ['HS256', 'RS256'])), 'OAUTH_INVALID_KEY');
  const { privateKey } = await generateKeyPair('ES256');
  assertCode(await rejection(signJws({ alg: 'ES384' }, {}, privateKey)), 'OAUTH_INVALID_KEY');
  assertCode(await rejection(signJws({}, {}, 'not a key' as unknown as CryptoKey)), 'OAUTH_INVALID_KEY');
  assertCode(await rejection(verifyJws(forged, () => ({}) as CryptoKey, ['HS256'])), 'OAUTH_INVALID_KEY');
  // A public key cannot sign: crypto.subtle's own refusal comes back typed.
  const { publicKey } = await generateKeyPair('ES256');
  assertCode(await rejection(signJws({}, {}, publicKey)), 'OAUTH_INVALID_KEY');
});

test('dg:jose:algorithms algorithmOf refuses a key of an algorithm no JWS alg names as unsupported', async () => {
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
  assert.throws(() => algorithmOf(aes), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
  const sha1 = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  assert.throws(() => algorithmOf(sha1), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
  const k256 = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  assert.throws(() => algorithmOf(k256.privateKey), (e: unknown) => (assertCode(e, 'OAUTH_UNSUPPORTED_ALGORITHM'), true));
});

test('dg:jose:verify a tampered payload or signature fails with OAUTH_JWS_SIGNATURE_INVALID', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  const other = encodeBase64url('{"iss":"mallory"}');
  const tampered = [`${RFC7515_A1.header}.${other}.${RFC7515_A1.signature}`, `${RFC7515_A1.header}.${A_PAYLOAD}.${RFC7515_A3.signature}`];
  for (const jws of tampered) assertCode(await rejection(verifyJws(jws, key, ['HS256'])), 'OAUTH_JWS_SIGNATURE_INVALID');
});

test('dg:jose:compact-form dg:jose:typed-errors malformed compact JWS, headers and claims are OAUTH_PARSE_ERROR', async () => {
  const key = await importJwk(RFC7515_A1.jwk, 'HS256');
  const h = RFC7515_A1.header;
  const bad = [
    '', 'a.b', 'a.b.c.d', `${h}.${A_PAYLOAD}`, `${h}.${A_PAYLOAD}.${RFC7515_A1.signature}.x`,
    `!!.${A_PAYLOAD}.x`, `${encodeBase64url('not json')}.${A_PAYLOAD}.x`, `${encodeBase64url('[1]')}.${A_PAYLOAD}.x`,
    `${encodeBase64url('null')}.${A_PAYLOAD}.x`, `${encodeBase64url(new Uint8Array([0xff, 0xfe]))}.${A_PAYLOAD}.x`,
    `${h}.${A_PAYLOAD}.a`, `${h}.pay+load.x`,
  ];
  for (const jws of bad) assertCode(await rejection(verifyJws(jws, key, ['HS256'])), 'OAUTH_PARSE_ERROR', jws);
  assertCode(await rejection(verifyJws(42 as unknown as string, key, ['HS256'])), 'OAUTH_PARSE_ERROR');
  assert.throws(() => jwtClaims(new Uint8Array([0xc3])), (e: unknown) => (assertCode(e, 'OAUTH_PARSE_ERROR'), true));
  assert.throws(() => jwtClaims(new TextEncoder().encode('"text"')), (e: unknown) => (assertCode(e, 'OAUTH_PARSE_ERROR'), true));
});

test('dg:jose:base64url-strict base64url round-trips any bytes without padding, and refuses padding, + / and impossible lengths', () => {
  const all = new Uint8Array(70000).map((_, i) => (i * 7) & 0xff);
  const text = encodeBase64url(all);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeBase64url(text), all);
  assert.equal(encodeBase64url('\u00e9\u2019'), 'w6nigJk');
  assert.equal(decodeBase64urlText('w6nigJk'), '\u00e9\u2019');
  assert.equal(encodeBase64url(new Uint8Array([0xfb, 0xff])), '-_8');
  for (const bad of ['YQ==', 'a+b/', 'abcde', 'ab cd', 12 as unknown as string]) {
    assert.throws(() => decodeBase64url(bad), (e: unknown) => (assertCode(e, 'OAUTH_PARSE_ERROR', String(bad)), true));
  }
});
