// dg:compat:arg-errors: a bad argument to Configuration, discovery, a ClientAuth or a request is a
// TypeError with Node's ERR_INVALID_ARG_* code, thrown before any request, as openid-client v6 does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  None,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type ClientMetadata,
  type CustomFetch,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { CLIENT_ID, ISSUER, METADATA, deviceBody, json, scriptedConfig, scriptedFetch } from '../support/harness.js';

const metadata = METADATA;

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
