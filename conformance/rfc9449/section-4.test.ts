// RFC 9449 §4: the DPoP proof JWT (header, claims, keys), plus the key-pair API (randomDPoPKeyPair,
// getDPoPHandle) and its typed errors. Proofs are verified by the conformance server's own
// node:crypto code, not by the library's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Configuration, clockSkew, customFetch, getDPoPHandle, modifyAssertion, pollDeviceAuthorizationGrant, randomDPoPKeyPair, refreshTokenGrant } from '../../lib/index.js';
import { checkProof, createDPoPState, jwkThumbprint } from '../server/dpop.js';
import { decodeProof, dpopHarness, dpopLogin } from '../support/dpop-side.js';
import { ISSUER, json, scriptedConfig } from '../support/harness.js';

const TOKEN = `${ISSUER}/token`;
const isCode = (code: string) => (e: unknown) => e instanceof ClientError && e.code === code;

test('rfc9449:4.1:header rfc9449:4.2:header rfc9449:4.2:claims rfc9449:4.2:htu every poll carries one DPoP header: typ dpop+jwt, the public jwk, htm POST, htu without query or fragment, iat from the clock', async () => {
  const { config, fetch } = scriptedConfig((_url, _init, index) => (index < 2 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'DPoP' })));
  const keyPair = await randomDPoPKeyPair();
  const handle = getDPoPHandle(config, keyPair);
  const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 1 };
  let now = Date.UTC(2026, 0, 1);
  await pollDeviceAuthorizationGrant(config, device, undefined, { DPoP: handle, now: () => now, sleep: async (ms) => void (now += ms) });
  assert.equal(fetch.calls.length, 3);
  for (const call of fetch.calls) {
    const proof = call.init.headers['dpop'];
    // RFC 9110 token68: base64url parts and dots only.
    assert.match(proof ?? '', /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const { header, claims } = decodeProof(proof);
    assert.equal(header['typ'], 'dpop+jwt');
    assert.equal(header['alg'], 'ES256');
    assert.deepEqual(Object.keys(header['jwk'] as object).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(claims['htm'], 'POST');
    assert.equal(claims['htu'], TOKEN);
    assert.equal(typeof claims['jti'], 'string');
    assert.ok(Math.abs((claims['iat'] as number) - Math.floor(now / 1000)) <= 3);
    assert.equal(checkProof(createDPoPState(), proof!, TOKEN, now).ok, true, 'the proof verifies');
  }
  // htu drops the query (and a fragment never reaches a request): a token endpoint with a query.
  const q = scriptedConfig(() => json({ access_token: 'at', token_type: 'DPoP' }));
  const config2 = new Configuration({ issuer: ISSUER, token_endpoint: `${TOKEN}?tenant=a%20b` }, 'c');
  config2[customFetch] = q.fetch;
  await refreshTokenGrant(config2, 'rt', undefined, { DPoP: getDPoPHandle(config2, keyPair) });
  assert.equal(q.fetch.calls[0]?.url, `${TOKEN}?tenant=a%20b`);
  assert.equal(decodeProof(q.fetch.calls[0]?.init.headers['dpop']).claims['htu'], TOKEN);
  // iat follows the configuration's clockSkew, as the ID token checks do.
  const skewed = new Configuration({ issuer: ISSUER, token_endpoint: TOKEN }, 'c', { [clockSkew]: 120 });
  const at = Date.UTC(2026, 0, 1);
  const iat = decodeProof(await getDPoPHandle(skewed, keyPair).proof('POST', new URL(TOKEN), () => at)).claims['iat'];
  assert.equal(iat, at / 1000 + 120);
});

test('rfc9449:4.2:jti rfc9449:7.3:fresh-proof-retry every request gets a new proof with a jti of at least 96 random bits, retries and nonce retries included', async () => {
  const h = await dpopHarness({ nonce: 'required' });
  h.server.injectFaults({ kind: 'status', status: 503 });
  const login = await dpopLogin(h, { approveAfter: 4 });
  assert.ok(login.tokens);
  const jtis = login.token.map((r) => decodeProof(r.headers['dpop']).claims['jti'] as string);
  // A 503, then a nonce demand and its retry, then pending, then the token.
  assert.equal(jtis.length, 5, String(jtis.length));
  assert.equal(new Set(jtis).size, jtis.length, 'no jti repeats');
  for (const jti of jtis) assert.ok(Buffer.from(jti, 'base64url').length >= 12);
  const proofs = login.token.map((r) => r.headers['dpop']);
  assert.equal(new Set(proofs).size, proofs.length, 'no proof is resent');
});

