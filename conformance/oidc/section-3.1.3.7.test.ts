// OpenID Connect Core 1.0 §2 and §3.1.3.7: the ID token checks on a token response, run through
// the polling driver so that each failure is shown to end the flow with a typed error and no
// result. The ID tokens are unsigned but well-formed compact JWS (the signature is not checked).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, clockSkew, clockTolerance, validateIdToken, type ClientMetadata } from '../../lib/index.js';
import { CLIENT_ID, ISSUER } from '../support/harness.js';
import { T0, goodClaims, initiate, jwt, run, script, tokenResponse, type RunResult } from '../support/polling-side.js';

/** The token arrives 5 s after T0 (one interval): the checks use that time. */
const ARRIVAL = T0 + 5000;
const NOW = Math.floor(ARRIVAL / 1000);

async function withIdToken(idToken: string, clientMetadata: Partial<ClientMetadata> = {}): Promise<RunResult> {
  const s = script([tokenResponse({ id_token: idToken, refresh_token: 'rt-secret-0002' })], { clientMetadata });
  return run(s, await initiate(s));
}

const claimsWith = (changes: Record<string, unknown>): Record<string, unknown> => {
  const claims = { ...goodClaims(ARRIVAL), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete claims[key];
  return claims;
};

async function accepts(changes: Record<string, unknown>, metadata: Partial<ClientMetadata> = {}): Promise<void> {
  const claims = claimsWith(changes);
  const result = await withIdToken(jwt(claims), metadata);
  assert.equal(result.error, undefined, `${JSON.stringify(changes)}: ${String(result.error)}`);
  assert.deepEqual(result.token?.claims(), claims);
}

async function rejects(changes: Record<string, unknown>, code: string, metadata: Partial<ClientMetadata> = {}): Promise<void> {
  const result = await withIdToken(jwt(claimsWith(changes)), metadata);
  assert.equal(result.token, undefined, JSON.stringify(changes));
  assert.ok(result.error instanceof ClientError, `${JSON.stringify(changes)}: ${String(result.error)}`);
  assert.equal(result.error.code, code, JSON.stringify(changes));
  assert.doesNotMatch(JSON.stringify(result.error) + result.error.message, /at-secret|rt-secret|eyJ/);
}

test('oidc:2:required-claims iss, sub, aud, exp and iat must be present with the right types, or the flow fails with OAUTH_INVALID_RESPONSE', async () => {
  await accepts({});
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat']) await rejects({ [claim]: undefined }, 'OAUTH_INVALID_RESPONSE');
  const wrong: Array<Record<string, unknown>> = [
    { iss: 42 },
    { iss: null },
    { sub: 7 },
    { sub: ['user'] },
    { aud: 5 },
    { aud: [] },
    { aud: [CLIENT_ID, 5] },
    { aud: { id: CLIENT_ID } },
    { exp: String(NOW + 3600) },
    { exp: null },
    { iat: String(NOW) },
    { iat: true },
  ];
  for (const changes of wrong) await rejects(changes, 'OAUTH_INVALID_RESPONSE');
});

test('oidc:3.1.3.7:iss-match iss must equal the issuer exactly: no trailing slash, case or path difference', async () => {
  await accepts({ iss: ISSUER });
  for (const iss of [`${ISSUER}/`, ISSUER.toUpperCase(), `${ISSUER}/tenant`, 'https://other.example.test', '']) {
    await rejects({ iss }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  }
});

test('oidc:3.1.3.7:aud-contains-client aud, as a string or an array, must contain the client_id', async () => {
  await accepts({ aud: CLIENT_ID });
  await accepts({ aud: [CLIENT_ID] });
  await accepts({ aud: ['other', CLIENT_ID], azp: CLIENT_ID });
  for (const aud of ['other', [`${CLIENT_ID} `], ['other', 'another'], CLIENT_ID.toUpperCase()]) {
    await rejects({ aud, azp: CLIENT_ID }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  }
});

test('oidc:3.1.3.7:azp-multi-aud with several audiences azp is required and must equal the client_id', async () => {
  await accepts({ aud: [CLIENT_ID, 'https://api.example'], azp: CLIENT_ID });
  await rejects({ aud: [CLIENT_ID, 'https://api.example'] }, 'OAUTH_INVALID_RESPONSE');
  await rejects({ aud: [CLIENT_ID, 'https://api.example'], azp: 'https://api.example' }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  await rejects({ aud: [CLIENT_ID, 'https://api.example'], azp: 5 }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
});

test('oidc:3.1.3.7:azp-equals-client (deviates) with a single audience azp is not checked, as in openid-client', async () => {
  await accepts({ aud: CLIENT_ID, azp: 'some-other-client' });
  await accepts({ aud: [CLIENT_ID], azp: 'some-other-client' });
  await accepts({ aud: CLIENT_ID, azp: CLIENT_ID });
});

test('oidc:3.1.3.7:exp an ID token expired beyond the 30 s default tolerance fails with OAUTH_JWT_TIMESTAMP_CHECK_FAILED', async () => {
  await accepts({ exp: NOW + 1 });
  await accepts({ exp: NOW - 29 });
  await rejects({ exp: NOW - 30 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  await rejects({ exp: NOW - 31 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  await rejects({ exp: 0 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
});

test('oidc:3.1.3.7:clock-tolerance config[clockTolerance] sets the leeway for exp and nbf; config[clockSkew] shifts the clock first', async () => {
  // Tolerance.
  await accepts({ exp: NOW - 100 }, { [clockTolerance]: 120 });
  await rejects({ exp: NOW - 100 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockTolerance]: 60 });
  await rejects({ exp: NOW }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockTolerance]: 0 });
  await accepts({ exp: NOW + 1 }, { [clockTolerance]: 0 });
  // nbf, with the default and a set tolerance.
  await accepts({ nbf: NOW + 20 });
  await rejects({ nbf: NOW + 40 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  await accepts({ nbf: NOW + 40 }, { [clockTolerance]: 60 });
  await rejects({ nbf: String(NOW) }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  // Skew: the assumed current time is now + clockSkew.
  await accepts({ exp: NOW + 50 }, { [clockSkew]: 60 });
  await rejects({ exp: NOW + 20 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockSkew]: 60 });
  await accepts({ exp: NOW - 80 }, { [clockSkew]: -60 });
  await rejects({ exp: NOW - 80 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  await accepts({ nbf: NOW + 80 }, { [clockSkew]: 60 });
  // The symbols live in the client metadata and do not show in clientMetadata() as strings.
  const s = script([], { clientMetadata: { [clockTolerance]: 5 } });
  assert.equal(s.config.clientMetadata()[clockTolerance], 5);
});

test('oidc:3.1.3.7:clock-tolerance nbf exactly at now + tolerance is accepted, and one second later it is refused', async () => {
  // The default 30 s tolerance.
  await accepts({ nbf: NOW + 30 });
  await rejects({ nbf: NOW + 31 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  // No tolerance: nbf may be now, not a second later.
  await accepts({ nbf: NOW }, { [clockTolerance]: 0 });
  await rejects({ nbf: NOW + 1 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockTolerance]: 0 });
  // A set tolerance, and a skew that moves now first.
  await accepts({ nbf: NOW + 60 }, { [clockTolerance]: 60 });
  await rejects({ nbf: NOW + 61 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockTolerance]: 60 });
  await accepts({ nbf: NOW + 10 + 30 }, { [clockSkew]: 10 });
  await rejects({ nbf: NOW + 10 + 31 }, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { [clockSkew]: 10 });
  // validateIdToken on its own draws the same line.
  const claims = { ...goodClaims(ARRIVAL), nbf: NOW + 30 };
  const expected = { issuer: ISSUER, clientId: CLIENT_ID, now: NOW, tolerance: 30 };
  assert.deepEqual(validateIdToken(jwt(claims), expected), claims);
  assert.throws(() => validateIdToken(jwt({ ...claims, nbf: NOW + 31 }), expected), (e: unknown) => (e as ClientError).code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
});

test('oidc:3.1.3.7:iat-window iat must be a number, but no maximum age is enforced, in the past or in the future', async () => {
  await accepts({ iat: 0 });
  await accepts({ iat: NOW - 10 * 365 * 86400 });
  await accepts({ iat: NOW + 3600 });
  await rejects({ iat: `${NOW}` }, 'OAUTH_INVALID_RESPONSE');
});

test('oidc:3.1.3.7:tls-instead-of-signature the signature is not verified (TLS authenticates the issuer), but the token must still be a well-formed compact JWS', async () => {
  const claims = goodClaims(ARRIVAL);
  for (const header of [{ alg: 'RS256', kid: 'unknown' }, { alg: 'RS256' }]) {
    const result = await withIdToken(jwt(claims, header));
    assert.deepEqual(result.token?.claims(), claims, JSON.stringify(header));
  }
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const h = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
  const utf8 = Buffer.from(JSON.stringify({ ...claims, name: 'Zoë 👩‍💻' })).toString('base64url');
  assert.equal((await withIdToken(`${h}.${utf8}.y`)).token?.claims()?.['name'], 'Zoë 👩‍💻');
  const malformed = [
    'not-a-jwt',
    `${h}.${payload}`,
    `${h}.${payload}.y.z`,
    `${h}..y`,
    `${h}.${payload}=.y`,
    `${h}.${payload.replace(/[A-Za-z]/, '+')}.y`,
    `${h}.${Buffer.from('not json').toString('base64url')}.y`,
    `${h}.${Buffer.from('[1,2]').toString('base64url')}.y`,
    `${h}.${Buffer.from([0xff, 0xfe, 0x80]).toString('base64url')}.y`,
    `${h}.${payload.slice(0, -1)}A.y`,
    `${h}.A.y`,
  ];
  for (const token of malformed) {
    const result = await withIdToken(token);
    assert.equal(result.token, undefined, token);
    assert.ok(result.error instanceof ClientError && !(result.error instanceof TypeError), `${token}: ${String(result.error)}`);
    assert.ok(['OAUTH_INVALID_RESPONSE', 'OAUTH_PARSE_ERROR'].includes(result.error.code), `${token}: ${result.error.code}`);
  }
  const wrongType = await withIdToken(5 as unknown as string);
  assert.equal((wrongType.error as ClientError).code, 'OAUTH_INVALID_RESPONSE');
});

test('oidc:3.1.3.7:tls-instead-of-signature validateIdToken on its own returns the claims and applies the same checks', () => {
  const claims = goodClaims(ARRIVAL);
  const expected = { issuer: ISSUER, clientId: CLIENT_ID, now: NOW, tolerance: 30 };
  assert.deepEqual(validateIdToken(jwt(claims), expected), claims);
  assert.throws(() => validateIdToken(jwt({ ...claims, iss: 'x' }), expected), (e: unknown) => (e as ClientError).code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  assert.throws(() => validateIdToken(jwt({ ...claims, exp: NOW - 31 }), expected), (e: unknown) => (e as ClientError).code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
});
