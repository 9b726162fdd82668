// dg:security:proto-pollution: __proto__, constructor and prototype in any JSON body or challenge
// are refused or kept as plain members, and no prototype ever changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  None,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, ISSUER, deviceBody, json, METADATA, configFor } from '../support/harness.js';
import { assertCode, rejection, device, pollError } from '../support/security-side.js';

function assertPrototypeClean(): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'device_code']) assert.equal(probe[key], undefined, `Object.prototype.${key}`);
  assert.equal(Object.getOwnPropertyNames(Object.prototype).includes('polluted'), false);
}

test('dg:security:proto-pollution __proto__ at any depth of a device authorization, metadata or token body is refused and pollutes nothing', async () => {
  const poisoned = [
    `{"__proto__":{"polluted":true,"isAdmin":true},${JSON.stringify(deviceBody()).slice(1)}`,
    `{"nested":{"deeper":[{"__proto__":{"polluted":true}}]},${JSON.stringify(deviceBody()).slice(1)}`,
  ];
  for (const text of poisoned) {
    const fetch: CustomFetch = async () => new Response(text, { headers: { 'content-type': 'application/json' } });
    assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch))), 'OAUTH_INVALID_RESPONSE', text.slice(0, 30));
    assertPrototypeClean();
    // Discovery metadata.
    const metadataText = `{"__proto__":{"polluted":true},${JSON.stringify(METADATA).slice(1)}`;
    const discoveryFetch: CustomFetch = async () => new Response(metadataText, { headers: { 'content-type': 'application/json' } });
    assertCode(await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: discoveryFetch })), 'OAUTH_INVALID_RESPONSE');
    assertPrototypeClean();
    // Token endpoint: a success body with __proto__ ends polling with a typed error.
    const tokenText = `{"access_token":"at","token_type":"Bearer","__proto__":{"polluted":true}}`;
    const tokenFetch: CustomFetch = async () => new Response(tokenText, { headers: { 'content-type': 'application/json' } });
    assertCode(await pollError(configFor(tokenFetch), device()), 'OAUTH_INVALID_RESPONSE');
    assertPrototypeClean();
  }
});

test('dg:security:proto-pollution constructor and prototype keys stay plain members; returned objects keep Object.prototype', async () => {
  const extra = { constructor: { prototype: { polluted: true } }, prototype: { polluted: true } };
  const response = await initiateDeviceAuthorization(configFor(async () => json(deviceBody(extra))));
  assert.equal(Object.getPrototypeOf(response), Object.prototype);
  assert.deepEqual(response['constructor'], extra.constructor);
  assertPrototypeClean();

  const token = await pollDeviceAuthorizationGrant(
    configFor(async () => json({ access_token: 'at', token_type: 'Bearer', ...extra })),
    device(),
    undefined,
    (() => {
      const clock = createFakeClock({ autoAdvance: true });
      return { now: clock.now, sleep: clock.sleep };
    })(),
  );
  assert.equal(Object.getPrototypeOf(token), Object.prototype);
  assert.deepEqual(token['prototype'], extra.prototype);
  assert.equal(typeof token.expiresIn, 'function');
  assertPrototypeClean();

  // An error body: the parsed body in cause keeps a plain prototype as well.
  const error = await rejection(initiateDeviceAuthorization(configFor(async () => json({ error: 'invalid_request', ...extra }, 400))));
  assert.ok(error instanceof ResponseBodyError);
  assert.equal(Object.getPrototypeOf(error.cause), Object.prototype);
  assert.deepEqual(error.cause['constructor'], extra.constructor);
  // An error body with __proto__ is not trusted as an OAuth error at all.
  const poisoned = await rejection(
    initiateDeviceAuthorization(
      configFor(async () => new Response('{"error":"invalid_request","__proto__":{"polluted":true}}', { status: 400, headers: { 'content-type': 'application/json' } })),
    ),
  );
  assertCode(poisoned, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assertPrototypeClean();
});

test('dg:security:proto-pollution the text __proto__ inside a value (not a key) is accepted as the plain string it is', async () => {
  const response = await initiateDeviceAuthorization(configFor(async () => json(deviceBody({ note: '__proto__', list: [1, '__proto__'] }))));
  assert.equal(response['note'], '__proto__');
  assert.equal(Object.getPrototypeOf(response), Object.prototype);
  assertPrototypeClean();
});

test('dg:security:proto-pollution a WWW-Authenticate challenge with __proto__ parameters changes no prototype', async () => {
  const fetch: CustomFetch = async () =>
    new Response('', { status: 401, headers: { 'www-authenticate': 'Basic __proto__="polluted", constructor=x, error="invalid_client"' } });
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch)));
  assert.ok(error instanceof WWWAuthenticateChallengeError);
  const parameters = error.cause[0]?.parameters;
  assert.ok(parameters !== undefined);
  assert.equal(Object.getPrototypeOf(parameters), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(parameters, '__proto__')?.value, 'polluted');
  assert.equal(error.error, 'invalid_client');
  assertPrototypeClean();
});
