// RFC 6749 §6: refreshing an access token, with openid-client v6's refreshTokenGrant(config,
// refreshToken, parameters?, options?). Against the in-process conformance server (which rotates
// refresh tokens and issues ID tokens for the openid scope) and against scripted answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  Configuration,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  enableNonRepudiationChecks,
  initiateDeviceAuthorization,
  refreshTokenGrant,
  type ClientAuth,
} from '../../lib/index.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, formOf, harness, json, pollUntilApproved, scriptedConfig, type AuthKind } from '../support/harness.js';
import { goodClaims, jwt } from '../support/polling-side.js';

/** A device login on the in-process server, then the harness and the tokens it gave. */
async function loggedIn(auth: AuthKind = 'none', scope = 'openid offline') {
  const h = harness({ auth, autoAdvance: true });
  const device = await initiateDeviceAuthorization(h.config, { scope }, { now: h.clock.now });
  const tokens = await pollUntilApproved(h, device, { approveAfter: 1 });
  assert.ok(tokens.refresh_token);
  return { h, tokens, refreshToken: tokens.refresh_token };
}

const refreshRequests = (h: ReturnType<typeof harness>) =>
  h.server.requests.filter((r) => r.endpoint === 'token' && r.form.some(([k, v]) => k === 'grant_type' && v === 'refresh_token'));

