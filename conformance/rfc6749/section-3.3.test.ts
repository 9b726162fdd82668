// RFC 6749 §3.3: access token scope — sent verbatim, checked against the scope-token syntax,
// and the granted scope kept exactly as the server sent it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initiateDeviceAuthorization } from '../../lib/index.js';
import { deviceBody, formOf, json, scriptedConfig } from '../support/harness.js';
import { scriptedPoll, tokenBody } from '../support/discovery-side.js';

function deviceConfig() {
  return scriptedConfig(() => json(deviceBody()));
}

test('rfc6749:3.3:scope-verbatim scope goes out as one parameter, unchanged: no reordering, case folding or de-duplication', async () => {
  for (const scope of ['b a A a openid', 'openid', 'Z y X', 'urn:x:read https://rs.test/write']) {
    const { config, fetch } = deviceConfig();
    await initiateDeviceAuthorization(config, { scope });
    const { body } = fetch.calls[0]!.init;
    assert.deepEqual(formOf(body).getAll('scope'), [scope]);
    // One parameter, spaces as '+', nothing re-joined.
    assert.equal(body?.split('&').filter((pair) => pair.startsWith('scope=')).length, 1);
  }
  const { config, fetch } = deviceConfig();
  await initiateDeviceAuthorization(config, new URLSearchParams([['scope', 'b a A a']]));
  assert.ok(fetch.calls[0]!.init.body?.includes('scope=b+a+A+a'), fetch.calls[0]!.init.body);
});

test('rfc6749:3.3:scope-token-syntax a scope that breaks the scope-token syntax is an argument error before any request', async () => {
  const bad = [' a', 'a ', 'a  b', 'a\tb', 'a\nb', 'a"b', 'a\\b', 'caf\u00e9', 'a\u007fb', 'a\u0000'];
  for (const scope of bad) {
    const { config, fetch } = deviceConfig();
    await assert.rejects(
      initiateDeviceAuthorization(config, { scope }),
      (error: unknown) => error instanceof TypeError && (error as TypeError & { code?: string }).code === 'ERR_INVALID_ARG_VALUE',
      JSON.stringify(scope),
    );
    assert.equal(fetch.calls.length, 0);
  }
  // The edges of the allowed set: %x21, %x23-5B, %x5D-7E.
  for (const scope of ['!', '#[]', '~ } ^ `', 'a:b/c?d=e&f']) {
    const { config, fetch } = deviceConfig();
    await initiateDeviceAuthorization(config, { scope });
    assert.deepEqual(formOf(fetch.calls[0]!.init.body).getAll('scope'), [scope]);
  }
  // An empty scope is treated as absent (RFC 8628 §3.1), not as an error.
  const { config, fetch } = deviceConfig();
  await initiateDeviceAuthorization(config, { scope: '' });
  assert.equal(formOf(fetch.calls[0]!.init.body).has('scope'), false);
});

test('rfc6749:3.3:granted-scope the result keeps the server scope as sent, and never invents one from the request', async () => {
  const absent = scriptedPoll(() => json(tokenBody()), {}, 'none', { scope: 'openid profile' });
  const token = await absent.result;
  assert.equal(formOf(absent.fetch.calls[0]!.init.body).get('scope'), 'openid profile');
  assert.equal(token.scope, undefined);
  assert.equal('scope' in token, false);

  const narrowed = await scriptedPoll(() => json(tokenBody({ scope: 'profile Email' })), {}, 'none', { scope: 'openid profile' }).result;
  assert.equal(narrowed.scope, 'profile Email');

  const empty = await scriptedPoll(() => json(tokenBody({ scope: '' })), {}, 'none', { scope: 'a' }).result;
  assert.equal(empty.scope, '');
});
