// RFC 8628 §3.2: the device authorization response, and our own checks of it (tolerances,
// verification URI security, the openid-client result shape).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  Configuration,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  deviceAuthorizationReceivedAt,
  initiateDeviceAuthorization,
  validateDeviceAuthorizationResponse,
  type DeviceAuthorizationResponse,
  type ErrorCode,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, deviceBody, harness, json, scriptedConfig } from '../support/harness.js';
import { answer, clientError, loopback, requestsTo } from '../support/request-side.js';

/** A raw JSON text body, for values JSON.stringify cannot produce. */
function rawJson(text: string, status = 200, contentType = 'application/json'): () => Response {
  return () => new Response(text, { status, headers: { 'content-type': contentType } });
}

async function rejectsBody(body: Record<string, unknown>, code: ErrorCode, what: string, insecure = false): Promise<void> {
  await assert.rejects(answer(() => json(body), insecure), clientError(code), what);
}

test('rfc8628:3.2:json-200 a 200 application/json object is a success; other statuses and bodies give typed errors', async () => {
  const ok = await answer(() => json(deviceBody()));
  assert.equal(ok.user_code, 'WDJB-MJHT');
  // Media type parameters and +json types are JSON too.
  await answer(rawJson(JSON.stringify(deviceBody()), 200, 'Application/JSON; charset=utf-8'));
  await answer(rawJson(JSON.stringify(deviceBody()), 200, 'application/vnd.example+json'));

  const cases: Array<[string, () => Response, ErrorCode]> = [
    ['201 with a valid body', () => json(deviceBody(), 201), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['204', () => new Response(null, { status: 204 }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['500 html', rawJson('<html></html>', 500, 'text/html'), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 JSON without error', () => json({ message: 'nope' }, 400), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['200 served as text/plain', rawJson(JSON.stringify(deviceBody()), 200, 'text/plain'), 'OAUTH_RESPONSE_IS_NOT_JSON'],
    ['200 without content-type', () => new Response(JSON.stringify(deviceBody()), { status: 200, headers: {} }), 'OAUTH_RESPONSE_IS_NOT_JSON'],
    ['200 not JSON', rawJson('{"device_code":'), 'OAUTH_PARSE_ERROR'],
    ['200 empty body', rawJson(''), 'OAUTH_PARSE_ERROR'],
    ['200 JSON array', rawJson('[]'), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON null', rawJson('null'), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON string', rawJson('"device_code"'), 'OAUTH_INVALID_RESPONSE'],
    ['302', () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 served as JSON but not JSON', rawJson('Bad Request', 400), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 JSON with a non-string error', () => json({ error: 400 }, 400), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
  ];
  for (const [what, response, code] of cases) {
    await assert.rejects(answer(response), clientError(code), what);
  }
});

test('rfc8628:3.2:json-200 dg:tolerance:error-in-200 a 200 carrying an error member is that error, never a success', async () => {
  await assert.rejects(answer(() => json({ ...deviceBody(), error: 'access_denied', error_description: 'no' })), (error: unknown) => {
    assert.ok(error instanceof ResponseBodyError);
    assert.equal(error.error, 'access_denied');
    assert.equal(error.error_description, 'no');
    assert.equal(error.status, 200);
    return true;
  });
  // An error member of another type is not read as a success either.
  for (const error of [123, null, { code: 'access_denied' }, ['access_denied']]) {
    await rejectsBody({ ...deviceBody(), error }, 'OAUTH_INVALID_RESPONSE', JSON.stringify(error));
  }
});

test('rfc8628:3.2:required-members dg:security:wrong-types-rejected a missing or wrongly typed required member rejects with OAUTH_INVALID_RESPONSE', async () => {
  for (const name of ['device_code', 'user_code', 'verification_uri', 'expires_in']) {
    const body = deviceBody();
    delete body[name];
    await rejectsBody(body, 'OAUTH_INVALID_RESPONSE', `${name} missing`);
  }
  const wrong: Array<[string, unknown]> = [
    ['device_code', 123],
    ['device_code', ''],
    ['device_code', null],
    ['device_code', ['a']],
    ['user_code', 123],
    ['user_code', ''],
    ['user_code', { code: 'x' }],
    ['verification_uri', null],
    ['verification_uri', 42],
    ['verification_uri', ''],
    ['expires_in', 'abc'],
    ['expires_in', ''],
    ['expires_in', '1e3'],
    ['expires_in', '5abc'],
    ['expires_in', -1],
    ['expires_in', 0],
    ['expires_in', '0'],
    ['expires_in', 'NaN'],
    ['expires_in', 'Infinity'],
    ['expires_in', null],
    ['expires_in', true],
    ['expires_in', [600]],
    ['expires_in', {}],
  ];
  for (const [name, value] of wrong) {
    await rejectsBody(deviceBody({ [name]: value }), 'OAUTH_INVALID_RESPONSE', `${name}: ${JSON.stringify(value)}`);
  }
  // JSON numbers beyond double range parse as Infinity: not a lifetime.
  await assert.rejects(answer(rawJson(JSON.stringify(deviceBody()).replace('"expires_in":600', '"expires_in":1e999'))), clientError('OAUTH_INVALID_RESPONSE'));
  await assert.rejects(answer(rawJson(JSON.stringify(deviceBody()).replace('"expires_in":600', '"expires_in":-1e999'))), clientError('OAUTH_INVALID_RESPONSE'));
  // And the pure validator agrees, for callers who use it on their own.
  assert.throws(() => validateDeviceAuthorizationResponse({ ...deviceBody(), user_code: 7 }, false), clientError('OAUTH_INVALID_RESPONSE'));
});

test('rfc8628:3.2:required-members all four required members present is enough: a minimal response is accepted as sent', async () => {
  const minimal = { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example.test/device', expires_in: 1 };
  const result = await answer(() => json(minimal));
  assert.deepEqual({ ...result }, minimal);
  assert.equal('interval' in result, false);
  assert.equal('verification_uri_complete' in result, false);
  // Fractional lifetimes are numbers like any other.
  assert.equal((await answer(() => json({ ...minimal, expires_in: 0.5 }))).expires_in, 0.5);
});

test('dg:tolerance:numeric-strings expires_in and interval as strict numeric strings are accepted and become numbers', async () => {
  const accepted: Array<[unknown, unknown, number, number]> = [
    ['600', '5', 600, 5],
    ['0.5', '0.5', 0.5, 0.5],
    ['1800', '0.2', 1800, 0.2],
    ['007', '10.25', 7, 10.25],
  ];
  for (const [expires, interval, expiresNumber, intervalNumber] of accepted) {
    const result = await answer(() => json(deviceBody({ expires_in: expires, interval })));
    assert.equal(result.expires_in, expiresNumber);
    assert.equal(result.interval, intervalNumber);
    assert.equal(typeof result.expires_in, 'number');
    assert.equal(typeof result.interval, 'number');
  }
});

test('dg:tolerance:numeric-strings dg:security:wrong-types-rejected loose numeric strings are rejected for expires_in and interval', async () => {
  const loose = ['', '1e3', '5abc', ' 5', '5 ', '-1', '+5', '0x10', '5.', '.5', '1_000', '٥', 'Infinity', 'NaN', '5\n'];
  for (const name of ['expires_in', 'interval']) {
    for (const value of loose) {
      await rejectsBody(deviceBody({ [name]: value }), 'OAUTH_INVALID_RESPONSE', `${name}: ${JSON.stringify(value)}`);
    }
  }
  // An interval of 0 is accepted and floored by the poller (dg:polling:interval-floor); below zero it is refused.
  await rejectsBody(deviceBody({ interval: -5 }), 'OAUTH_INVALID_RESPONSE', 'interval -5');
  await rejectsBody(deviceBody({ interval: true }), 'OAUTH_INVALID_RESPONSE', 'interval true');
});

test('rfc8628:3.2:verification-uri-complete-optional verification_uri_complete may be absent; when present it must be a string', async () => {
  const body = deviceBody();
  delete body['verification_uri_complete'];
  const result = await answer(() => json(body));
  assert.equal('verification_uri_complete' in result, false);
  assert.equal(result.verification_uri, 'https://as.example.test/device');

  const present = await answer(() => json(deviceBody()));
  assert.equal(present.verification_uri_complete, 'https://as.example.test/device?user_code=WDJB-MJHT');

  for (const value of [123, null, true, ['https://as.example.test/device'], {}]) {
    await rejectsBody(deviceBody({ verification_uri_complete: value }), 'OAUTH_INVALID_RESPONSE', JSON.stringify(value));
  }
});

test('dg:security:verification-uri-https an http verification URI is refused without allowInsecureRequests and accepted with it', async () => {
  for (const name of ['verification_uri', 'verification_uri_complete']) {
    const body = deviceBody({ [name]: 'http://as.example.test/device?user_code=WDJB-MJHT' });
    await rejectsBody(body, 'OAUTH_INSECURE_VERIFICATION_URI', name);
    await rejectsBody({ ...body, [name]: 'HTTP://as.example.test/device' }, 'OAUTH_INSECURE_VERIFICATION_URI', `${name} upper-case scheme`);
    const accepted = await answer(() => json(body), true);
    assert.equal(accepted[name], 'http://as.example.test/device?user_code=WDJB-MJHT');
  }
  // https in any letter case is fine, and the value is returned as sent.
  const upper = await answer(() => json(deviceBody({ verification_uri: 'HTTPS://AS.example.test/device' })));
  assert.equal(upper.verification_uri, 'HTTPS://AS.example.test/device');

  // Over real HTTP the conformance server hands out http URIs: the opt-in lets them through.
  const lb = await loopback('none');
  try {
    const device = await initiateDeviceAuthorization(lb.config);
    assert.equal(device.verification_uri, `${lb.listening.url.origin}/device`);
    assert.ok(device.verification_uri_complete?.startsWith(`${lb.listening.url.origin}/device?user_code=`));
  } finally {
    await lb.close();
  }
});

test('dg:security:verification-uri-scheme relative, javascript:, data: and other schemes get OAUTH_INVALID_VERIFICATION_URI, even with the opt-in', async () => {
  const bad = [
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)//https://as.example.test/device',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://as.example.test/device',
    'vbscript:msgbox',
    'intent://device#Intent;scheme=https;end',
    '/device',
    'device',
    '//as.example.test/device',
    'as.example.test/device',
    'https//as.example.test/device',
    'https://',
    ' ',
  ];
  for (const name of ['verification_uri', 'verification_uri_complete']) {
    for (const value of bad) {
      for (const insecure of [false, true]) {
        await rejectsBody(deviceBody({ [name]: value }), 'OAUTH_INVALID_VERIFICATION_URI', `${name}: ${value}`, insecure);
      }
    }
  }
  // An empty complete URI is a present, invalid URI (the required verification_uri cannot be empty at all).
  await rejectsBody(deviceBody({ verification_uri_complete: '' }), 'OAUTH_INVALID_VERIFICATION_URI', 'empty complete');
  // The two codes are distinct, and both are ClientErrors.
  const codes = new Set<string>();
  for (const value of ['http://as.example.test/device', 'javascript:alert(1)']) {
    await assert.rejects(answer(() => json(deviceBody({ verification_uri: value }))), (error: unknown) => {
      assert.ok(error instanceof ClientError);
      codes.add(error.code);
      return true;
    });
  }
  assert.deepEqual([...codes].sort(), ['OAUTH_INSECURE_VERIFICATION_URI', 'OAUTH_INVALID_VERIFICATION_URI']);
});

test('dg:compat:device-response-shape the server object comes back with unknown members and no extra property; arrival time is in a WeakMap', async () => {
  const clock = createFakeClock({ start: Date.UTC(2026, 0, 1) });
  const sent = deviceBody({
    message: 'Enter WDJB-MJHT at https://as.example.test/device',
    vendor: { nested: [1, 'two', null] },
    interval: 3,
  });
  const { config } = scriptedConfig(async () => {
    await clock.advance(1234); // time passes while the answer travels
    return json(sent);
  });
  const pending = initiateDeviceAuthorization(config, undefined, { now: clock.now });
  const result = await pending;
  assert.deepEqual({ ...result }, sent);
  assert.deepEqual(Object.keys(result), Object.keys(sent));
  assert.equal(Object.getOwnPropertySymbols(result).length, 0);
  assert.deepEqual(Object.getOwnPropertyNames(result).sort(), Object.keys(sent).sort()); // nothing non-enumerable either
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.equal(JSON.stringify(result), JSON.stringify(sent));
  // The arrival time, read through the accessor only.
  assert.equal(deviceAuthorizationReceivedAt(result), Date.UTC(2026, 0, 1) + 1234);
  assert.equal(deviceAuthorizationReceivedAt({ ...result }), undefined); // a copy carries no arrival time
  assert.equal(deviceAuthorizationReceivedAt(deviceBody() as unknown as DeviceAuthorizationResponse), undefined);
  // The pure validator returns a fresh object, stamped with nothing.
  const validated = validateDeviceAuthorizationResponse(sent, false);
  assert.deepEqual({ ...validated }, sent);
  assert.equal(deviceAuthorizationReceivedAt(validated), undefined);
});

test('dg:compat:device-response-shape without an injected clock the arrival time comes from Date.now', async () => {
  const before = Date.now();
  const result = await answer(() => json(deviceBody()));
  const after = Date.now();
  const at = deviceAuthorizationReceivedAt(result);
  assert.ok(at !== undefined && at >= before && at <= after, String(at));
});

test('rfc8628:3.2:error-response a 400 error body is a ResponseBodyError with error, error_description, error_uri and status; no token request follows', async () => {
  const h = harness({ autoAdvance: true });
  const body = {
    error: 'invalid_client',
    error_description: 'unknown client: see docs',
    error_uri: 'https://as.example.test/errors/invalid_client',
    extra: 1,
  };
  h.server.injectFaults({ endpoint: 'device', fault: { kind: 'json', status: 400, body } });
  await assert.rejects(initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now }), (error: unknown) => {
    assert.ok(error instanceof ResponseBodyError);
    assert.equal(error.code, 'OAUTH_RESPONSE_BODY_ERROR');
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.error_description, 'unknown client: see docs');
    assert.equal(error.error_uri, 'https://as.example.test/errors/invalid_client');
    assert.equal(error.status, 400);
    assert.deepEqual(error.cause, body);
    assert.equal(Object.keys(error).includes('response'), false);
    assert.equal(error.response.status, 400);
    return true;
  });
  await h.clock.sleep(3_600_000);
  assert.equal(requestsTo(h.server, 'device').length, 1);
  assert.equal(requestsTo(h.server, 'token').length, 0);

  // Other statuses and the §5.2 codes the endpoint can answer are reported the same way.
  for (const [status, error] of [
    [400, 'invalid_request'],
    [400, 'invalid_scope'],
    [400, 'unauthorized_client'],
    [500, 'server_error'],
    [503, 'temporarily_unavailable'],
  ] as const) {
    await assert.rejects(answer(() => json({ error }, status)), (e: unknown) => {
      assert.ok(e instanceof ResponseBodyError);
      assert.equal(e.error, error);
      assert.equal(e.status, status);
      assert.equal(e.error_description, undefined);
      assert.equal(e.error_uri, undefined);
      return true;
    });
  }
});

test('rfc8628:3.2:error-response a 400 from the real server (bad scope) ends the flow before polling, on real HTTP', async () => {
  const lb = await loopback('post', { scopesSupported: ['openid'] });
  try {
    await assert.rejects(initiateDeviceAuthorization(lb.config, { scope: 'openid admin' }), (error: unknown) => {
      assert.ok(error instanceof ResponseBodyError);
      assert.equal(error.error, 'invalid_scope');
      assert.equal(error.status, 400);
      return true;
    });
    assert.equal(requestsTo(lb.server, 'token').length, 0);
  } finally {
    await lb.close();
  }
});

test('rfc8628:3.2:error-response a 401 with WWW-Authenticate is a WWWAuthenticateChallengeError, on real HTTP with Basic', async () => {
  const lb = await loopback('basic');
  try {
    const wrong = new Configuration(lb.config.serverMetadata(), CLIENT_ID, { client_secret: `${CLIENT_SECRET}x` }, ClientSecretBasic());
    allowInsecureRequests(wrong);
    await assert.rejects(initiateDeviceAuthorization(wrong), (error: unknown) => {
      assert.ok(error instanceof WWWAuthenticateChallengeError);
      assert.equal(error.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.error_description, 'client authentication failed');
      assert.equal(error.cause[0]?.scheme, 'basic');
      assert.equal(error.cause[0]?.parameters['realm'], 'device-grant');
      assert.equal(Object.keys(error).includes('response'), false);
      assert.equal(error.response.status, 401);
      return true;
    });
    assert.equal(requestsTo(lb.server, 'token').length, 0);
  } finally {
    await lb.close();
  }
  // A 401 whose WWW-Authenticate has no parseable challenge falls back to the body's error.
  for (const header of [', ,', 'error="invalid_client"', '"quoted"']) {
    await assert.rejects(
      answer(() => json({ error: 'invalid_client' }, 401, { 'www-authenticate': header })),
      (error: unknown) => error instanceof ResponseBodyError && error.error === 'invalid_client' && error.status === 401,
      header,
    );
  }
  // Unquoted parameter values, several challenges: the first challenge's error is copied.
  await assert.rejects(
    answer(() => new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm=device, error=invalid_client, Bearer error="x"' } })),
    (error: unknown) => {
      assert.ok(error instanceof WWWAuthenticateChallengeError);
      assert.deepEqual(error.cause.map((c) => c.scheme), ['basic', 'bearer']);
      assert.deepEqual(error.cause[0]?.parameters, { realm: 'device', error: 'invalid_client' });
      assert.equal(error.error, 'invalid_client');
      return true;
    },
  );
  // A challenge with no body at all still carries the challenge's own error.
  await assert.rejects(
    answer(() => new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' } })),
    (error: unknown) => {
      assert.ok(error instanceof WWWAuthenticateChallengeError);
      assert.equal(error.error, 'invalid_token');
      assert.equal(error.error_description, 'expired');
      return true;
    },
  );
});

