// Our own compat rows: what keeps device-grant a drop-in for openid-client v6's device flow
// (exports, error classes, error codes, argument errors).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as lib from '../../lib/index.js';
import {
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  None,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type ClientMetadata,
  type CustomFetch,
  type CustomFetchOptions,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
  type DiscoveryRequestOptions,
  type ServerMetadata,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, ISSUER, deviceBody, json, scriptedConfig, scriptedFetch } from '../support/harness.js';

// The names of the issue's import line and of DESIGN.md "Exports" (values).
const VALUE_EXPORTS = {
  functions: [
    'discovery',
    'initiateDeviceAuthorization',
    'pollDeviceAuthorizationGrant',
    'None',
    'ClientSecretBasic',
    'ClientSecretPost',
    'allowInsecureRequests',
  ],
  classes: ['Configuration', 'ClientError', 'ResponseBodyError', 'WWWAuthenticateChallengeError'],
  symbols: ['customFetch', 'clockSkew', 'clockTolerance'],
} as const;

// DESIGN.md "Types": these must resolve at compile time. A missing one fails the build, and the
// value below uses each of them so that none is elided unchecked.
type ExportedTypes = [
  DeviceAuthorizationResponse,
  TokenEndpointResponse,
  TokenEndpointResponseHelpers,
  ServerMetadata,
  ClientMetadata,
  ClientAuth,
  CustomFetch,
  CustomFetchOptions,
  DiscoveryRequestOptions,
  DeviceAuthorizationGrantPollOptions,
];
const typeWitness: ExportedTypes['length'] = 10;

function checkExports(module: Record<string, unknown>, from: string): void {
  for (const name of VALUE_EXPORTS.functions) assert.equal(typeof module[name], 'function', `${from}: ${name}`);
  for (const name of VALUE_EXPORTS.classes) {
    const value = module[name] as { prototype?: unknown } | undefined;
    assert.equal(typeof value, 'function', `${from}: ${name}`);
    assert.ok(value?.prototype !== undefined, `${from}: ${name} is a class`);
  }
  for (const name of VALUE_EXPORTS.symbols) assert.equal(typeof module[name], 'symbol', `${from}: ${name}`);
}

test('dg:compat:exports every name of openid-client v6 device flow resolves from lib/index.js and from the package name', async () => {
  assert.equal(typeWitness, 10);
  checkExports(lib as unknown as Record<string, unknown>, 'lib/index.js');
  // The package refers to itself through package.json "exports": what an application imports.
  const pkg = (await import('device-grant')) as unknown as Record<string, unknown>;
  checkExports(pkg, 'device-grant');
  for (const name of [...VALUE_EXPORTS.functions, ...VALUE_EXPORTS.classes, ...VALUE_EXPORTS.symbols]) {
    assert.equal(pkg[name], (lib as unknown as Record<string, unknown>)[name], `${name} is the same binding`);
  }
  // The error classes are Errors, and the three symbols are distinct.
  for (const cls of [ClientError, ResponseBodyError, WWWAuthenticateChallengeError]) {
    assert.ok(Object.prototype.isPrototypeOf.call(Error.prototype, cls.prototype));
  }
  assert.equal(new Set([lib.customFetch, lib.clockSkew, lib.clockTolerance]).size, 3);
});

test('dg:compat:exports package.json has no runtime dependencies and exports the built index', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest['name'], 'device-grant');
  assert.equal(manifest['dependencies'], undefined);
  assert.equal(manifest['peerDependencies'], undefined);
  assert.equal(manifest['optionalDependencies'], undefined);
  const exportsField = manifest['exports'] as Record<string, Record<string, string>>;
  assert.equal(exportsField['.']?.['default'], './dist/lib/index.js');
});

