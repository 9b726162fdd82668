// RFC 7523 §3: the claims of a client assertion (iss, sub, aud, exp, and iat, nbf, jti), its
// signature, and what the client does when the server refuses it (§3.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSecretJwt,
  Configuration,
  PrivateKeyJwt,
  ResponseBodyError,
  clockSkew,
  customFetch,
  initiateDeviceAuthorization,
  modifyAssertion,
  pollDeviceAuthorizationGrant,
} from '../../lib/index.js';
import { importJwk } from '../../lib/jose/jwk.js';
import { verifyJws } from '../../lib/jose/jws.js';
import { clientKey, initiate, jwtHarness } from '../support/assertion-side.js';
import { CLIENT_ID, CLIENT_SECRET, pollUntilApproved } from '../support/harness.js';
import { rejection } from '../support/security-side.js';

test('rfc7523:3:iss rfc7523:3:sub rfc7523:3:sub-client-id rfc7523:3:aud rfc7523:3:exp rfc7523:3:iat rfc7523:3:nbf rfc7523:3:jti the claims: iss = sub = client_id, aud = the issuer exactly, exp 60 s after iat, nbf = iat, a random jti', async () => {
  const key = await clientKey('ES256');
  const issuer = 'https://as.example.test/tenants/a';
  const h = jwtHarness('private_key_jwt', PrivateKeyJwt(key.privateKey), { jwks: [key.jwk], issuer });
  const before = Math.floor(Date.now() / 1000);
  await initiate(h);
  const after = Math.floor(Date.now() / 1000);
  const [{ claims }] = h.assertions() as [ReturnType<typeof h.assertions>[number]];
  assert.equal(claims['iss'], CLIENT_ID);
  assert.equal(claims['sub'], CLIENT_ID);
  assert.equal(claims['aud'], issuer);
  const iat = claims['iat'] as number;
  assert.ok(iat >= before && iat <= after, `iat ${iat} within [${before}, ${after}]`);
  assert.equal(claims['exp'], iat + 60);
  assert.equal(claims['nbf'], iat);
  assert.match(claims['jti'] as string, /^[A-Za-z0-9_-]{43}$/);
});

test('rfc7523:3:exp-reject the assertion times follow the client clock corrected by clockSkew, so exp is judged on the server\'s time', async () => {
  const key = await clientKey('ES256');
  const h = jwtHarness('private_key_jwt', PrivateKeyJwt(key.privateKey), { jwks: [key.jwk] });
  // The server's clock is an hour ahead: without the correction the assertion would have expired on arrival.
  await h.clock.advance(3600_000);
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, { [clockSkew]: 3600 }, PrivateKeyJwt(key.privateKey));
  config[customFetch] = h.fetch;
  const now = Math.floor(Date.now() / 1000);
  await initiateDeviceAuthorization(config, { scope: 'openid' });
  const [{ claims }] = h.assertions() as [ReturnType<typeof h.assertions>[number]];
  assert.ok((claims['iat'] as number) >= now + 3600 && (claims['iat'] as number) <= now + 3602);
  // The same client without the correction is refused by that server.
  const plain = new Configuration(h.config.serverMetadata(), CLIENT_ID, undefined, PrivateKeyJwt(key.privateKey));
  plain[customFetch] = h.fetch;
  const refused = await rejection(initiateDeviceAuthorization(plain, { scope: 'openid' }));
  assert.ok(refused instanceof ResponseBodyError && refused.error === 'invalid_client', String(refused));
});

test('rfc7523:3:signed private_key_jwt with RS256, PS256, ES384 and EdDSA keys, and client_secret_jwt: signed so that the server (node:crypto) and lib/jose both verify it', async () => {
  for (const alg of ['RS256', 'PS256', 'ES384', 'EdDSA'] as const) {
    const key = await clientKey(alg, `k-${alg}`);
    const h = jwtHarness('private_key_jwt', PrivateKeyJwt({ key: key.privateKey, kid: `k-${alg}` }), { jwks: [key.jwk] });
    await initiate(h); // the server accepted it
    const [{ header, jwt }] = h.assertions() as [ReturnType<typeof h.assertions>[number]];
    assert.deepEqual(header, { alg, kid: `k-${alg}` });
    await verifyJws(jwt, key.publicKey, [alg]);
  }
  const h = jwtHarness('client_secret_jwt', ClientSecretJwt());
  await initiate(h);
  const [{ header, jwt }] = h.assertions() as [ReturnType<typeof h.assertions>[number]];
  assert.deepEqual(header, { alg: 'HS256' });
  const secret = await importJwk({ kty: 'oct', k: Buffer.from(CLIENT_SECRET).toString('base64url') }, 'HS256');
  await verifyJws(jwt, secret, ['HS256']);
});

test('rfc7523:3:jti-replay dg:clientauth:fresh-assertion a server that refuses replayed jti still logs the client in: every request, every poll, has a new assertion', async () => {
  for (const method of ['private_key_jwt', 'client_secret_jwt'] as const) {
    const key = await clientKey('ES256');
    const auth = method === 'private_key_jwt' ? PrivateKeyJwt(key.privateKey) : ClientSecretJwt(CLIENT_SECRET);
    const h = jwtHarness(method, auth, { jwks: [key.jwk] });
    const device = await initiate(h);
    const tokens = await pollUntilApproved(h, device, { approveAfter: 4 });
    assert.ok(tokens.access_token);
    const assertions = h.assertions();
    assert.equal(assertions.filter((a) => a.endpoint === 'token').length, 4, method);
    assert.equal(new Set(assertions.map((a) => a.claims['jti'])).size, assertions.length, method);
    assert.equal(new Set(assertions.map((a) => a.jwt)).size, assertions.length, method);
  }
});

test('rfc7523:3.2:invalid-client an assertion the server refuses (a replayed jti) ends the flow with invalid_client, without further polls', async () => {
  const key = await clientKey('ES256');
  const fixed = { [modifyAssertion]: (_header: Record<string, unknown>, payload: Record<string, unknown>) => void (payload['jti'] = 'always-the-same') };
  const h = jwtHarness('private_key_jwt', PrivateKeyJwt(key.privateKey, fixed), { jwks: [key.jwk] });
  const device = await initiate(h);
  const error = await rejection(pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }));
  assert.ok(error instanceof ResponseBodyError, String(error));
  assert.equal(error.error, 'invalid_client');
  assert.equal(h.server.requests.filter((r) => r.endpoint === 'token').length, 1);
});
