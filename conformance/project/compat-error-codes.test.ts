// dg:compat:error-codes: each failure gets the code openid-client v6 gives it (OAUTH_*), or one of ours
// where openid-client has none, as a table of situations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, None, customFetch, discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, ISSUER, METADATA, configFor, deviceBody, json } from '../support/harness.js';
import { hangingFetch } from '../support/never-answers.js';

interface CodeCase {
  code: string;
  situation: string;
  run: () => Promise<unknown>;
  /** A code openid-client v6 also has for this situation. */
  openidClient: boolean;
}

const CASES: CodeCase[] = [
  {
    code: 'OAUTH_TIMEOUT',
    situation: 'the request outlives config.timeout',
    openidClient: true,
    run: () => {
      const config = configFor(hangingFetch);
      config.timeout = 0.01;
      return initiateDeviceAuthorization(config);
    },
  },
  {
    code: 'OAUTH_ABORT',
    situation: 'the caller aborts the signal',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(hangingFetch), undefined, { signal: AbortSignal.abort(new Error('stop')) }),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    situation: 'a 4xx without an OAuth error body',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => new Response('nope', { status: 404 }))),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    situation: 'a 3xx redirect',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => new Response(null, { status: 302, headers: { location: '/x' } }))),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_JSON',
    situation: 'a 200 that is not application/json',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }))),
  },
  {
    code: 'OAUTH_PARSE_ERROR',
    situation: 'a 200 application/json body that does not parse',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => new Response('{"device_code":', { headers: { 'content-type': 'application/json' } }))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'a JSON body that is not an object',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json([deviceBody()]))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'a required member missing',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody({ device_code: undefined })))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'expires_in missing',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody({ expires_in: undefined })))),
  },
  {
    code: 'OAUTH_HTTP_REQUEST_FORBIDDEN',
    situation: 'an http: endpoint without the opt-in',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody()), { ...METADATA, device_authorization_endpoint: 'http://as.example.test/da' })),
  },
  {
    code: 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    situation: 'an endpoint that is neither http nor https',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody()), { ...METADATA, device_authorization_endpoint: 'ftp://as.example.test/da' })),
  },
  {
    code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    situation: 'discovered metadata naming another issuer',
    openidClient: true,
    run: () =>
      discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), {
        [customFetch]: async () => json({ ...METADATA, issuer: 'https://other.example.test' }),
      }),
  },
  {
    code: 'OAUTH_MISSING_SERVER_METADATA',
    situation: 'no device_authorization_endpoint in the metadata',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody()), { issuer: ISSUER, token_endpoint: `${ISSUER}/token` })),
  },
  {
    code: 'OAUTH_UNSUPPORTED_OPERATION',
    situation: 'options.DPoP before DPoP lands',
    openidClient: true,
    run: () => {
      const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600 };
      return pollDeviceAuthorizationGrant(configFor(hangingFetch), device, undefined, { DPoP: {} });
    },
  },
  // New situations, new OAUTH_* codes.
  {
    code: 'OAUTH_NETWORK_ERROR',
    situation: 'fetch rejects (network failure)',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configFor(() => Promise.reject(new TypeError('fetch failed')))),
  },
  {
    code: 'OAUTH_RESPONSE_TOO_LARGE',
    situation: 'a body over the 1 MiB cap',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configFor(async () => new Response('x', { headers: { 'content-length': String(2 ** 21) } }))),
  },
  {
    code: 'OAUTH_INVALID_SERVER_METADATA',
    situation: 'an endpoint in the metadata that is not an absolute URL',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody()), { ...METADATA, device_authorization_endpoint: '/relative' })),
  },
  {
    code: 'OAUTH_INSECURE_VERIFICATION_URI',
    situation: 'an http verification_uri',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody({ verification_uri: 'http://as.example.test/device' })))),
  },
  {
    code: 'OAUTH_INVALID_VERIFICATION_URI',
    situation: 'a javascript: verification_uri',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configFor(async () => json(deviceBody({ verification_uri: 'javascript:alert(1)' })))),
  },
  {
    code: 'OAUTH_TIMEOUT',
    situation: 'the device_code expires while polling (with error expired_token)',
    openidClient: true,
    run: () => {
      const clock = createFakeClock({ autoAdvance: true });
      const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 3, interval: 1 };
      const config = configFor(async () => json({ error: 'authorization_pending' }, 400));
      return pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
    },
  },
];

test('dg:compat:error-codes each situation gets its code: openid-client codes where it has the situation, new OAUTH_* codes otherwise', async () => {
  for (const c of CASES) {
    const error = await c.run().then(
      () => assert.fail(`${c.situation}: expected a rejection`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ClientError, `${c.situation}: ${String(error)}`);
    assert.equal(error.code, c.code, c.situation);
    assert.match(error.code, /^OAUTH_[A-Z_]+$/);
  }
  // Sanity: both families are represented, and every openid-client code of the row is reached.
  const reached = new Set(CASES.filter((c) => c.openidClient).map((c) => c.code));
  for (const code of [
    'OAUTH_TIMEOUT',
    'OAUTH_ABORT',
    'OAUTH_RESPONSE_IS_NOT_CONFORM',
    'OAUTH_RESPONSE_IS_NOT_JSON',
    'OAUTH_PARSE_ERROR',
    'OAUTH_INVALID_RESPONSE',
    'OAUTH_HTTP_REQUEST_FORBIDDEN',
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    'OAUTH_MISSING_SERVER_METADATA',
    'OAUTH_UNSUPPORTED_OPERATION',
  ]) {
    assert.ok(reached.has(code), code);
  }
});

test('dg:compat:error-codes local expiry is OAUTH_TIMEOUT with error expired_token; an abort with a TimeoutError reason is OAUTH_TIMEOUT', async () => {
  const expiry = CASES.find((c) => c.situation.startsWith('the device_code expires'));
  const expired = await expiry!.run().catch((e: unknown) => e);
  assert.ok(expired instanceof ClientError);
  assert.equal(expired.error, 'expired_token');

  const reason = new DOMException('timed out', 'TimeoutError');
  const timedOut = await initiateDeviceAuthorization(configFor(hangingFetch), undefined, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
  assert.ok(timedOut instanceof ClientError);
  assert.equal(timedOut.code, 'OAUTH_TIMEOUT');
  assert.equal(timedOut.cause, reason);
});
