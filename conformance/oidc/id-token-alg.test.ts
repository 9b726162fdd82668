// The ID token's alg header, checked as openid-client checks it: the client's registered
// id_token_signed_response_alg, else the server's id_token_signing_alg_values_supported, else
// RS256. `none` is refused always: accepting it was a regression against openid-client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, validateIdToken } from '../../lib/index.js';
import { CLIENT_ID, ISSUER } from '../support/harness.js';
import { T0, goodClaims, initiate, jwt, run, script, tokenResponse, type RunResult } from '../support/polling-side.js';

const ARRIVAL = T0 + 5000;

async function withHeader(header: Record<string, unknown>, options: { server?: Record<string, unknown>; client?: Record<string, unknown> } = {}): Promise<RunResult> {
  const s = script([tokenResponse({ id_token: jwt(goodClaims(ARRIVAL), header) })], { serverMetadata: options.server ?? {}, clientMetadata: options.client ?? {} });
  return run(s, await initiate(s));
}

function refused(result: RunResult, what: string): void {
  assert.equal(result.token, undefined, what);
  assert.ok(result.error instanceof ClientError, `${what}: ${String(result.error)}`);
  assert.equal(result.error.code, 'OAUTH_INVALID_RESPONSE', what);
  assert.match(result.error.message, /"alg"/, what);
}

test('oidc:3.1.3.7:alg without metadata only RS256 is accepted; another alg is refused and ends the flow', async () => {
  assert.ok((await withHeader({ alg: 'RS256', typ: 'JWT' })).token?.claims());
  for (const alg of ['ES256', 'PS256', 'HS256']) refused(await withHeader({ alg }), alg);
});

test('oidc:3.1.3.7:alg the server\'s id_token_signing_alg_values_supported widens it; the client\'s id_token_signed_response_alg decides over both', async () => {
  const server = { id_token_signing_alg_values_supported: ['ES256', 'PS384'] };
  assert.ok((await withHeader({ alg: 'ES256' }, { server })).token);
  assert.ok((await withHeader({ alg: 'PS384' }, { server })).token);
  refused(await withHeader({ alg: 'RS256' }, { server }), 'RS256 not announced');
  const client = { id_token_signed_response_alg: 'EdDSA' };
  assert.ok((await withHeader({ alg: 'EdDSA' }, { server, client })).token);
  refused(await withHeader({ alg: 'ES256' }, { server, client }), 'ES256 not registered');
});

test('dg:idtoken:none-refused an unsigned ID token (alg none) is refused even when the server announces none or the client registered it', async () => {
  refused(await withHeader({ alg: 'none' }), 'none by default');
  refused(await withHeader({ alg: 'none' }, { server: { id_token_signing_alg_values_supported: ['none', 'RS256'] } }), 'none announced');
  refused(await withHeader({ alg: 'none' }, { client: { id_token_signed_response_alg: 'none' } }), 'none registered');
  for (const header of [{}, { alg: 7 }, { alg: ['RS256'] }, { alg: null }]) refused(await withHeader(header), JSON.stringify(header));
  // A header that is not a JSON object is a malformed token.
  const payload = Buffer.from(JSON.stringify(goodClaims(ARRIVAL))).toString('base64url');
  for (const bad of [Buffer.from('[1]').toString('base64url'), 'e3', '!!']) {
    const s = script([tokenResponse({ id_token: `${bad}.${payload}.sig` })]);
    const result = await run(s, await initiate(s));
    assert.ok(result.error instanceof ClientError && result.error.code !== undefined, bad);
    assert.equal(result.token, undefined);
  }
});

test('oidc:3.1.3.7:alg dg:idtoken:none-refused validateIdToken takes the algorithms to accept, RS256 by default, and never none', () => {
  const claims = goodClaims(ARRIVAL);
  const expected = { issuer: ISSUER, clientId: CLIENT_ID, now: Math.floor(ARRIVAL / 1000), tolerance: 30 };
  assert.deepEqual(validateIdToken(jwt(claims), expected), claims);
  const isAlgError = (e: unknown): boolean => e instanceof ClientError && e.code === 'OAUTH_INVALID_RESPONSE';
  assert.throws(() => validateIdToken(jwt(claims, { alg: 'ES256' }), expected), isAlgError);
  assert.deepEqual(validateIdToken(jwt(claims, { alg: 'ES256' }), { ...expected, algorithms: ['ES256'] }), claims);
  assert.throws(() => validateIdToken(jwt(claims, { alg: 'none' }), { ...expected, algorithms: ['none'] }), isAlgError);
});