test('rfc9449:4.2:alg-asymmetric rfc9449:11.6:asymmetric-only rfc9449:11.6:no-none proofs sign with RS, PS, ES and EdDSA keys; none, HS* and unknown algorithms are OAUTH_UNSUPPORTED_ALGORITHM', async () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'Ed25519']) {
    const keyPair = await randomDPoPKeyPair(alg);
    const { config } = scriptedConfig(() => json({}));
    const handle = getDPoPHandle(config, keyPair);
    const proof = await handle.proof('POST', new URL(TOKEN));
    // An Ed25519 key's proofs say "Ed25519" unless the server lists only "EdDSA" (dg:dpop:ed25519-name).
    assert.equal(decodeProof(proof).header['alg'], alg === 'EdDSA' ? 'Ed25519' : alg);
    assert.equal(checkProof(createDPoPState(), proof, TOKEN, Date.now()).ok, true, alg);
  }
  for (const alg of ['none', 'HS256', 'HS512', 'XY999', '']) {
    await assert.rejects(randomDPoPKeyPair(alg), isCode('OAUTH_UNSUPPORTED_ALGORITHM'), alg);
  }
  // A caller's own symmetric "pair" is refused too.
  const secret = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const { config } = scriptedConfig(() => json({}));
  assert.throws(() => getDPoPHandle(config, { privateKey: secret, publicKey: secret }), isCode('OAUTH_UNSUPPORTED_ALGORITHM'));
});

test('rfc9449:4.2:jwk-public dg:dpop:api the jwk carries public members only, even for an extractable private key; its thumbprint is the RFC 7638 one', async () => {
  for (const alg of ['ES256', 'RS256', 'EdDSA']) {
    const keyPair = await randomDPoPKeyPair(alg, { extractable: true });
    const { config } = scriptedConfig(() => json({}));
    const handle = getDPoPHandle(config, keyPair);
    const jwk = decodeProof(await handle.proof('POST', new URL(TOKEN))).header['jwk'] as Record<string, unknown>;
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(member in jwk, false, `${alg} ${member}`);
    assert.equal(await handle.thumbprint(), jwkThumbprint(jwk));
  }
});

test('dg:dpop:api randomDPoPKeyPair(alg?, options?) defaults to ES256 with a non-extractable private key; getDPoPHandle(config, keyPair) returns a handle', async () => {
  const keyPair = await randomDPoPKeyPair();
  assert.equal(keyPair.privateKey.algorithm.name, 'ECDSA');
  assert.equal((keyPair.privateKey.algorithm as EcKeyAlgorithm).namedCurve, 'P-256');
  assert.equal(keyPair.privateKey.extractable, false);
  assert.equal((await randomDPoPKeyPair('ES256', { extractable: true })).privateKey.extractable, true);
  const rsa = await randomDPoPKeyPair('PS384', { modulusLength: 3072 });
  assert.equal((rsa.publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength, 3072);
  const { config } = scriptedConfig(() => json({}));
  const handle = getDPoPHandle(config, keyPair, {});
  for (const method of ['proof', 'observe', 'isNonceDemand', 'checkBound', 'thumbprint'] as const) assert.equal(typeof handle[method], 'function');
  for (const options of [{ modulusLength: 1024 }, { modulusLength: 2048.5 }, { modulusLength: 2 ** 32 + 8 }, { extractable: 'yes' }] as never[]) {
    await assert.rejects(randomDPoPKeyPair('RS256', options), (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_VALUE');
  }
});

test('dg:dpop:bad-key a malformed key pair is OAUTH_INVALID_KEY at getDPoPHandle, before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json({}));
  const es = await randomDPoPKeyPair('ES256');
  const es384 = await randomDPoPKeyPair('ES384');
  const publicJwk = await crypto.subtle.exportKey('jwk', es.publicKey);
  const verifyOnly = await crypto.subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const sealed = await crypto.subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const bad: unknown[] = [
    null,
    'key',
    {},
    { privateKey: es.publicKey, publicKey: es.publicKey }, // no private key
    { privateKey: es.privateKey, publicKey: es384.publicKey }, // not its public key's algorithm
    { privateKey: es.privateKey, publicKey: es.privateKey }, // a private key as the public one
    { privateKey: es.privateKey, publicKey: { kty: 'EC' } }, // a JWK, not a CryptoKey
    { privateKey: es.privateKey },
    { privateKey: verifyOnly, publicKey: es.publicKey },
    { privateKey: es.privateKey, publicKey: sealed }, // a public key that cannot be exported into the proof
  ];
  for (const keyPair of bad) assert.throws(() => getDPoPHandle(config, keyPair as CryptoKeyPair), isCode('OAUTH_INVALID_KEY'), String(keyPair));
  assert.equal(fetch.calls.length, 0);
});

test('dg:dpop:api getDPoPHandle takes openid-client\'s [modifyAssertion]: it may add to each proof before signing; a non-function is a TypeError', async () => {
  const { config } = scriptedConfig(() => json({}));
  const keyPair = await randomDPoPKeyPair();
  const handle = getDPoPHandle(config, keyPair, {
    [modifyAssertion]: (header, claims) => {
      header['kid'] = 'proof-key';
      claims['client_id'] = 'c';
    },
  });
  const proof = await handle.proof('POST', new URL(TOKEN));
  const { header, claims } = decodeProof(proof);
  assert.equal(header['kid'], 'proof-key');
  assert.equal(claims['client_id'], 'c');
  assert.equal(checkProof(createDPoPState(), proof, TOKEN, Date.now()).ok, true, 'still a valid proof');
  assert.throws(() => getDPoPHandle(config, keyPair, { [modifyAssertion]: 'no' as never }), (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_TYPE');
});
