// RFC 6749 §3.2 and §3.2.1: the token endpoint (POST, query kept, no fragment, no repeated
// parameters) and client authentication at it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  None,
  customFetch,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, DEVICE_CODE_PREFIX, ISSUER, deviceBody, formOf, harness, json, scriptedFetch, pollUntilApproved } from '../support/harness.js';
import { scriptedPoll, tokenBody } from '../support/discovery-side.js';

const DEVICE = deviceBody() as unknown as DeviceAuthorizationResponse;

function isArgError(code: string) {
  return (error: unknown) => error instanceof TypeError && (error as TypeError & { code?: string }).code === code;
}

test('rfc6749:3.2:post every token request (and the device authorization request) is a POST', async () => {
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  await pollUntilApproved(h, device);
  const tokenRequests = h.server.requests.filter((r) => r.endpoint === 'token');
  assert.ok(tokenRequests.length >= 2);
  assert.deepEqual(new Set(h.server.requests.map((r) => r.method)), new Set(['POST']));
  // And on the wire as the client hands it to fetch.
  const p = scriptedPoll((i) => (i < 2 ? json({ error: 'authorization_pending' }, 400) : json(tokenBody())));
  await p.result;
  assert.equal(p.fetch.calls.length, 3);
  for (const { init } of p.fetch.calls) {
    assert.equal(init.method, 'POST');
    assert.equal(typeof init.body, 'string');
    assert.equal(init.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  }
});

test('rfc6749:3.2:keep-query a query already in the endpoint URL is kept unchanged, for the token and device endpoints', async () => {
  const fetch = scriptedFetch((url) =>
    new URL(url).pathname === '/device_authorization' ? json(deviceBody()) : json(tokenBody()),
  );
  const token = `${ISSUER}/token?tenant=a%20b&x=1&x=2&empty=`;
  const device = `${ISSUER}/device_authorization?tenant=a%20b&p=%2F`;
  const config = new Configuration({ issuer: ISSUER, token_endpoint: token, device_authorization_endpoint: device }, CLIENT_ID, undefined, None());
  config[customFetch] = fetch;
  const clock = createFakeClock({ autoAdvance: true });
  const response = await initiateDeviceAuthorization(config, { scope: 'a' }, { now: clock.now });
  await pollDeviceAuthorizationGrant(config, response, undefined, { now: clock.now, sleep: clock.sleep });
  assert.deepEqual(
    fetch.calls.map((c) => c.url),
    [device, token],
  );
  // The query stays in the URL; it is not copied into the body, and nothing is added to it.
  for (const { init } of fetch.calls) {
    const form = formOf(init.body);
    assert.equal(form.has('tenant'), false);
    assert.equal(form.has('x'), false);
  }
});

test('rfc6749:3.2:no-fragment a token or device endpoint with a fragment is refused before any request', async () => {
  for (const bad of [`${ISSUER}/token#frag`, `${ISSUER}/token#`, 'relative/token', 42]) {
    const fetch = scriptedFetch(() => json(tokenBody()));
    const config = new Configuration(
      { issuer: ISSUER, token_endpoint: bad as string, device_authorization_endpoint: bad as string },
      CLIENT_ID,
      undefined,
      None(),
    );
    config[customFetch] = fetch;
    const clock = createFakeClock({ autoAdvance: true });
    const isInvalid = (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_INVALID_SERVER_METADATA';
    await assert.rejects(pollDeviceAuthorizationGrant(config, DEVICE, undefined, { now: clock.now, sleep: clock.sleep }), isInvalid);
    await assert.rejects(initiateDeviceAuthorization(config), isInvalid);
    assert.equal(fetch.calls.length, 0, String(bad));
  }
});

test('rfc6749:3.2:no-repeated-params no parameter name occurs twice in a token request body, except resource', async () => {
  for (const auth of ['none', 'post', 'basic'] as const) {
    const p = scriptedPoll((i) => (i < 1 ? json({ error: 'authorization_pending' }, 400) : json(tokenBody())), {}, auth, {
      scope: 'a b',
      resource: ['https://rs1.test/', 'https://rs2.test/'],
      extra: 'x',
    });
    await p.result;
    for (const { init } of p.fetch.calls) {
      const names = [...formOf(init.body).keys()];
      const nonResource = names.filter((n) => n !== 'resource');
      assert.equal(new Set(nonResource).size, nonResource.length, init.body);
      assert.deepEqual(formOf(init.body).getAll('resource'), ['https://rs1.test/', 'https://rs2.test/']);
      assert.deepEqual(formOf(init.body).getAll('device_code'), [`${DEVICE_CODE_PREFIX}1`]);
    }
  }
});

test('rfc6749:3.2:no-repeated-params a repeated caller parameter, or one the library sets, is an argument error before any request', async () => {
  const repeated = [
    new URLSearchParams([['scope', 'a'], ['scope', 'b']]),
    new URLSearchParams([['extra', '1'], ['extra', '2']]),
    { extra: ['1', '2'] },
    { grant_type: 'authorization_code' },
    { device_code: 'other' },
  ];
  for (const parameters of repeated) {
    const p = scriptedPoll(() => json(tokenBody()), {}, 'none', parameters);
    await assert.rejects(p.result, isArgError('ERR_INVALID_ARG_VALUE'));
    assert.equal(p.fetch.calls.length, 0);
  }
});

test('rfc6749:3.2.1:confidential-auth a client with credentials authenticates on every token request, Basic or Post', async () => {
  for (const auth of ['basic', 'post'] as const) {
    const p = scriptedPoll((i) => (i < 3 ? json({ error: 'authorization_pending' }, 400) : json(tokenBody())), {}, auth);
    await p.result;
    assert.equal(p.fetch.calls.length, 4);
    for (const { init } of p.fetch.calls) {
      if (auth === 'basic') assert.match(init.headers['authorization'] ?? '', /^Basic [A-Za-z0-9+/]+=*$/);
      else assert.equal(formOf(init.body).get('client_secret'), CLIENT_SECRET);
    }
  }
});

test('rfc6749:3.2.1:client-id-may None and Post send client_id in the body; Basic sends it only in the Authorization header', async () => {
  for (const auth of ['none', 'post', 'basic'] as const) {
    const p = scriptedPoll(() => json(tokenBody()), {}, auth);
    await p.result;
    const { init } = p.fetch.calls[0]!;
    assert.deepEqual(formOf(init.body).getAll('client_id'), auth === 'basic' ? [] : [CLIENT_ID]);
    if (auth === 'basic') {
      const decoded = Buffer.from((init.headers['authorization'] ?? '').slice(6), 'base64').toString('latin1');
      assert.equal(decodeURIComponent(decoded.slice(0, decoded.indexOf(':')).replace(/\+/g, ' ')), CLIENT_ID);
    }
  }
});
