// RFC 6749 Appendix B: application/x-www-form-urlencoded — UTF-8 first, then escape, space as '+'.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formBody, formEncode, initiateDeviceAuthorization } from '../../lib/index.js';
import { deviceBody, json, scriptedConfig } from '../support/harness.js';

const SAMPLE = ' %&+\u00a3\u20ac';
const SAMPLE_ENCODED = '+%25%26%2B%C2%A3%E2%82%AC';

test('rfc6749:B:form-encoding the Appendix B sample encodes as +%25%26%2B%C2%A3%E2%82%AC', () => {
  assert.equal(formEncode(SAMPLE), SAMPLE_ENCODED);
  assert.equal(formBody(new URLSearchParams([[SAMPLE, SAMPLE]])), `${SAMPLE_ENCODED}=${SAMPLE_ENCODED}`);
  assert.equal(new URLSearchParams(`${SAMPLE_ENCODED}=${SAMPLE_ENCODED}`).get(SAMPLE), SAMPLE);
});

test('rfc6749:B:form-encoding unreserved characters stay, every other octet is %HH in upper case, space is +', () => {
  assert.equal(formEncode('AZaz09-._~'), 'AZaz09-._~');
  for (let code = 0; code < 0x80; code++) {
    const char = String.fromCharCode(code);
    const expected = /[A-Za-z0-9\-._~]/.test(char) ? char : code === 0x20 ? '+' : '%' + code.toString(16).toUpperCase().padStart(2, '0');
    assert.equal(formEncode(char), expected, `U+${code.toString(16)}`);
  }
  // Astral characters are their 4 UTF-8 octets.
  assert.equal(formEncode('\u{1F600}'), '%F0%9F%98%80');
  // Pairs in order, joined with '&', empty values kept.
  assert.equal(formBody(new URLSearchParams([['a', '1'], ['b', ''], ['a', 'x y']])), 'a=1&b=&a=x+y');
});

test('rfc6749:B:form-encoding lone surrogates do not throw; they become U+FFFD', () => {
  for (const value of ['\ud800', 'a\udc00b', '\udfff\ud800']) {
    assert.doesNotThrow(() => formEncode(value));
    assert.throws(() => encodeURIComponent(value)); // the trap this avoids
  }
  assert.equal(formEncode('\ud800'), '%EF%BF%BD');
  assert.equal(formEncode('a\udc00b'), 'a%EF%BF%BDb');
  // Around a lone surrogate App. B applies in full too: unreserved kept, space as '+', the rest %HH.
  assert.equal(formEncode("\ud800 a-._~!'()*£"), "%EF%BF%BD+a-._~%21%27%28%29%2A%C2%A3");
  assert.equal(formEncode("\ud800 a-._~!'()*£").slice(9), formEncode(" a-._~!'()*£"), 'the surrogate changes nothing around it');
  assert.equal(formBody(new URLSearchParams([['k\ud800', 'v']])), 'k%EF%BF%BD=v');
  // A valid pair next to lone surrogates stays one character (4 octets); only the lone ones change.
  assert.equal(formEncode('\udc00\ud83d\ude00\ud800'), '%EF%BF%BD%F0%9F%98%80%EF%BF%BD');
});

test('rfc6749:B:form-encoding request bodies go out UTF-8 form-encoded, and a server decodes the values back', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config, { extra: SAMPLE, 'odd name&=': 'v=1&w' });
  const { body, headers } = fetch.calls[0]!.init;
  assert.equal(headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  assert.ok(body?.includes(`extra=${SAMPLE_ENCODED}`), body);
  assert.ok(body?.includes('odd+name%26%3D=v%3D1%26w'), body);
  const parsed = new URLSearchParams(body);
  assert.equal(parsed.get('extra'), SAMPLE);
  assert.equal(parsed.get('odd name&='), 'v=1&w');
});
