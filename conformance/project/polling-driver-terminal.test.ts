// What ends polling besides the RFC 8628 §3.5 error codes (dg:polling:terminal-classes): redirects,
// non-OAuth 4xx bodies, invalid tokens, a ClientAuth that throws; errors that keep every secret out;
// and no new device authorization after any ending. Scripted token endpoint, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Configuration, ResponseBodyError, customFetch } from '../../lib/index.js';
import { CLIENT_SECRET, json } from '../support/harness.js';
import {
  DEVICE_CODE,
  gaps,
  initiate,
  oauthError,
  pending,
  raw,
  run,
  script,
  tokenResponse,
  type TokenReply,
  flow,
  typed,
} from '../support/polling-side.js';
import { errorText, spellings } from '../support/security-side.js';

const S = 1000;

test('dg:polling:terminal-classes dg:security:no-redirects a 3xx, a 4xx without an OAuth body, and a 200 that is not a valid token end polling with a typed error after one request, never a raw TypeError', async () => {
  const J = { 'content-type': 'application/json' };
  const cases: Array<[string, TokenReply, string]> = [
    ['302', raw(302, null, { location: 'https://evil.example/' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['303', raw(303, null, { location: '/token' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 text', raw(400, 'Bad Request', { 'content-type': 'text/plain' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['404 HTML', raw(404, '<html>Not Found</html>', { 'content-type': 'text/html' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 truncated JSON', raw(400, '{"error":"authoriz', J), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 JSON array', raw(400, '["authorization_pending"]', J), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 error is a number', json({ error: 42 }, 400), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['200 JSON array', raw(200, '[{"access_token":"at"}]', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON string', raw(200, '"at"', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON null', raw(200, 'null', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 error is a number', json({ error: 42, access_token: 'at', token_type: 'bearer' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 error is an object', json({ error: { code: 'authorization_pending' } }), 'OAUTH_INVALID_RESPONSE'],
    ['200 empty object', json({}), 'OAUTH_INVALID_RESPONSE'],
    ['200 without access_token', json({ token_type: 'bearer', expires_in: 60 }), 'OAUTH_INVALID_RESPONSE'],
    ['200 access_token not a string', json({ access_token: 5, token_type: 'bearer' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 without token_type', json({ access_token: 'at' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 unknown token_type', json({ access_token: 'at', token_type: 'mac' }), 'OAUTH_UNSUPPORTED_TOKEN_TYPE'],
    ['200 refresh_token not a string', json({ access_token: 'at', token_type: 'bearer', refresh_token: 1 }), 'OAUTH_INVALID_RESPONSE'],
    ['200 scope not a string', json({ access_token: 'at', token_type: 'bearer', scope: ['a'] }), 'OAUTH_INVALID_RESPONSE'],
    ['200 __proto__', raw(200, '{"access_token":"at","token_type":"bearer","__proto__":{"x":1}}', J), 'OAUTH_INVALID_RESPONSE'],
    ['fetch resolved to a non-Response', (() => ({ status: 200 }) as unknown as Response), 'OAUTH_INVALID_RESPONSE'],
  ];
  for (const value of [-1, 'NaN', '1e3', '5abc', '', ' 5', true, null, [60]]) {
    cases.push([`expires_in ${JSON.stringify(value)}`, json({ access_token: 'at', token_type: 'bearer', expires_in: value }), 'OAUTH_INVALID_RESPONSE']);
  }
  cases.push(['expires_in 1e400', raw(200, '{"access_token":"at","token_type":"bearer","expires_in":1e400}', J), 'OAUTH_INVALID_RESPONSE']);
  for (const [name, reply, code] of cases) {
    const { error, times } = await flow([reply], {}, () => tokenResponse());
    assert.ok(typed(error), `${name}: ${String(error)}`);
    assert.equal((error as ClientError).code, code, name);
    assert.equal(times.length, 1, name);
  }
});

test('dg:polling:terminal-classes a failure that is not the server\'s (a ClientAuth that throws) ends polling at once with that error, without a retry', async () => {
  const s = script([pending()]);
  const device = await initiate(s);
  const broken = new Error('the key store is locked');
  let calls = 0;
  const config = new Configuration(s.config.serverMetadata(), 'client', undefined, () => {
    calls += 1;
    if (calls > 1) throw broken;
  });
  config[customFetch] = s.config[customFetch];
  const result = await run({ ...s, config }, device);
  assert.equal(result.error, broken);
  assert.equal(calls, 2);
  assert.equal(s.tokenCalls.length, 1);
});

test('dg:tolerance:error-in-200 dg:tolerance:numeric-strings a 200 carrying an OAuth error is that error; strict numeric strings in a token response are numbers', async () => {
  const pendingIn200 = await flow([json({ error: 'authorization_pending' }), json({ error: 'slow_down' }), tokenResponse()]);
  assert.deepEqual(gaps(pendingIn200.times).map((ms) => ms / S), [5, 10]);
  const denied = await flow([json({ error: 'access_denied', access_token: 'at', token_type: 'bearer' })]);
  assert.equal((denied.error as ResponseBodyError).error, 'access_denied');
  const numeric = await flow([tokenResponse({ expires_in: '3600' })]);
  assert.equal(numeric.token?.expires_in, 3600);
  assert.equal(numeric.token?.expiresIn(), 3600);
});

test('dg:security:secret-redaction dg:security:echoed-secret-redaction no polling error shows the device_code, client_secret or tokens, even when the server echoes them', async () => {
  // The server echoes what the client sent (device_code, client_secret); tokens appear only in
  // token responses that the client then rejects.
  const secrets = [DEVICE_CODE, CLIENT_SECRET, 'at-secret-0001', 'rt-secret-0002'];
  const echo = [DEVICE_CODE, CLIENT_SECRET].flatMap(spellings).join(' | ');
  const replies: Array<[string, TokenReply]> = [
    ['error_description echo', oauthError('invalid_grant', 400, { error_description: `unknown device_code ${echo}`, error_uri: `https://as.example.test/e?dc=${encodeURIComponent(DEVICE_CODE)}` })],
    ['error is the device_code', oauthError(DEVICE_CODE, 400)],
    ['text echo', raw(400, `bad request: ${echo}`, { 'content-type': 'text/plain' })],
    ['200 with error echo', json({ error: 'access_denied', error_description: echo, device_code: DEVICE_CODE })],
    ['unknown token_type', tokenResponse({ access_token: 'at-secret-0001', refresh_token: 'rt-secret-0002', token_type: 'mac' })],
    ['bad refresh_token type', json({ access_token: 'at-secret-0001', token_type: 'bearer', refresh_token: ['rt-secret-0002'] })],
    ['401 challenge echo', json({ error: 'invalid_client', error_description: echo }, 401, { 'www-authenticate': `Basic realm="${DEVICE_CODE.replace(/ /g, '')}", error="invalid_client", error_description="${encodeURIComponent(CLIENT_SECRET)}"` })],
  ];
  for (const [name, reply] of replies) {
    const s = script([reply], { auth: 'post', fallback: () => tokenResponse() });
    const result = await run(s, await initiate(s));
    assert.ok(typed(result.error), name);
    const text = errorText(result.error);
    for (const secret of secrets) for (const spelling of spellings(secret)) assert.ok(!text.includes(spelling), `${name} leaks ${spelling}: ${text}`);
  }
  // A transient answer that echoes secrets becomes the cause of the local expiry error.
  const s = script([], { auth: 'post', device: { expires_in: 20 }, fallback: () => json({ error: 'temporarily_unavailable', error_description: echo }, 503) });
  const result = await run(s, await initiate(s));
  assert.equal((result.error as ClientError).code, 'OAUTH_TIMEOUT');
  const text = errorText(result.error) + errorText((result.error as Error).cause);
  for (const secret of secrets) for (const spelling of spellings(secret)) assert.ok(!text.includes(spelling), `expiry leaks ${spelling}`);
});

test('rfc8628:3.1:user-initiated rfc8628:3.5:expired-token-wait-user after expired_token, access_denied, local expiry or any error, no new device authorization is started', async () => {
  const endings: Array<[string, TokenReply[], Record<string, unknown>]> = [
    ['expired_token', [pending(), oauthError('expired_token')], {}],
    ['access_denied', [oauthError('access_denied')], {}],
    ['local expiry', [], { expires_in: 12 }],
    ['terminal', [raw(302, null, { location: 'https://as.example.test/device_authorization' })], {}],
  ];
  for (const [name, replies, device] of endings) {
    const s = script(replies, { device, fallback: () => pending() });
    const result = await run(s, await initiate(s));
    assert.ok(result.error, name);
    await s.clock.sleep(3600 * S);
    assert.equal(s.deviceCalls, 1, name);
    assert.ok(s.tokenCalls.every((c) => c.form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code'), name);
  }
});
