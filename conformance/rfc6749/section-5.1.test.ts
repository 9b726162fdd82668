// RFC 6749 §5.1: the successful token response — a JSON object with access_token and
// token_type, optional expires_in / refresh_token / scope, unknown members kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, pollDeviceAuthorizationGrant, validateTokenResponse, type DeviceAuthorizationResponse } from '../../lib/index.js';
import { deviceBody, json } from '../support/harness.js';
import { classify, rawJson, scriptedPoll, tokenBody } from '../support/discovery-side.js';

const isCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;

/** The terminal error of a classified response, asserting the kind on the way. */
function terminalError(outcome: Awaited<ReturnType<typeof classify>>): unknown {
  assert.equal(outcome.kind, 'terminal', JSON.stringify(outcome));
  return outcome.kind === 'terminal' ? outcome.error : undefined;
}

test('rfc6749:5.1:json-object a 200 JSON value that is not an object is a typed terminal error', async () => {
  for (const text of ['[]', '[{"access_token":"a","token_type":"bearer"}]', 'null', '"a string"', '42', 'true']) {
    const error = terminalError(await classify(rawJson(text)));
    assert.ok(isCode('OAUTH_INVALID_RESPONSE')(error), text);
    // Through a full poll: the flow ends at once with the same typed error.
    const p = scriptedPoll(() => rawJson(text));
    await assert.rejects(p.result, isCode('OAUTH_INVALID_RESPONSE'));
    assert.equal(p.fetch.calls.length, 1);
  }
  // A 200 that is not JSON at all is transient (a proxy or captive portal), not a token.
  const html = await classify(new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }));
  assert.equal(html.kind, 'transient');
  const broken = await classify(rawJson('{"access_token":'));
  assert.equal(broken.kind, 'transient');
  // The parameters are read at top level only: a nested object does not count.
  assert.ok(isCode('OAUTH_INVALID_RESPONSE')(terminalError(await classify(json({ token: tokenBody() })))));
});

test('rfc6749:5.1:access-token a success needs access_token as a non-empty string; otherwise no token reaches the caller', async () => {
  for (const access_token of [undefined, '', 42, null, true, ['a'], { a: 1 }]) {
    const body = tokenBody({ access_token });
    if (access_token === undefined) delete body['access_token'];
    assert.throws(() => validateTokenResponse(body), isCode('OAUTH_INVALID_RESPONSE'), String(access_token));
    assert.ok(isCode('OAUTH_INVALID_RESPONSE')(terminalError(await classify(json(body)))));
    const p = scriptedPoll(() => json(body));
    await assert.rejects(p.result, isCode('OAUTH_INVALID_RESPONSE'));
  }
  const token = await scriptedPoll(() => json(tokenBody({ access_token: 'AT' }))).result;
  assert.equal(token.access_token, 'AT');
});

test('rfc6749:5.1:token-type token_type is required, compared case-insensitively and returned in lower case', async () => {
  for (const [sent, expected] of [
    ['Bearer', 'bearer'],
    ['BEARER', 'bearer'],
    ['bearer', 'bearer'],
    ['bEaReR', 'bearer'],
    ['DPoP', 'dpop'],
    ['DPOP', 'dpop'],
  ] as const) {
    assert.equal(validateTokenResponse(tokenBody({ token_type: sent })).token_type, expected);
    const outcome = await classify(json(tokenBody({ token_type: sent })));
    assert.equal(outcome.kind === 'token' && outcome.body.token_type, expected);
    const token = await scriptedPoll(() => json(tokenBody({ token_type: sent }))).result;
    assert.equal(token.token_type, expected);
  }
  for (const token_type of [undefined, '', 7, null, ['bearer']]) {
    const body = tokenBody({ token_type });
    if (token_type === undefined) delete body['token_type'];
    assert.throws(() => validateTokenResponse(body), isCode('OAUTH_INVALID_RESPONSE'), String(token_type));
    await assert.rejects(scriptedPoll(() => json(body)).result, isCode('OAUTH_INVALID_RESPONSE'));
  }
});