test('dg:compat:exports the exported names work together as in openid-client (customFetch key, allowInsecureRequests, factories)', async () => {
  const fetch = scriptedFetch(() => json(deviceBody({ verification_uri: 'http://as.example.test/device', verification_uri_complete: undefined })));
  const config = new Configuration(
    { issuer: ISSUER, device_authorization_endpoint: 'http://as.example.test/device_authorization', token_endpoint: `${ISSUER}/token` },
    CLIENT_ID,
    'a secret',
    ClientSecretBasic(),
  );
  config[customFetch] = fetch;
  assert.equal(config[customFetch], fetch);
  allowInsecureRequests(config);
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
  assert.equal(device.user_code, 'WDJB-MJHT');
  assert.equal(fetch.calls.length, 1);
  assert.match(fetch.calls[0]?.init.headers['authorization'] ?? '', /^Basic /);
  assert.equal(typeof None(), 'function');
  assert.equal(typeof ClientSecretPost('x'), 'function');
});

// --- error classes -------------------------------------------------------------------------

test('dg:compat:error-classes ClientError carries code and cause, and is an Error', async () => {
  const failure = new TypeError('fetch failed');
  const { config } = scriptedConfig(() => Promise.reject(failure));
  const error = await initiateDeviceAuthorization(config).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClientError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ClientError');
  assert.equal(error.code, 'OAUTH_NETWORK_ERROR');
  assert.equal(error.cause, failure);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
});

test('dg:compat:error-classes ResponseBodyError: code, error, error_description, error_uri, status, parsed body as cause, non-enumerable response', async () => {
  const body = { error: 'invalid_scope', error_description: 'no such scope', error_uri: 'https://as.example.test/errors/scope', extra: 1 };
  let sent: Response | undefined;
  const { config } = scriptedConfig(() => (sent = json(body, 400)));
  const error = await initiateDeviceAuthorization(config).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ResponseBodyError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ResponseBodyError');
  assert.equal(error.code, 'OAUTH_RESPONSE_BODY_ERROR');
  assert.equal(error.error, 'invalid_scope');
  assert.equal(error.error_description, 'no such scope');
  assert.equal(error.error_uri, 'https://as.example.test/errors/scope');
  assert.equal(error.status, 400);
  assert.deepEqual(error.cause, body);
  assert.equal(error.response, sent);
  const descriptor = Object.getOwnPropertyDescriptor(error, 'response');
  assert.equal(descriptor?.enumerable, false);
  assert.ok(!Object.keys(error).includes('response'));
  assert.equal('response' in JSON.parse(JSON.stringify(error)), false);
});

test('dg:compat:error-classes dg:compat:www-authenticate WWWAuthenticateChallengeError is an Error with status, parsed challenges as cause, non-enumerable response', async () => {
  const { config } = scriptedConfig(
    () => json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic realm="as", error="invalid_client"' }),
    'basic',
  );
  const error = await initiateDeviceAuthorization(config).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WWWAuthenticateChallengeError);
  assert.ok(error instanceof Error);
  assert.equal(error.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
  assert.equal(error.status, 401);
  assert.equal(error.error, 'invalid_client');
  assert.deepEqual(error.cause, [{ scheme: 'basic', parameters: { realm: 'as', error: 'invalid_client' } }]);
  assert.equal(Object.getOwnPropertyDescriptor(error, 'response')?.enumerable, false);
  assert.ok(error.response instanceof Response);
});

// --- error codes ---------------------------------------------------------------------------

const metadata = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  device_authorization_endpoint: `${ISSUER}/device_authorization`,
};

function configWith(respond: CustomFetch, server: ServerMetadata = metadata): Configuration {
  const config = new Configuration(server, CLIENT_ID, undefined, None());
  config[customFetch] = respond;
  return config;
}

