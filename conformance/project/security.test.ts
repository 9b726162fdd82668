// Our own security rows: https only (with an explicit opt-in), no redirects, a body size cap,
// no prototype pollution, typed errors for wrongly typed members, and secrets that never reach
// an error, even when the server echoes them back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  MAX_RESPONSE_BYTES,
  None,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type CustomFetch,
  type DeviceAuthorizationResponse,
  type ServerMetadata,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import { createFakeClock } from '../support/fake-clock.js';
import { inProcessFetch } from '../support/in-process-fetch.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DEVICE_CODE_PREFIX,
  ISSUER,
  deviceBody,
  json,
  scriptedConfig,
  scriptedFetch,
  type AuthKind,
} from '../support/harness.js';
import { assertCode, basicSpellings, leaks, rejection, spellings } from '../support/security-side.js';

const METADATA = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  device_authorization_endpoint: `${ISSUER}/device_authorization`,
};

function authFor(kind: AuthKind): ClientAuth {
  return kind === 'basic' ? ClientSecretBasic() : kind === 'post' ? ClientSecretPost() : None();
}

function configFor(fetch: CustomFetch, server: ServerMetadata = METADATA, auth: AuthKind = 'none'): Configuration {
  const config = new Configuration(server, CLIENT_ID, auth === 'none' ? undefined : CLIENT_SECRET, authFor(auth));
  config[customFetch] = fetch;
  return config;
}

