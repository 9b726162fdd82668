// dg:dpop:verifier: the conformance server that every DPoP client test runs against refuses any
// proof that breaks RFC 9449 §4.3, so that a client test can pass only with correct proofs. The
// proofs here are built by hand with node:crypto, not by the library.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { checkProof, createDPoPState, tokenRequestProof, type DPoPServerOptions } from '../server/dpop.js';

const HTU = 'https://as.example.test/token';
const NOW = Date.UTC(2026, 0, 1);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWK = publicKey.export({ format: 'jwk' });
const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
let counter = 0;

/** A proof signed with the test key; `header` and `claims` override the good defaults. */
function proof(header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}): string {
  const h = { typ: 'dpop+jwt', alg: 'ES256', jwk: JWK, ...header };
  const c = { jti: `jti-${++counter}-0123456789`, htm: 'POST', htu: HTU, iat: Math.floor(NOW / 1000), ...claims };
  const input = `${b64(h)}.${b64(c)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const verdict = (jwt: string, options: DPoPServerOptions = {}, state = createDPoPState(options)) => {
  const result = checkProof(state, jwt, HTU, NOW);
  return result.ok ? 'ok' : result.error;
};

test('dg:dpop:verifier the conformance server accepts a good proof and refuses every broken one', () => {
  assert.equal(verdict(proof()), 'ok');
  const broken: Array<[string, string]> = [
    ['not a jwt', 'x.y'],
    ['typ', proof({ typ: 'JWT' })],
    ['alg none', proof({ alg: 'none' })],
    ['alg HS256', proof({ alg: 'HS256' })],
    ['private jwk', proof({ jwk: { ...JWK, d: 'AAAA' } })],
    ['no jwk', proof({ jwk: undefined })],
    ['unusable jwk', proof({ jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } })],
    ['htm', proof({}, { htm: 'GET' })],
    ['htu', proof({}, { htu: `${HTU}?x=1` })],
    ['iat too old', proof({}, { iat: Math.floor(NOW / 1000) - 61 })],
    ['iat in the future', proof({}, { iat: Math.floor(NOW / 1000) + 61 })],
    ['no jti', proof({}, { jti: undefined })],
    ['short jti', proof({}, { jti: 'abc' })],
  ];
  for (const [what, jwt] of broken) assert.equal(verdict(jwt), 'invalid_dpop_proof', what);
  // A bad signature: the payload of one proof with the signature of another.
  const [h, p] = proof().split('.');
  assert.equal(verdict(`${h}.${p}.${proof().split('.')[2]}`), 'invalid_dpop_proof', 'signature');
  // A replayed jti.
  const state = createDPoPState();
  const once = proof();
  assert.equal(verdict(once, {}, state), 'ok');
  assert.equal(verdict(once, {}, state), 'invalid_dpop_proof', 'replay');
});

test('dg:dpop:verifier nonces: required means the current one, rotate replaces it after each accepted proof, loop never accepts', () => {
  const state = createDPoPState({ nonce: 'required', rotate: true });
  assert.equal(verdict(proof(), {}, state), 'use_dpop_nonce');
  assert.equal(verdict(proof({}, { nonce: 'stale' }), {}, state), 'use_dpop_nonce');
  const first = state.nonce;
  assert.equal(verdict(proof({}, { nonce: first }), {}, state), 'ok');
  assert.notEqual(state.nonce, first);
  assert.equal(verdict(proof({}, { nonce: first }), {}, state), 'use_dpop_nonce', 'the old nonce is spent');
  const loop = createDPoPState({ nonce: 'loop' });
  const before = loop.nonce;
  assert.equal(verdict(proof({}, { nonce: before }), {}, loop), 'use_dpop_nonce');
  assert.notEqual(loop.nonce, before);
  // At the HTTP level: a 400 body or a 401 challenge, with the DPoP-Nonce header; two DPoP headers are refused.
  const request = (dpop: string | undefined) => ({ method: 'POST', url: HTU, headers: dpop === undefined ? {} : { dpop }, body: '' });
  const body = tokenRequestProof(createDPoPState({ nonce: 'required' }), request(proof()), HTU, NOW);
  assert.ok('reply' in body && body.reply.status === 400 && body.reply.headers['dpop-nonce'] !== undefined && body.reply.body.includes('use_dpop_nonce'));
  const challenge = tokenRequestProof(createDPoPState({ nonce: 'required', nonceStyle: 'challenge' }), request(proof()), HTU, NOW);
  assert.ok('reply' in challenge && challenge.reply.status === 401 && /^DPoP error="use_dpop_nonce"/.test(challenge.reply.headers['www-authenticate'] ?? ''));
  const two = tokenRequestProof(createDPoPState(), request(`${proof()}, ${proof()}`), HTU, NOW);
  assert.ok('reply' in two && two.reply.body.includes('invalid_dpop_proof'));
  assert.deepEqual(tokenRequestProof(createDPoPState(), request(undefined), HTU, NOW), { jkt: undefined });
});
