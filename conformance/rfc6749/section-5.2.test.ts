// RFC 6749 §5.2: error responses — ResponseBodyError for a JSON error body, optional members
// left absent, 401 invalid_client with WWW-Authenticate, odd characters kept as plain data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  Configuration,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type WWWAuthenticateChallenge,
} from '../../lib/index.js';
import { parseWWWAuthenticate } from '../../lib/oauth/www-authenticate.js';
import { CLIENT_ID, harness, json, scriptedConfig, type AuthKind } from '../support/harness.js';
import { rawJson, scriptedPoll } from '../support/discovery-side.js';

/** The error initiateDeviceAuthorization rejects with when the server answers `response`. */
async function deviceError(response: () => Response, auth: AuthKind = 'none'): Promise<unknown> {
  const { config } = scriptedConfig(() => response(), auth);
  try {
    await initiateDeviceAuthorization(config);
  } catch (error) {
    return error;
  }
  assert.fail('initiateDeviceAuthorization resolved');
}

/** The error a full poll rejects with when the token endpoint answers `response`. */
async function tokenError(response: () => Response): Promise<unknown> {
  const p = scriptedPoll(() => response());
  try {
    await p.result;
  } catch (error) {
    assert.equal(p.fetch.calls.length, 1, 'the error ends polling at once');
    return error;
  }
  assert.fail('poll resolved');
}

async function bothEndpoints(response: () => Response): Promise<unknown[]> {
  return [await deviceError(response), await tokenError(response)];
}

function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain', ...headers } });
}

test('rfc6749:5.2:error-member a JSON error body becomes a ResponseBodyError with error, description, uri, status and the body as cause', async () => {
  const body = { error: 'invalid_scope', error_description: 'the scope is unknown', error_uri: 'https://as.example.test/errors#scope', extra: [1] };
  for (const status of [400, 403]) {
    for (const error of await bothEndpoints(() => json(body, status))) {
      assert.ok(error instanceof ResponseBodyError);
      assert.equal(error.code, 'OAUTH_RESPONSE_BODY_ERROR');
      assert.equal(error.name, 'ResponseBodyError');
      assert.equal(error.error, 'invalid_scope');
      assert.equal(error.error_description, 'the scope is unknown');
      assert.equal(error.error_uri, 'https://as.example.test/errors#scope');
      assert.equal(error.status, status);
      assert.deepEqual(error.cause, body);
      assert.equal(error.response.status, status);
    }
  }
});

test('rfc6749:5.2:error-member the conformance server\'s access_denied and invalid_client come back as ResponseBodyError', async () => {
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  assert.ok(h.server.deny(device.user_code));
  await assert.rejects(
    pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }),
    (error: unknown) => error instanceof ResponseBodyError && error.error === 'access_denied' && error.status === 400,
  );
  // A Post client with the wrong secret: invalid_client in a 400 body (no challenge).
  const post = harness({ auth: 'post', autoAdvance: true });
  const wrong = new Configuration(post.config.serverMetadata(), CLIENT_ID, 'wrong secret');
  wrong[customFetch] = post.fetch;
  await assert.rejects(
    initiateDeviceAuthorization(wrong),
    (error: unknown) => error instanceof ResponseBodyError && error.error === 'invalid_client' && error.status === 400,
  );
});

test('rfc6749:5.2:json-body dg:tolerance:token-body-json a 4xx that is not JSON, or JSON without a string error, is a typed non-OAuth error', async () => {
  const cases: Array<() => Response> = [
    () => text('error=invalid_request', 400),
    () => new Response('<html>Bad Request</html>', { status: 400, headers: { 'content-type': 'text/html' } }),
    () => new Response(null, { status: 400 }),
    () => rawJson('{"error":', 400),
    () => json({ error: 5 }, 400),
    () => json({ error: null }, 400),
    () => json({ error_description: 'no code' }, 400),
    () => json([{ error: 'invalid_request' }], 400),
    () => json('invalid_request', 400),
  ];
  for (const response of cases) {
    for (const error of await bothEndpoints(response)) {
      assert.ok(error instanceof ClientError, String(error));
      assert.equal(error.code, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
      assert.equal(error instanceof ResponseBodyError, false);
    }
  }
  // dg:tolerance:token-body-json: an OAuth error body is read whatever its media type.
  const problem = () => new Response(JSON.stringify({ error: 'invalid_request' }), { status: 400, headers: { 'content-type': 'application/problem+json' } });
  for (const error of await bothEndpoints(problem)) assert.ok(error instanceof ResponseBodyError && error.error === 'invalid_request');
  for (const error of await bothEndpoints(() => text('{"error":"invalid_request"}', 400))) {
    assert.ok(error instanceof ResponseBodyError && error.error === 'invalid_request', String(error));
  }
});

test('rfc6749:5.2:optional-description-uri absent error_description and error_uri stay undefined, with no placeholder', async () => {
  for (const body of [{ error: 'invalid_request' }, { error: 'invalid_request', error_description: 7, error_uri: ['x'] }]) {
    for (const error of await bothEndpoints(() => json(body, 400))) {
      assert.ok(error instanceof ResponseBodyError);
      assert.equal(error.error, 'invalid_request');
      assert.equal(error.error_description, undefined);
      assert.equal(error.error_uri, undefined);
      const serialized = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
      assert.equal('error_description' in serialized, false);
      assert.equal('error_uri' in serialized, false);
    }
  }
});

test('rfc6749:5.2:invalid-client-401 dg:compat:www-authenticate a 401 with a challenge gives WWWAuthenticateChallengeError; without one, a ResponseBodyError; invalid_client is kept', async () => {
  const body = { error: 'invalid_client', error_description: 'client authentication failed' };
  const challenge = { 'www-authenticate': 'Basic realm="device-grant", charset="UTF-8"' };
  for (const error of await bothEndpoints(() => json(body, 401, challenge))) {
    assert.ok(error instanceof WWWAuthenticateChallengeError, String(error));
    assert.equal(error.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
    assert.equal(error.status, 401);
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.error_description, 'client authentication failed');
    assert.deepEqual(error.cause, [{ scheme: 'basic', parameters: { realm: 'device-grant', charset: 'UTF-8' } }]);
    assert.equal(error.response.status, 401);
  }
  for (const error of await bothEndpoints(() => json(body, 401))) {
    assert.ok(error instanceof ResponseBodyError);
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.status, 401);
  }
});