let flows = 0;
function device(extra: Partial<DeviceAuthorizationResponse> = {}): DeviceAuthorizationResponse {
  return { device_code: `${DEVICE_CODE_PREFIX}${++flows}`, user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/device`, expires_in: 30, interval: 1, ...extra };
}

/** Polls on a fake, auto-advancing clock and returns the rejection. */
async function pollError(config: Configuration, response: DeviceAuthorizationResponse): Promise<unknown> {
  const clock = createFakeClock({ autoAdvance: true });
  return pollDeviceAuthorizationGrant(config, response, undefined, { now: clock.now, sleep: clock.sleep }).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
}


// --- https only --------------------------------------------------------------------------

test('dg:security:https-only http: endpoints are refused with OAUTH_HTTP_REQUEST_FORBIDDEN before fetch, for discovery, device authorization and token requests', async () => {
  const fetch = scriptedFetch(() => json({}));
  // Discovery.
  assertCode(
    await rejection(discovery(new URL('http://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch })),
    'OAUTH_HTTP_REQUEST_FORBIDDEN',
    'discovery',
  );
  // Device authorization.
  const insecure = { ...METADATA, device_authorization_endpoint: 'http://as.example.test/da', token_endpoint: 'http://as.example.test/token' };
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch, insecure))), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'device');
  // Token request: a terminal error at the first poll, not a retry.
  assertCode(await pollError(configFor(fetch, insecure), device()), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'token');
  assert.equal(fetch.calls.length, 0, 'fetch was never called');
});

test('dg:security:https-only other schemes are refused with OAUTH_REQUEST_PROTOCOL_FORBIDDEN before fetch', async () => {
  const fetch = scriptedFetch(() => json({}));
  // file:, data: and javascript: endpoints are refused earlier, by the Configuration (dg:security:endpoint-userinfo).
  for (const url of ['ftp://as.example.test/x', 'ws://as.example.test/x', 'wss://as.example.test/x', 'gopher://as.example.test/x']) {
    const server = { ...METADATA, device_authorization_endpoint: url, token_endpoint: url };
    assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch, server))), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', url);
    assertCode(await pollError(configFor(fetch, server), device()), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', url);
  }
  assertCode(
    await rejection(discovery(new URL('ftp://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch })),
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    'discovery',
  );
  assert.equal(fetch.calls.length, 0);
});

// --- insecure opt-in ---------------------------------------------------------------------

test('dg:security:insecure-opt-in execute: [allowInsecureRequests] allows plain http to a non-loopback host for discovery, device authorization and polls', async () => {
  const issuer = 'http://as.compose.internal:8080';
  const clock = createFakeClock({ autoAdvance: true });
  const server = createAuthorizationServer({ issuer, interval: 1, now: clock.now, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const inner = inProcessFetch(server) as CustomFetch;
  const urls: string[] = [];
  const fetch: CustomFetch = (url, init) => {
    urls.push(url);
    return inner(url, init);
  };
  const config = await discovery(new URL(issuer), CLIENT_ID, undefined, None(), { [customFetch]: fetch, execute: [allowInsecureRequests] });
  const response = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: clock.now });
  assert.ok(response.verification_uri.startsWith('http://as.compose.internal'));
  let polls = 0;
  const token = await pollDeviceAuthorizationGrant(config, response, undefined, {
    now: clock.now,
    sleep: clock.sleep,
    onPoll: () => {
      if (++polls === 2) server.approve(response.user_code);
    },
  });
  assert.equal(typeof token.access_token, 'string');
  assert.ok(urls.length >= 3);
  assert.ok(urls.every((u) => u.startsWith('http://as.compose.internal:8080/')), urls.join(' '));
});

test('dg:security:insecure-opt-in allowInsecureRequests(config) opts one Configuration in; others and other schemes stay refused', async () => {
  const insecure = { ...METADATA, device_authorization_endpoint: 'http://10.0.0.7/da', token_endpoint: 'http://10.0.0.7/token' };
  const fetch = scriptedFetch(() => json(deviceBody({ verification_uri: 'http://10.0.0.7/device', verification_uri_complete: undefined })));
  const optedIn = configFor(fetch, insecure);
  const other = configFor(fetch, insecure);
  allowInsecureRequests(optedIn);
  const response = await initiateDeviceAuthorization(optedIn);
  assert.equal(response.verification_uri, 'http://10.0.0.7/device');
  assert.equal(fetch.calls.length, 1);
  assert.equal(fetch.calls[0]?.url, 'http://10.0.0.7/da');
  assertCode(await rejection(initiateDeviceAuthorization(other)), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'the other configuration');
  // The opt-in covers http only.
  const ftp = configFor(fetch, { ...METADATA, device_authorization_endpoint: 'ftp://10.0.0.7/da' });
  allowInsecureRequests(ftp);
  assertCode(await rejection(initiateDeviceAuthorization(ftp)), 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', 'ftp with the opt-in');
  assertCode(
    await rejection(discovery(new URL('ftp://as.example.test'), CLIENT_ID, undefined, None(), { [customFetch]: fetch, execute: [allowInsecureRequests] })),
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    'discovery of ftp with the opt-in',
  );
  assert.equal(fetch.calls.length, 1);
});

test('dg:security:insecure-opt-in over real loopback http with the platform fetch, the opt-in is what lets the request through', async () => {
  const server = createAuthorizationServer({ interval: 0.1, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const listening = await listen(server);
  try {
    assertCode(await rejection(discovery(listening.url, CLIENT_ID)), 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'without the opt-in');
    assert.equal(server.requests.length, 0);
    const config = await discovery(listening.url, CLIENT_ID, undefined, undefined, { execute: [allowInsecureRequests] });
    assert.equal(config[customFetch], undefined, 'the platform fetch is used');
    const response = await initiateDeviceAuthorization(config);
    assert.equal(typeof response.device_code, 'string');
    assert.deepEqual(
      server.requests.map((r) => r.endpoint),
      ['discovery', 'device'],
    );
  } finally {
    await listening.close();
  }
});

// --- no redirects ------------------------------------------------------------------------

test('dg:security:no-redirects fetch is called with redirect: manual, and every 3xx is a typed terminal error whose Location is never requested', async () => {
  for (const status of [300, 301, 302, 303, 307, 308]) {
    const fetch = scriptedFetch(() => new Response(null, { status, headers: { location: 'https://evil.example.test/steal' } }));
    const error = await rejection(initiateDeviceAuthorization(configFor(fetch)));
    assertCode(error, 'OAUTH_RESPONSE_IS_NOT_CONFORM', `device ${status}`);
    // The Response is a non-enumerable member, never the cause (dg:security:no-response-in-cause).
    assert.ok(error.response instanceof Response);
    assert.equal(error.response.status, status);
    // The token endpoint: terminal, so one request only, never a retry and never the Location.
    const pollFetch = scriptedFetch(() => new Response('moved', { status, headers: { location: 'https://evil.example.test/steal' } }));
    assertCode(await pollError(configFor(pollFetch), device()), 'OAUTH_RESPONSE_IS_NOT_CONFORM', `token ${status}`);
    const discoveryFetch = scriptedFetch(() => new Response(null, { status, headers: { location: 'https://evil.example.test/steal' } }));
    assertCode(
      await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: discoveryFetch })),
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
      `discovery ${status}`,
    );
    for (const f of [fetch, pollFetch, discoveryFetch]) {
      assert.equal(f.calls.length, 1, `${status}: exactly one request`);
      assert.equal(f.calls[0]?.init.redirect, 'manual');
      assert.ok(!f.calls.some((c) => c.url.includes('evil')));
    }
  }
});

test('dg:security:no-redirects a browser opaque redirect (type opaqueredirect, status 0) is a typed error too', async () => {
  const opaque = (): Response => Object.defineProperty(new Response(null), 'type', { value: 'opaqueredirect' });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(opaque)))), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assertCode(await pollError(configFor(scriptedFetch(opaque)), device()), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
});

test('dg:security:no-redirects with the platform fetch over loopback, a 302 from the server is not followed', async () => {
  const server = createAuthorizationServer({ interval: 0.1, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const listening = await listen(server);
  try {
    const config = new Configuration(
      { issuer: listening.url.origin, device_authorization_endpoint: `${listening.url.origin}/device_authorization`, token_endpoint: `${listening.url.origin}/token` },
      CLIENT_ID,
      undefined,
      None(),
    );
    allowInsecureRequests(config);
    server.injectFaults({ endpoint: 'device', fault: { kind: 'redirect', status: 307, location: `${listening.url.origin}/device_authorization?followed=1` } });
    assertCode(await rejection(initiateDeviceAuthorization(config)), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.path, '/device_authorization');
  } finally {
    await listening.close();
  }
});

// --- body size cap -----------------------------------------------------------------------

/**
 * A body stream that counts pulls and cancels, and produces `chunk` bytes per pull, up to 8 MiB
 * (so that a client without a streaming cap fails the test instead of reading forever).
 */
function endless(chunk: number): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let cancelled = false;
  const bytes = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulls++;
        if (pulls * chunk > 8 * MAX_RESPONSE_BYTES) controller.close();
        else controller.enqueue(bytes);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

test('dg:security:body-size-cap a Content-Length above 1 MiB is refused before the body is read', async () => {
  const bodies: Array<ReturnType<typeof endless>> = [];
  const fetch: CustomFetch = async () => {
    const body = endless(1024);
    bodies.push(body);
    return new Response(body.stream, { headers: { 'content-type': 'application/json', 'content-length': String(MAX_RESPONSE_BYTES + 1) } });
  };
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch))), 'OAUTH_RESPONSE_TOO_LARGE', 'device');
  assertCode(await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch })), 'OAUTH_RESPONSE_TOO_LARGE', 'discovery');
  // At the token endpoint it counts as a transient failure (retried with backoff until the deadline).
  assertCode(await pollError(configFor(fetch), device({ expires_in: 5 })), 'OAUTH_TIMEOUT', 'token');
  assert.ok(bodies.length >= 3);
  for (const body of bodies) {
    assert.equal(body.pulls(), 0, 'the body was never read');
    assert.equal(body.cancelled(), true, 'the body was cancelled');
  }
  assert.equal(MAX_RESPONSE_BYTES, 1024 * 1024);
});

test('dg:security:body-size-cap a body that keeps streaming past 1 MiB is cancelled with OAUTH_RESPONSE_TOO_LARGE', async () => {
  const body = endless(64 * 1024);
  const fetch: CustomFetch = async () => new Response(body.stream, { headers: { 'content-type': 'application/json' } });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch))), 'OAUTH_RESPONSE_TOO_LARGE');
  assert.equal(body.cancelled(), true);
  // 16 chunks make exactly 1 MiB, the 17th passes the cap: reading stops there.
  assert.ok(body.pulls() >= 17 && body.pulls() <= 18, `pulls: ${body.pulls()}`);

  // A lying Content-Length (small) does not help: the streaming check still applies.
  const liar = endless(64 * 1024);
  const lying: CustomFetch = async () => new Response(liar.stream, { headers: { 'content-type': 'application/json', 'content-length': '10' } });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(lying))), 'OAUTH_RESPONSE_TOO_LARGE');
  assert.equal(liar.cancelled(), true);
});

test('dg:security:body-size-cap a body of exactly 1 MiB is accepted; one byte more is refused', async () => {
  const exact = (extra: number): CustomFetch => async () => {
    const base = JSON.stringify(deviceBody({ padding: '' }));
    const padding = 'x'.repeat(MAX_RESPONSE_BYTES - Buffer.byteLength(base) + extra);
    return json(deviceBody({ padding }));
  };
  const response = await initiateDeviceAuthorization(configFor(exact(0)));
  assert.equal((response['padding'] as string).length + Buffer.byteLength(JSON.stringify(deviceBody({ padding: '' }))), MAX_RESPONSE_BYTES);
  assertCode(await rejection(initiateDeviceAuthorization(configFor(exact(1)))), 'OAUTH_RESPONSE_TOO_LARGE');
});

// --- prototype pollution -----------------------------------------------------------------

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

// --- wrong types -------------------------------------------------------------------------

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

// --- secrets -----------------------------------------------------------------------------

const CLIENT_SECRETS = [...basicSpellings(CLIENT_ID, CLIENT_SECRET)];

test('dg:security:secret-redaction rfc8628:5.2:device-code-secret failures of every kind keep the client secret and the device_code out of the error', async () => {
  const failures: Array<[string, () => Response | Promise<Response>]> = [
    ['network', () => Promise.reject(new TypeError('fetch failed'))],
    ['non-JSON 500', () => new Response('oops', { status: 500 })],
    ['404 text', () => new Response('missing', { status: 404 })],
    ['redirect', () => new Response(null, { status: 302, headers: { location: '/elsewhere' } })],
    ['invalid_client', () => json({ error: 'invalid_client' }, 401)],
    ['access_denied', () => json({ error: 'access_denied' }, 400)],
    ['not JSON', () => new Response('<html>', { headers: { 'content-type': 'text/html' } })],
    ['wrong types', () => json({ access_token: 1 })],
  ];
  for (const auth of ['basic', 'post'] as const) {
    for (const [what, respond] of failures) {
      const fetch = scriptedFetch(respond);
      const config = configFor(fetch, METADATA, auth);
      const deviceError = await rejection(initiateDeviceAuthorization(config));
      assert.deepEqual(leaks(deviceError, CLIENT_SECRETS), [], `${auth} device ${what}`);
      const code = device({ expires_in: 4 });
      const pollFailure = await pollError(config, code);
      assert.deepEqual(leaks(pollFailure, [...CLIENT_SECRETS, ...spellings(code.device_code)]), [], `${auth} poll ${what}`);
      // The secrets did go out, so the check above is meaningful.
      const last = fetch.calls[fetch.calls.length - 1];
      assert.ok(
        auth === 'basic' ? last?.init.headers['authorization']?.startsWith('Basic ') : last?.init.body?.includes('client_secret='),
        `${auth}: credentials were sent`,
      );
      assert.ok(last?.init.body?.includes('device_code='));
    }
  }
});

test('dg:security:secret-redaction access, refresh and ID tokens never appear in an error about the token response', async () => {
  const tokens = { access_token: 'AT-0123456789-secret-access', refresh_token: 'RT-0123456789-secret-refresh' };
  const idPayload = Buffer.from(JSON.stringify({ iss: 'https://other.example.test', sub: 'u', aud: CLIENT_ID, exp: 4e9, iat: 1 })).toString('base64url');
  const idToken = `eyJhbGciOiJub25lIn0.${idPayload}.sig-secret-id-token`;
  // Short enough that V8 would quote all of it in a SyntaxError message.
  const brokenId = `eyJhbGciOiJub25lIn0.${Buffer.from('IDSECRET}').toString('base64url')}.sig`;
  const bodies: unknown[] = [
    { ...tokens, token_type: 'mac' }, // unsupported token type
    { ...tokens, token_type: 'Bearer', expires_in: 'later' }, // wrong type
    { ...tokens, token_type: 'Bearer', id_token: idToken }, // iss mismatch
    { ...tokens, token_type: 'Bearer', id_token: brokenId }, // payload not JSON
    { ...tokens }, // no token_type
    { ...tokens, token_type: 'Bearer', error: 7 },
    { ...tokens, error: 'access_denied', error_description: `here is ${tokens.access_token}` }, // an error body that carries tokens
  ];
  const secrets = [...Object.values(tokens), idToken, idPayload, brokenId, 'IDSECRET', 'sig-secret-id-token'];
  for (const body of bodies) {
    for (const status of [200, 400]) {
      const error = await pollError(configFor(async () => json(body, status)), device());
      assert.ok(error instanceof Error);
      assert.deepEqual(leaks(error, secrets), [], `${status} ${JSON.stringify(body)}`);
    }
  }
});

test('dg:security:secret-redaction dg:security:echoed-secret-redaction a client assertion and a custom Authorization credential from a custom ClientAuth are redacted when echoed', async () => {
  const assertion = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ.assertion-signature-secret';
  const credential = 'opaque!credential=secret';
  const customAuth: ClientAuth = (_as, client, body, headers) => {
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
    body.set('refresh_token', ''); // an empty secret is nothing to redact
    headers.set('authorization', `Custom ${credential}`); // not Basic: nothing to base64-decode
  };
  const config = new Configuration(METADATA, CLIENT_ID, undefined, customAuth);
  config[customFetch] = scriptedFetch((_url, init) =>
    json({ error: 'invalid_client', error_description: `bad assertion ${assertion} with ${init.headers['authorization']}`, body: init.body }, 400),
  );
  const error = await rejection(initiateDeviceAuthorization(config));
  assert.ok(error instanceof ResponseBodyError);
  assert.deepEqual(leaks(error, [assertion, ...spellings(assertion), credential, `Custom ${credential}`]), []);
  assert.equal(error.error_description, 'bad assertion [REDACTED] with [REDACTED]');
  const pollFailure = await pollError(config, device({ device_code: 'dc-custom-auth-secret' }));
  assert.deepEqual(leaks(pollFailure, [assertion, ...spellings(assertion), credential, ...spellings('dc-custom-auth-secret')]), []);

  // Basic credentials built by hand, whose password is not form-encoded ("%" alone): still redacted.
  const password = '100%-hand-made-secret';
  const handMade: ClientAuth = (_as, _client, _body, headers) => {
    headers.set('authorization', `Basic ${btoa(`client:${password}`)}`);
  };
  const basicConfig = new Configuration(METADATA, CLIENT_ID, undefined, handMade);
  basicConfig[customFetch] = scriptedFetch(() => json({ error: 'invalid_client', error_description: `wrong password ${password}` }, 400));
  const basicError = await rejection(initiateDeviceAuthorization(basicConfig));
  assert.ok(basicError instanceof ResponseBodyError);
  assert.equal(basicError.error_description, 'wrong password [REDACTED]');
  assert.deepEqual(leaks(basicError, [password, btoa(`client:${password}`)]), []);
});

test('dg:security:echoed-secret-redaction a client secret echoed raw and form-encoded in error_description, error_uri and other members is redacted (Post)', async () => {
  const encoded = `client_id=${encodeURIComponent('x')}&client_secret=${spellings(CLIENT_SECRET)[1]}`;
  const body = {
    error: 'invalid_client',
    error_description: `client_secret "${CLIENT_SECRET}" (sent as ${spellings(CLIENT_SECRET)[1]}) is wrong`,
    error_uri: `https://as.example.test/errors?secret=${spellings(CLIENT_SECRET)[2]}`,
    echo: { body: encoded, list: [CLIENT_SECRET, { deeper: CLIENT_SECRET }] },
  };
  const fetch = scriptedFetch((_url, init) => json({ ...body, request: init.body }, 400));
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch, METADATA, 'post')));
  assert.ok(error instanceof ResponseBodyError);
  assert.deepEqual(leaks(error, CLIENT_SECRETS), []);
  assert.equal(error.error_description, 'client_secret "[REDACTED]" (sent as [REDACTED]) is wrong');
  assert.equal(error.error_uri, 'https://as.example.test/errors?secret=[REDACTED]');
  assert.deepEqual((error.cause['echo'] as { list: unknown[] }).list, ['[REDACTED]', { deeper: '[REDACTED]' }]);
  assert.ok(String(error.cause['request']).includes('client_secret=[REDACTED]'));
});