const hang: CustomFetch = (_url, init) =>
  new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));

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
      const config = configWith(hang);
      config.timeout = 0.01;
      return initiateDeviceAuthorization(config);
    },
  },
  {
    code: 'OAUTH_ABORT',
    situation: 'the caller aborts the signal',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(hang), undefined, { signal: AbortSignal.abort(new Error('stop')) }),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    situation: 'a 4xx without an OAuth error body',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => new Response('nope', { status: 404 }))),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    situation: 'a 3xx redirect',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => new Response(null, { status: 302, headers: { location: '/x' } }))),
  },
  {
    code: 'OAUTH_RESPONSE_IS_NOT_JSON',
    situation: 'a 200 that is not application/json',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }))),
  },
  {
    code: 'OAUTH_PARSE_ERROR',
    situation: 'a 200 application/json body that does not parse',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => new Response('{"device_code":', { headers: { 'content-type': 'application/json' } }))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'a JSON body that is not an object',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json([deviceBody()]))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'a required member missing',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody({ device_code: undefined })))),
  },
  {
    code: 'OAUTH_INVALID_RESPONSE',
    situation: 'expires_in missing',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody({ expires_in: undefined })))),
  },
  {
    code: 'OAUTH_HTTP_REQUEST_FORBIDDEN',
    situation: 'an http: endpoint without the opt-in',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody()), { ...metadata, device_authorization_endpoint: 'http://as.example.test/da' })),
  },
  {
    code: 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    situation: 'an endpoint that is neither http nor https',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody()), { ...metadata, device_authorization_endpoint: 'ftp://as.example.test/da' })),
  },
  {
    code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    situation: 'discovered metadata naming another issuer',
    openidClient: true,
    run: () =>
      discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), {
        [customFetch]: async () => json({ ...metadata, issuer: 'https://other.example.test' }),
      }),
  },
  {
    code: 'OAUTH_MISSING_SERVER_METADATA',
    situation: 'no device_authorization_endpoint in the metadata',
    openidClient: true,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody()), { issuer: ISSUER, token_endpoint: `${ISSUER}/token` })),
  },
  // New situations, new OAUTH_* codes.
  {
    code: 'OAUTH_NETWORK_ERROR',
    situation: 'fetch rejects (network failure)',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configWith(() => Promise.reject(new TypeError('fetch failed')))),
  },
  {
    code: 'OAUTH_RESPONSE_TOO_LARGE',
    situation: 'a body over the 1 MiB cap',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configWith(async () => new Response('x', { headers: { 'content-length': String(2 ** 21) } }))),
  },
  {
    code: 'OAUTH_INVALID_SERVER_METADATA',
    situation: 'an endpoint in the metadata that is not an absolute URL',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody()), { ...metadata, device_authorization_endpoint: '/relative' })),
  },
  {
    code: 'OAUTH_INSECURE_VERIFICATION_URI',
    situation: 'an http verification_uri',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody({ verification_uri: 'http://as.example.test/device' })))),
  },
  {
    code: 'OAUTH_INVALID_VERIFICATION_URI',
    situation: 'a javascript: verification_uri',
    openidClient: false,
    run: () => initiateDeviceAuthorization(configWith(async () => json(deviceBody({ verification_uri: 'javascript:alert(1)' })))),
  },
  {
    code: 'OAUTH_TIMEOUT',
    situation: 'the device_code expires while polling (with error expired_token)',
    openidClient: true,
    run: () => {
      const clock = createFakeClock({ autoAdvance: true });
      const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 3, interval: 1 };
      const config = configWith(async () => json({ error: 'authorization_pending' }, 400));
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
  const timedOut = await initiateDeviceAuthorization(configWith(hang), undefined, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
  assert.ok(timedOut instanceof ClientError);
  assert.equal(timedOut.code, 'OAUTH_TIMEOUT');
  assert.equal(timedOut.cause, reason);
});

// --- argument errors -----------------------------------------------------------------------

function assertArgError(fn: () => unknown, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE', what: string): void {
  assert.throws(
    fn,
    (error: unknown) => {
      assert.ok(error instanceof TypeError, `${what}: ${String(error)}`);
      assert.ok(!(error instanceof ClientError), what);
      assert.equal((error as TypeError & { code?: string }).code, code, what);
      return true;
    },
    what,
  );
}

async function assertArgRejection(promise: () => Promise<unknown>, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE', what: string): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => {
      assert.ok(error instanceof TypeError, `${what}: ${String(error)}`);
      assert.equal((error as TypeError & { code?: string }).code, code, what);
      return true;
    },
    what,
  );
}