test('rfc6749:5.2:invalid-client-401 dg:compat:www-authenticate the conformance server\'s 401 for a wrong Basic secret is a WWWAuthenticateChallengeError', async () => {
  const h = harness({ auth: 'basic', autoAdvance: true });
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, undefined, ClientSecretBasic('wrong'));
  config[customFetch] = h.fetch;
  await assert.rejects(initiateDeviceAuthorization(config), (error: unknown) => {
    assert.ok(error instanceof WWWAuthenticateChallengeError);
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.cause[0]?.scheme, 'basic');
    assert.equal(error.cause[0]?.parameters['realm'], 'device-grant');
    return true;
  });
});

test('dg:compat:www-authenticate challenges are parsed: scheme lower-cased, quoted-strings unescaped, several challenges', async () => {
  const parsed = (header: string): WWWAuthenticateChallenge[] => parseWWWAuthenticate(header);
  assert.deepEqual(parsed('BASIC Realm="a \\"quoted\\" realm, with comma", Charset=UTF-8'), [
    { scheme: 'basic', parameters: { realm: 'a "quoted" realm, with comma', charset: 'UTF-8' } },
  ]);
  assert.deepEqual(parsed('Bearer realm="api", error="invalid_token", error_description="expired", DPoP algs="ES256 PS256", Basic'), [
    { scheme: 'bearer', parameters: { realm: 'api', error: 'invalid_token', error_description: 'expired' } },
    { scheme: 'dpop', parameters: { algs: 'ES256 PS256' } },
    { scheme: 'basic', parameters: {} },
  ]);
  assert.deepEqual(parsed('Basic realm = "spaced" ,, charset="x"'), [{ scheme: 'basic', parameters: { realm: 'spaced', charset: 'x' } }]);
  // A parameter named __proto__ is data, not a prototype.
  const proto = parsed('Basic __proto__="x"')[0]!;
  assert.equal(Object.getPrototypeOf(proto.parameters), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(proto.parameters, '__proto__')?.value, 'x');

  // Through a request: with no usable body, error and description come from the first challenge.
  const header = { 'www-authenticate': 'Bearer error="invalid_token", error_description="token expired", Basic realm="x"' };
  for (const error of await bothEndpoints(() => text('', 401, header))) {
    assert.ok(error instanceof WWWAuthenticateChallengeError);
    assert.equal(error.error, 'invalid_token');
    assert.equal(error.error_description, 'token expired');
    assert.deepEqual(error.cause.map((c) => c.scheme), ['bearer', 'basic']);
  }
  // The body's error wins over the challenge's.
  const both = await deviceError(() => json({ error: 'invalid_client', error_description: 'from body' }, 401, header));
  assert.ok(both instanceof WWWAuthenticateChallengeError);
  assert.equal(both.error, 'invalid_client');
  assert.equal(both.error_description, 'from body');
  // A challenge without an error leaves error undefined.
  const bare = await deviceError(() => text('', 401, { 'www-authenticate': 'Basic realm="x"' }));
  assert.ok(bare instanceof WWWAuthenticateChallengeError);
  assert.equal(bare.error, undefined);
  assert.equal(bare.error_description, undefined);
});

test('dg:compat:www-authenticate rfc6749:5.2:invalid-client-401 a 401 whose header does not parse falls back to the body', async () => {
  for (const value of ['"garbage"', '=x', 'realm="params-only"', '', '   ,  ']) {
    assert.deepEqual(parseWWWAuthenticate(value), [], value);
    const header = { 'www-authenticate': value };
    for (const error of await bothEndpoints(() => json({ error: 'invalid_client' }, 401, header))) {
      assert.ok(error instanceof ResponseBodyError, `${value}: ${String(error)}`);
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.status, 401);
    }
    for (const error of await bothEndpoints(() => text('nope', 401, header))) {
      assert.ok(error instanceof ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM');
    }
  }
  // A challenge on another status is not a 401 challenge: the body decides.
  const error = await deviceError(() => json({ error: 'invalid_request' }, 400, { 'www-authenticate': 'Basic realm="x"' }));
  assert.ok(error instanceof ResponseBodyError && error.error === 'invalid_request');
});

test('rfc6749:5.2:error-charset values outside the §5.2 character sets are kept as plain data, and nothing crashes', async () => {
  const body = {
    error: 'weird "code" \\ caf\u00e9 \u0007',
    error_description: 'line1\nline2\t\u001b[31mred\u001b[0m <script>alert(1)</script> \u20ac \ud800',
    error_uri: 'not a uri at all ✓',
  };
  for (const error of await bothEndpoints(() => json(body, 400))) {
    assert.ok(error instanceof ResponseBodyError);
    assert.equal(error.error, body.error);
    assert.equal(error.error_description, body.error_description);
    assert.equal(error.error_uri, body.error_uri);
    assert.equal(typeof String(error), 'string');
    assert.equal(typeof JSON.stringify(error), 'string');
  }
});