test('dg:security:echoed-secret-redaction Basic credentials echoed as the header, the base64, the decoded pair or the secret are redacted, in a body and in WWW-Authenticate', async () => {
  const [base64, header, decoded, raw, encoded] = basicSpellings(CLIENT_ID, CLIENT_SECRET) as [string, string, string, string, string];
  const echo = (_url: string, init: { headers: Record<string, string> }): Response =>
    json(
      {
        error: 'invalid_client',
        error_description: `got ${init.headers['authorization']} = ${decoded} -> secret ${raw} / ${encoded}`,
        authorization: init.headers['authorization'],
        credentials: base64,
      },
      401,
      { 'www-authenticate': `Basic realm="as", error="invalid_client", error_description="bad ${base64} ${encoded}"` },
    );
  const error = await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(echo), METADATA, 'basic')));
  assert.ok(error instanceof WWWAuthenticateChallengeError);
  assert.deepEqual(leaks(error, [header, base64, decoded, raw, encoded]), []);
  assert.ok(error.error_description?.includes('[REDACTED]'));
  assert.ok(error.cause[0]?.parameters['error_description']?.includes('[REDACTED]'));

  // The same echo without a challenge: a ResponseBodyError.
  const plain = (url: string, init: { headers: Record<string, string> }): Response => {
    const response = echo(url, init);
    return new Response(response.body, { status: 400, headers: { 'content-type': 'application/json' } });
  };
  const bodyError = await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(plain), METADATA, 'basic')));
  assert.ok(bodyError instanceof ResponseBodyError);
  assert.deepEqual(leaks(bodyError, [header, base64, decoded, raw, encoded]), []);
  assert.equal(bodyError.cause['authorization'], '[REDACTED]');
});