test('rfc6749:6:grant-type rfc6749:6:refresh-token rfc6749:6:form-encoding dg:refresh:signature a refresh sends grant_type=refresh_token and the refresh token verbatim as a UTF-8 form, and returns the new tokens with helpers', async () => {
  const { h, tokens, refreshToken } = await loggedIn();
  const refreshed = await refreshTokenGrant(h.config, refreshToken, { scope: 'openid' }, { now: h.clock.now });
  const [request] = refreshRequests(h);
  assert.ok(request);
  assert.equal(request.method, 'POST');
  assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
  const form = formOf(request.body);
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('refresh_token'), refreshToken);
  assert.equal(form.get('scope'), 'openid');
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.notEqual(refreshed.refresh_token, refreshToken); // the server rotated it
  assert.equal(refreshed.token_type, 'bearer');
  assert.equal(refreshed.expiresIn(), 3600);
  assert.equal(refreshed.claims()?.sub, tokens.claims()?.sub);
  assert.deepEqual(Object.keys(refreshed).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  // The old refresh token is spent: the server says invalid_grant, as a ResponseBodyError.
  await assert.rejects(refreshTokenGrant(h.config, refreshToken), (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_grant' && e.status === 400);
});

test('rfc6749:6:client-auth a confidential client authenticates every refresh request with its ClientAuth, called afresh each time', async () => {
  const { h, refreshToken } = await loggedIn('basic');
  let calls = 0;
  const basic = ClientSecretBasic();
  const counting: ClientAuth = (as, client, body, headers) => {
    calls += 1;
    return basic(as, client, body, headers);
  };
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, { client_secret: CLIENT_SECRET }, counting);
  config[customFetch] = h.fetch;
  const first = await refreshTokenGrant(config, refreshToken, undefined, { now: h.clock.now });
  await refreshTokenGrant(config, first.refresh_token!, undefined, { now: h.clock.now });
  assert.equal(calls, 2);
  for (const request of refreshRequests(h)) {
    assert.match(request.headers['authorization'] ?? '', /^Basic /);
    assert.equal(formOf(request.body).get('client_secret'), null);
  }
  // Without its credentials the server refuses the refresh: 401 invalid_client with a Basic challenge.
  const anonymous = new Configuration(h.config.serverMetadata(), CLIENT_ID);
  anonymous[customFetch] = h.fetch;
  const refused = await refreshTokenGrant(anonymous, first.refresh_token!).catch((e: unknown) => e);
  assert.ok(refused instanceof WWWAuthenticateChallengeError || refused instanceof ResponseBodyError, String(refused));
});

test('rfc6749:6:error-response dg:refresh:signature an error answer is a ResponseBodyError, a 401 challenge a WWWAuthenticateChallengeError, other statuses a ClientError; secrets are redacted', async () => {
  const secret = 'rt-secret-0001';
  const answers: Array<[Response, (e: unknown) => boolean]> = [
    [json({ error: 'invalid_grant', error_description: `bad ${secret}` }, 400), (e) => e instanceof ResponseBodyError && e.error === 'invalid_grant' && !String(e.error_description).includes(secret)],
    [json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic realm="as"' }), (e) => e instanceof WWWAuthenticateChallengeError && e.error === 'invalid_client'],
    [new Response('oops', { status: 502 }), (e) => e instanceof ClientError && e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    [json({ error: 'server_error' }, 200), (e) => e instanceof ResponseBodyError && e.error === 'server_error'],
    [new Response('<html>', { status: 200 }), (e) => e instanceof ClientError && e.code === 'OAUTH_PARSE_ERROR'],
    [json({ access_token: 'a', token_type: 'mac' }), (e) => e instanceof ClientError && e.code === 'OAUTH_UNSUPPORTED_TOKEN_TYPE'],
  ];
  for (const [answer, check] of answers) {
    const { config, fetch } = scriptedConfig(() => answer);
    await assert.rejects(refreshTokenGrant(config, secret), check);
    assert.equal(fetch.calls.length, 1, 'no retry without DPoP');
  }
  // An extra token type the caller allows is accepted, as in the device flow.
  const { config } = scriptedConfig(() => json({ access_token: 'a', token_type: 'mac' }));
  assert.equal((await refreshTokenGrant(config, secret, undefined, { allowedTokenTypes: ['mac'] })).token_type, 'mac');
});

test('dg:refresh:signature dg:dpop:handle-argument bad arguments are TypeErrors before any request: an empty or non-string refresh token, a reserved parameter, a DPoP option that is not a handle', async () => {
  const { config, fetch } = scriptedConfig(() => json({}));
  const cases: Array<[unknown, unknown, unknown, string]> = [
    ['', undefined, undefined, 'ERR_INVALID_ARG_TYPE'],
    [42, undefined, undefined, 'ERR_INVALID_ARG_TYPE'],
    ['rt', { grant_type: 'password' }, undefined, 'ERR_INVALID_ARG_VALUE'],
    ['rt', { refresh_token: 'other' }, undefined, 'ERR_INVALID_ARG_VALUE'],
    ['rt', undefined, { DPoP: {} }, 'ERR_INVALID_ARG_TYPE'],
    ['rt', undefined, { DPoP: null }, 'ERR_INVALID_ARG_TYPE'],
    ['rt', undefined, { expectedSubject: 42 }, 'ERR_INVALID_ARG_TYPE'],
    ['rt', undefined, { now: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ['rt', undefined, { allowedTokenTypes: 'mac' }, 'ERR_INVALID_ARG_TYPE'],
    ['rt', undefined, { allowedTokenTypes: [1] }, 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [token, parameters, options, code] of cases) {
    await assert.rejects(refreshTokenGrant(config, token as string, parameters as never, options as never), (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === code);
  }
  assert.equal(fetch.calls.length, 0);
  // A null options object is no options at all, as in openid-client.
  const ok = scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer' }));
  assert.equal((await refreshTokenGrant(ok.config, 'rt', undefined, null as never)).access_token, 'at');
});

test('oidc:12.2:same-sub dg:refresh:expected-subject with expectedSubject, a refreshed ID token for another sub is refused; without it, the ID token is still checked', async () => {
  const now = Date.now();
  const idToken = (sub: string, extra: Record<string, unknown> = {}) => jwt({ ...goodClaims(now), sub, ...extra });
  const answer = (token: string) => scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer', id_token: token })).config;
  const same = await refreshTokenGrant(answer(idToken('user-1')), 'rt', undefined, { expectedSubject: 'user-1' });
  assert.equal(same.claims()?.sub, 'user-1');
  await assert.rejects(
    refreshTokenGrant(answer(idToken('someone-else')), 'rt', undefined, { expectedSubject: 'user-1' }),
    (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  );
  // openid-client documents no sub comparison, so without the option another sub passes...
  assert.equal((await refreshTokenGrant(answer(idToken('someone-else')), 'rt')).claims()?.sub, 'someone-else');
  // ...and a response without an ID token is fine either way.
  const noIdToken = scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer' })).config;
  assert.equal((await refreshTokenGrant(noIdToken, 'rt', undefined, { expectedSubject: 'user-1' })).claims(), undefined);
});

test('oidc:12.2:same-iss-aud a refreshed ID token from another issuer or for another audience is refused', async () => {
  const now = Date.now();
  for (const [claims, code] of [
    [{ iss: 'https://elsewhere.example' }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED'],
    [{ aud: 'another-client' }, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED'],
  ] as const) {
    const { config } = scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer', id_token: jwt({ ...goodClaims(now), ...claims }) }));
    await assert.rejects(refreshTokenGrant(config, 'rt'), (e: unknown) => e instanceof ClientError && e.code === code);
  }
  assert.equal(ISSUER, goodClaims(now)['iss']);
});

test('dg:idtoken:signature-opt-in dg:refresh:signature after enableNonRepudiationChecks, a refreshed ID token\'s signature is verified with the server\'s JWKS', async () => {
  const { h, refreshToken } = await loggedIn();
  const metadata = { ...h.config.serverMetadata(), jwks_uri: `${ISSUER}/jwks` };
  const checked = new Configuration(metadata, CLIENT_ID);
  checked[customFetch] = h.fetch;
  enableNonRepudiationChecks(checked);
  const good = await refreshTokenGrant(checked, refreshToken, undefined, { now: h.clock.now });
  assert.ok(good.id_token);
  assert.ok(h.server.requests.some((r) => r.endpoint === 'jwks'), 'the JWKS was fetched');
  // The same server, but the refresh answer's ID token has its signature bytes flipped.
  const tampered = new Configuration(metadata, CLIENT_ID);
  tampered[customFetch] = async (url, init) => {
    const response = await h.fetch(url, init);
    if (!url.endsWith('/token')) return response;
    const body = (await response.json()) as Record<string, string>;
    const [head, payload, signature = ''] = body['id_token']!.split('.');
    body['id_token'] = `${head}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    return json(body);
  };
  enableNonRepudiationChecks(tampered);
  await assert.rejects(refreshTokenGrant(tampered, good.refresh_token!, undefined, { now: h.clock.now }), (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_JWS_SIGNATURE_INVALID');
});
