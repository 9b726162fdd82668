// Our own compat rows: what keeps device-grant a drop-in for openid-client v6's device flow:
// the exports and the error classes (error codes and argument errors: compat-*.test.ts).
import assert from 'node:assert/strict';
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
  initiateDeviceAuthorization,
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
import { CLIENT_ID, ISSUER, deviceBody, json, scriptedConfig, scriptedFetch } from '../support/harness.js';
import { readFileSync } from 'node:fs';

// The names of the issue's import line and of spec/design.md (the public API) (values).
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

// The public types: these must resolve at compile time. A missing one fails the build, and the
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