test('dg:security:echoed-secret-redaction rfc8628:5.2:device-code-secret a device_code echoed by the token endpoint is redacted in terminal, 200-error and transient errors', async () => {
  const echoBody = (body: string | undefined): Record<string, unknown> => {
    const form = new URLSearchParams(body ?? '');
    const code = form.get('device_code') ?? '';
    return {
      error_description: `device_code ${code} (${spellings(code)[1]}) rejected`,
      device_code: code,
      request: body,
    };
  };
  const scenarios: Array<[string, (url: string, init: { body: string | undefined }) => Response]> = [
    ['400 invalid_grant', (_u, init) => json({ error: 'invalid_grant', ...echoBody(init.body) }, 400)],
    ['200 with error', (_u, init) => json({ error: 'expired_token', ...echoBody(init.body) }, 200)],
    ['503 transient until expiry', (_u, init) => json({ error: 'temporarily_unavailable', ...echoBody(init.body) }, 503)],
    ['500 unparsable JSON until expiry', (_u, init) => new Response(`not json ${init.body}`, { status: 500, headers: { 'content-type': 'application/json' } })],
    // The device_code alone is short enough that V8 would quote all of it in a SyntaxError message.
    ['200 unparsable JSON until expiry', (_u, init) => new Response(new URLSearchParams(init.body ?? '').get('device_code'), { headers: { 'content-type': 'application/json' } })],
    ['401 challenge', (_u, init) => json({ error: 'invalid_client', ...echoBody(init.body) }, 401, { 'www-authenticate': `Bearer error="invalid_client", error_description="${spellings(new URLSearchParams(init.body ?? '').get('device_code') ?? '')[1]}"` })],
  ];
  for (const auth of ['none', 'post'] as const) {
    for (const [what, respond] of scenarios) {
      const fetch = scriptedFetch(respond as Parameters<typeof scriptedFetch>[0]);
      const code = device({ expires_in: 5 });
      const error = await pollError(configFor(fetch, METADATA, auth), code);
      assert.ok(error instanceof Error, what);
      assert.deepEqual(leaks(error, [...spellings(code.device_code), ...(auth === 'post' ? CLIENT_SECRETS : [])]), [], `${auth} ${what}`);
      assert.ok(fetch.calls.length >= 1);
    }
  }
});

test('dg:security:echoed-secret-redaction a client secret echoed in a body that does not parse is not carried by the parse error', async () => {
  // A body short enough that V8 would quote all of it in a SyntaxError message.
  const fetch = scriptedFetch(() => new Response(CLIENT_SECRET, { headers: { 'content-type': 'application/json' } }));
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch, METADATA, 'post')));
  assertCode(error, 'OAUTH_PARSE_ERROR');
  assert.deepEqual(leaks(error, CLIENT_SECRETS), []);
});
