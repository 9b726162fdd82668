// dg:security:wrong-types-rejected: a member of the wrong type, in any body at any endpoint, is a
// typed ClientError, never a raw TypeError or an uncaught exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
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
import { assertCode, rejection, device } from '../support/security-side.js';

const WRONG_VALUES: unknown[] = [null, 42, true, [], {}, ['x'], ''];

test('dg:security:wrong-types-rejected a known device authorization member of the wrong type is a typed error, never a raw TypeError', async () => {
  const members: Record<string, unknown[]> = {
    device_code: WRONG_VALUES,
    user_code: WRONG_VALUES,
    verification_uri: WRONG_VALUES,
    verification_uri_complete: [null, 42, true, [], {}],
    expires_in: [null, true, [], {}, '', '1e3', '5abc', -1, 0, '0x10'],
    interval: [null, true, [], {}, '', '1e3', -1, ' 5'], // 0 is floored, not refused (dg:polling:interval-floor)
  };
  for (const [name, values] of Object.entries(members)) {
    for (const value of values) {
      const error = await rejection(initiateDeviceAuthorization(configFor(async () => json(deviceBody({ [name]: value })))));
      assertCode(error, 'OAUTH_INVALID_RESPONSE', `${name}: ${JSON.stringify(value)}`);
    }
  }
});

test('dg:security:wrong-types-rejected metadata members of the wrong type are typed errors from discovery', async () => {
  const members: Record<string, unknown[]> = {
    issuer: [null, 42, true, [], {}],
    token_endpoint: [null, 42, true, [], {}, 'not a url'],
    device_authorization_endpoint: [null, 42, true, [], {}, 'not a url'],
  };
  for (const [name, values] of Object.entries(members)) {
    for (const value of values) {
      const fetch: CustomFetch = async () => json({ ...METADATA, [name]: value });
      const error = await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch }));
      assert.ok(error instanceof ClientError, `${name}: ${JSON.stringify(value)}: ${String(error)}`);
      assert.ok(['OAUTH_INVALID_RESPONSE', 'OAUTH_INVALID_SERVER_METADATA', 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'].includes(error.code), error.code);
    }
  }
});

test('dg:security:wrong-types-rejected no body shape, at any endpoint and status, gives a raw TypeError or an uncaught exception', async () => {
  const bodies: string[] = [
    'null', '42', '"text"', 'true', '[]', '{}', '[{"error":"x"}]', '{"error":42}', '{"error":null}', '{"error":{"code":"x"}}',
    '{"error":"invalid_request","error_description":42,"error_uri":{}}', '{"error":["authorization_pending"]}',
    '{"access_token":42,"token_type":"Bearer"}', '{"access_token":"at","token_type":7}', '{"access_token":"at","token_type":"Bearer","expires_in":"soon"}',
    '{"access_token":"at","token_type":"Bearer","refresh_token":1}', '{"access_token":"at","token_type":"Bearer","id_token":{}}',
    '{"access_token":"at","token_type":"Bearer","id_token":"a.b.c"}', '{"access_token":"at","token_type":"Bearer","scope":["a"]}',
    '{"error":"slow_down","interval":"abc"}', '{"issuer":{},"token_endpoint":[]}', '\u0000\uffff', '{"a":"\ud800"}', '',
  ];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  try {
    for (const status of [200, 400, 401, 500]) {
      for (const text of bodies) {
        const respond = (): Response => new Response(text, { status, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' } });
        const outcomes = [
          await initiateDeviceAuthorization(configFor(respond as unknown as CustomFetch)).catch((e: unknown) => e),
          await discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: respond as unknown as CustomFetch }).catch((e: unknown) => e),
          await pollDeviceAuthorizationGrant(configFor(respond as unknown as CustomFetch), device({ expires_in: 4 }), undefined, (() => {
            const clock = createFakeClock({ autoAdvance: true });
            return { now: clock.now, sleep: clock.sleep };
          })()).catch((e: unknown) => e),
        ];
        for (const outcome of outcomes) {
          if (outcome instanceof Configuration || (outcome !== null && typeof outcome === 'object' && !(outcome instanceof Error))) continue; // a success
          assert.ok(outcome instanceof Error, `${status} ${text}: ${String(outcome)}`);
          assert.ok(
            outcome instanceof ClientError || outcome instanceof ResponseBodyError || outcome instanceof WWWAuthenticateChallengeError,
            `${status} ${JSON.stringify(text)}: raw ${outcome.name}: ${outcome.message}`,
          );
        }
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
  assert.deepEqual(uncaught, []);
});