test('rfc6749:5.1:expires-in expiresIn() counts down from the arrival; absent means undefined; malformed values are refused', async () => {
  const p = scriptedPoll(() => json(tokenBody({ expires_in: 3600 })));
  const token = await p.result;
  assert.equal(token.expires_in, 3600);
  assert.equal(token.expiresIn(), 3600);
  await p.clock.advance(100_500);
  assert.equal(token.expiresIn(), 3499);
  await p.clock.advance(4000_000);
  assert.equal(token.expiresIn(), 0);

  // A strict numeric string is tolerated and becomes a number.
  const fromString = await scriptedPoll(() => json(tokenBody({ expires_in: '120' }))).result;
  assert.equal(fromString.expires_in, 120);
  assert.equal(fromString.expiresIn(), 120);
  assert.equal(validateTokenResponse(tokenBody({ expires_in: 0 })).expires_in, 0);

  const noLifetime = tokenBody();
  delete noLifetime['expires_in'];
  const none = await scriptedPoll(() => json(noLifetime)).result;
  assert.equal(none.expiresIn(), undefined);
  assert.equal('expires_in' in none, false);

  for (const expires_in of [-1, '-1', '1e3', ' 5', '5 ', '5abc', '', 'abc', true, null, [60], { s: 60 }, 1e309]) {
    const text = expires_in === 1e309 ? '{"access_token":"a","token_type":"bearer","expires_in":1e309}' : JSON.stringify(tokenBody({ expires_in }));
    assert.ok(isCode('OAUTH_INVALID_RESPONSE')(terminalError(await classify(rawJson(text)))), String(expires_in));
    await assert.rejects(scriptedPoll(() => rawJson(text)).result, isCode('OAUTH_INVALID_RESPONSE'));
  }
});

test('rfc6749:5.1:refresh-token-optional a success without refresh_token is accepted; a non-string one is refused', async () => {
  const token = await scriptedPoll(() => json(tokenBody())).result;
  assert.equal(token.refresh_token, undefined);
  assert.equal('refresh_token' in token, false);
  assert.equal((await scriptedPoll(() => json(tokenBody({ refresh_token: 'rt' }))).result).refresh_token, 'rt');
  for (const member of ['refresh_token', 'scope', 'id_token']) {
    assert.throws(() => validateTokenResponse(tokenBody({ [member]: 5 })), isCode('OAUTH_INVALID_RESPONSE'), member);
  }
});

test('rfc6749:5.1:ignore-unknown unknown members are ignored by validation and kept at top level in the result', async () => {
  const extra = { custom: 'x', nested: { a: [1, { b: null }] }, n: 1.5, flag: false, nothing: null, issued_token_type: 'urn:x' };
  const token = await scriptedPoll(() => json(tokenBody(extra))).result;
  for (const [name, value] of Object.entries(extra)) assert.deepEqual(token[name], value, name);
  assert.deepEqual(Object.keys(token).sort(), ['access_token', 'expires_in', 'token_type', ...Object.keys(extra)].sort());
  // The helpers are not enumerable members.
  assert.equal(Object.keys(token).includes('expiresIn'), false);
  assert.deepEqual(validateTokenResponse(tokenBody(extra))['nested'], extra.nested);
});

test('rfc6749:5.1:value-sizes a 16 KB access_token and a 4 KB refresh_token come back unchanged', async () => {
  const access_token = 'A'.repeat(8 * 1024) + '-._~+/='.repeat(1170) + 'Z'.repeat(8 * 1024 - 8190);
  assert.equal(access_token.length, 16 * 1024);
  const refresh_token = 'r'.repeat(4 * 1024);
  const token = await scriptedPoll(() => json(tokenBody({ access_token, refresh_token }))).result;
  assert.equal(token.access_token, access_token);
  assert.equal(token.refresh_token, refresh_token);
});

test('rfc6749:5.1:no-store-headers a response without Cache-Control / Pragma is accepted, and nothing is cached between polls', async () => {
  let n = 0;
  const respond = () => new Response(JSON.stringify(tokenBody({ access_token: `at-${++n}` })), { status: 200, headers: { 'content-type': 'application/json' } });
  const first = scriptedPoll(respond);
  const a = await first.result;
  assert.equal(a.access_token, 'at-1');
  // A second flow on the same configuration asks the server again and gets the new answer.
  const b = await pollDeviceAuthorizationGrant(first.config, deviceBody() as unknown as DeviceAuthorizationResponse, undefined, {
    now: first.clock.now,
    sleep: first.clock.sleep,
  });
  assert.equal(b.access_token, 'at-2');
  assert.equal(first.fetch.calls.length, 2);
});

test('rfc6749:5.1:json-object rfc6749:10.14:validate-input dg:security:proto-pollution a __proto__ member is refused with a typed error and Object.prototype is untouched', async () => {
  const bodies = [
    '{"access_token":"a","token_type":"bearer","__proto__":{"polluted":"yes"}}',
    '{"access_token":"a","token_type":"bearer","nested":{"__proto__":{"polluted":"yes"}}}',
    '{"access_token":"a","token_type":"bearer","list":[{"__proto__":{"polluted":"yes"}}]}',
  ];
  for (const text of bodies) {
    assert.ok(isCode('OAUTH_INVALID_RESPONSE')(terminalError(await classify(rawJson(text)))), text);
    await assert.rejects(scriptedPoll(() => rawJson(text)).result, isCode('OAUTH_INVALID_RESPONSE'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  }
  // A value that merely contains the text "__proto__" is fine.
  const token = await scriptedPoll(() => json(tokenBody({ note: '__proto__' }))).result;
  assert.equal(token['note'], '__proto__');
  assert.equal(Object.getPrototypeOf(token), Object.prototype);
});