test('dg:compat:arg-errors Configuration: bad server, clientId, clientAuth, timeout and customFetch are TypeErrors with ERR_INVALID_ARG_*', () => {
  const make = (...args: unknown[]) => () => new (Configuration as unknown as new (...a: unknown[]) => Configuration)(...args);
  assertArgError(make(null, CLIENT_ID), 'ERR_INVALID_ARG_TYPE', 'null server metadata');
  assertArgError(make({}, CLIENT_ID), 'ERR_INVALID_ARG_TYPE', 'server metadata without issuer');
  assertArgError(make(metadata, 42), 'ERR_INVALID_ARG_TYPE', 'numeric clientId');
  // openid-client v6 uses ERR_INVALID_ARG_TYPE for an empty clientId too; we keep its code.
  assertArgError(make(metadata, ''), 'ERR_INVALID_ARG_TYPE', 'empty clientId');
  assertArgError(make(metadata, CLIENT_ID, undefined, 'client_secret_basic'), 'ERR_INVALID_ARG_TYPE', 'clientAuth not a function');

  const config = new Configuration(metadata, CLIENT_ID);
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assertArgError(() => {
      config.timeout = bad;
    }, 'ERR_INVALID_ARG_VALUE', `timeout ${bad}`);
  }
  for (const bad of ['5', null]) {
    assertArgError(() => {
      config.timeout = bad as unknown as number;
    }, 'ERR_INVALID_ARG_TYPE', `timeout ${String(bad)}`);
  }
  assert.equal(config.timeout, 30);
  assertArgError(() => {
    config[customFetch] = 'fetch' as unknown as CustomFetch;
  }, 'ERR_INVALID_ARG_TYPE', 'customFetch not a function');
  assert.equal(config[customFetch], undefined);
  // A method of Configuration called on something else.
  assertArgError(() => Configuration.prototype.serverMetadata.call({} as Configuration), 'ERR_INVALID_ARG_TYPE', 'not a Configuration');
});

test('dg:compat:arg-errors discovery: a server that is not a URL instance, or has a query, or a bad timeout, fails before any request', async () => {
  const fetch = scriptedFetch(() => json(metadata));
  const options = { [customFetch]: fetch };
  await assertArgRejection(() => discovery(ISSUER as unknown as URL, CLIENT_ID, undefined, None(), options), 'ERR_INVALID_ARG_TYPE', 'string server');
  await assertArgRejection(() => discovery(new URL(`${ISSUER}/?tenant=1`), CLIENT_ID, undefined, None(), options), 'ERR_INVALID_ARG_VALUE', 'server with a query');
  await assertArgRejection(() => discovery(new URL(`${ISSUER}/#x`), CLIENT_ID, undefined, None(), options), 'ERR_INVALID_ARG_VALUE', 'server with a fragment');
  await assertArgRejection(() => discovery(new URL(ISSUER), '', undefined, None(), options), 'ERR_INVALID_ARG_TYPE', 'empty clientId');
  await assertArgRejection(() => discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { ...options, timeout: -1 }), 'ERR_INVALID_ARG_VALUE', 'negative timeout');
  await assertArgRejection(
    () => discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { ...options, [customFetch]: 'x' as unknown as CustomFetch }),
    'ERR_INVALID_ARG_TYPE',
    'customFetch not a function',
  );
  assert.equal(fetch.calls.length, 0, 'no request was sent');
});

test('dg:compat:arg-errors client auth: ClientSecretPost and ClientSecretBasic without a usable secret fail before any request', async () => {
  const cases: Array<{ auth: ClientAuth; metadataArg: Partial<ClientMetadata> | undefined; code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'; what: string }> = [
    { auth: ClientSecretPost(), metadataArg: undefined, code: 'ERR_INVALID_ARG_TYPE', what: 'Post, no secret anywhere' },
    { auth: ClientSecretBasic(), metadataArg: undefined, code: 'ERR_INVALID_ARG_TYPE', what: 'Basic, no secret anywhere' },
    { auth: ClientSecretPost(''), metadataArg: undefined, code: 'ERR_INVALID_ARG_VALUE', what: 'Post, empty secret argument' },
    { auth: ClientSecretBasic(''), metadataArg: undefined, code: 'ERR_INVALID_ARG_VALUE', what: 'Basic, empty secret argument' },
    { auth: ClientSecretPost(), metadataArg: { client_secret: '' }, code: 'ERR_INVALID_ARG_VALUE', what: 'Post, empty client_secret metadata' },
    { auth: ClientSecretBasic(), metadataArg: { client_secret: '' }, code: 'ERR_INVALID_ARG_VALUE', what: 'Basic, empty client_secret metadata' },
    { auth: ClientSecretBasic(), metadataArg: { client_secret: 42 as unknown as string }, code: 'ERR_INVALID_ARG_TYPE', what: 'Basic, numeric client_secret' },
  ];
  for (const c of cases) {
    const fetch = scriptedFetch(() => json(deviceBody()));
    const config = new Configuration(metadata, CLIENT_ID, c.metadataArg, c.auth);
    config[customFetch] = fetch;
    await assertArgRejection(() => initiateDeviceAuthorization(config), c.code, c.what);
    assert.equal(fetch.calls.length, 0, `${c.what}: no request`);
  }
});

test('dg:compat:arg-errors request parameters of the wrong type or value fail before any request', async () => {
  const cases: Array<{ parameters: unknown; code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'; what: string }> = [
    { parameters: 'scope=openid', code: 'ERR_INVALID_ARG_TYPE', what: 'a string' },
    { parameters: null, code: 'ERR_INVALID_ARG_TYPE', what: 'null' },
    { parameters: { scope: 42 }, code: 'ERR_INVALID_ARG_TYPE', what: 'a number value' },
    { parameters: { resource: ['https://rs.example.test', 7] }, code: 'ERR_INVALID_ARG_TYPE', what: 'a number in an array' },
    { parameters: { client_secret: 'x' }, code: 'ERR_INVALID_ARG_VALUE', what: 'client_secret as a parameter' },
    { parameters: new URLSearchParams([['scope', 'a'], ['scope', 'b']]), code: 'ERR_INVALID_ARG_VALUE', what: 'a repeated parameter' },
    { parameters: { scope: 'a  b' }, code: 'ERR_INVALID_ARG_VALUE', what: 'a malformed scope' },
    { parameters: { resource: 'https://rs.example.test/#f' }, code: 'ERR_INVALID_ARG_VALUE', what: 'a resource with a fragment' },
  ];
  for (const c of cases) {
    const { config, fetch } = scriptedConfig(() => json(deviceBody()));
    await assertArgRejection(() => initiateDeviceAuthorization(config, c.parameters as Record<string, string>), c.code, `device: ${c.what}`);
    const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600 };
    await assertArgRejection(() => pollDeviceAuthorizationGrant(config, device, c.parameters as Record<string, string>), c.code, `poll: ${c.what}`);
    assert.equal(fetch.calls.length, 0, `${c.what}: no request`);
  }
  // The library's own parameters cannot be set by the caller on a poll.
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600 };
  await assertArgRejection(() => pollDeviceAuthorizationGrant(config, device, { grant_type: 'password' }), 'ERR_INVALID_ARG_VALUE', 'grant_type');
  await assertArgRejection(() => pollDeviceAuthorizationGrant(config, device, { device_code: 'other' }), 'ERR_INVALID_ARG_VALUE', 'device_code');
  // A device authorization response that is not one.
  await assertArgRejection(() => pollDeviceAuthorizationGrant(config, null as unknown as DeviceAuthorizationResponse), 'ERR_INVALID_ARG_TYPE', 'null response');
  await assertArgRejection(() => pollDeviceAuthorizationGrant(config, { ...device, expires_in: -1 }), 'ERR_INVALID_ARG_VALUE', 'negative expires_in');
  await assertArgRejection(() => pollDeviceAuthorizationGrant({} as Configuration, device), 'ERR_INVALID_ARG_TYPE', 'not a Configuration');
  assert.equal(fetch.calls.length, 0);
});
