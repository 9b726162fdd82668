// RFC 8707 §2: the resource parameter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseBodyError, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { deviceBody, formOf, harness, json, scriptedConfig, pollUntilApproved } from '../support/harness.js';
import { argError, loopback, loopbackFlow, requestsTo } from '../support/request-side.js';

const A = 'https://api.example.com/';
const B = 'https://files.example.com/v1?tenant=a%20b&x=1';

function resourcesOf(body: string | undefined): string[] {
  return formOf(body).getAll('resource');
}

async function approvedPoll(
  h: ReturnType<typeof harness>,
  initParameters: Parameters<typeof initiateDeviceAuthorization>[1],
  pollParameters: Parameters<typeof pollDeviceAuthorizationGrant>[2],
): Promise<void> {
  const device = await initiateDeviceAuthorization(h.config, initParameters, { now: h.clock.now });
  await pollUntilApproved(h, device, { parameters: pollParameters });
}

test('rfc8707:2:resource-optional resource goes where the caller passed it, exactly as given, and nowhere else', async () => {
  // Passed to initiate only: on the device request, not on the polls.
  const onlyInit = harness({ autoAdvance: true, interval: 1 });
  await approvedPoll(onlyInit, { resource: A }, undefined);
  assert.deepEqual(requestsTo(onlyInit.server, 'device').map((r) => r.form.filter(([n]) => n === 'resource')), [[['resource', A]]]);
  for (const request of requestsTo(onlyInit.server, 'token')) assert.equal(request.form.some(([n]) => n === 'resource'), false);

  // Passed to the poll only: on every token request, not on the device request.
  const onlyPoll = harness({ autoAdvance: true, interval: 1 });
  await approvedPoll(onlyPoll, undefined, { resource: A });
  assert.equal(requestsTo(onlyPoll.server, 'device')[0]?.form.some(([n]) => n === 'resource'), false);
  const polls = requestsTo(onlyPoll.server, 'token');
  assert.ok(polls.length >= 3);
  for (const request of polls) assert.deepEqual(request.form.filter(([n]) => n === 'resource'), [['resource', A]]);

  // Never added when not passed.
  const none = harness({ autoAdvance: true, interval: 1 });
  await approvedPoll(none, { scope: 'openid' }, undefined);
  for (const request of none.server.requests) assert.equal(request.form.some(([n]) => n === 'resource'), false);

  // Sent unchanged: no normalisation of case, port, dot segments, query or escapes.
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  const odd = ['HTTPS://API.Example.COM:443/a/../b/', 'urn:example:resource', B];
  await initiateDeviceAuthorization(config, { resource: odd });
  assert.deepEqual(resourcesOf(fetch.calls[0]?.init.body), odd);
});

test('rfc8707:2:absolute-uri a relative resource, or one that is no URI at all, is an argument error before any request, at either endpoint', async () => {
  const relative = [
    '/api',
    'api',
    'api.example.com',
    '//api.example.com/',
    '../x',
    '?q=1',
    'https//api.example.com',
    // WHATWG URL parsing would accept these; RFC 3986 does not.
    ' https://api.example.com/',
    'https://api.example.com/a b',
    'https://api.example.com/\n',
    'https://api.example.com/\tx',
    'https://bücher.example/',
    'https://api.example.com/%zz',
    'https://api.example.com/<x>',
  ];
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  for (const value of relative) {
    await assert.rejects(initiateDeviceAuthorization(config, { resource: value }), argError('ERR_INVALID_ARG_VALUE'), value);
    await assert.rejects(initiateDeviceAuthorization(config, { resource: [A, value] }), argError('ERR_INVALID_ARG_VALUE'), value);
  }
  assert.equal(fetch.calls.length, 0);

  const h = harness({ autoAdvance: true });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  for (const value of relative) {
    await assert.rejects(
      pollDeviceAuthorizationGrant(h.config, device, { resource: value }, { now: h.clock.now, sleep: h.clock.sleep }),
      argError('ERR_INVALID_ARG_VALUE'),
      value,
    );
  }
  assert.equal(requestsTo(h.server, 'token').length, 0);
  // Absolute URIs of any scheme are accepted.
  await initiateDeviceAuthorization(config, { resource: ['urn:ietf:params:x', 'https://a.example', 'tag:example.com,2026:r'] });
  assert.equal(fetch.calls.length, 1);
});

test('rfc8707:2:no-fragment a resource with a fragment, even an empty one, is refused before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  for (const value of ['https://api.example.com/#x', 'https://api.example.com/#', 'urn:example:r#part']) {
    await assert.rejects(initiateDeviceAuthorization(config, { resource: value }), argError('ERR_INVALID_ARG_VALUE'), value);
    await assert.rejects(initiateDeviceAuthorization(config, new URLSearchParams([['resource', A], ['resource', value]])), argError('ERR_INVALID_ARG_VALUE'));
  }
  assert.equal(fetch.calls.length, 0);

  const h = harness({ autoAdvance: true });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  await assert.rejects(
    pollDeviceAuthorizationGrant(h.config, device, { resource: `${A}#frag` }, { now: h.clock.now, sleep: h.clock.sleep }),
    argError('ERR_INVALID_ARG_VALUE'),
  );
  assert.equal(requestsTo(h.server, 'token').length, 0);
});

test('rfc8707:2:multiple several resources are repeated parameters in the caller order, each encoded on its own', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config, { resource: [B, A] });
  await initiateDeviceAuthorization(config, new URLSearchParams([['resource', A], ['scope', 'openid'], ['resource', B]]));
  await initiateDeviceAuthorization(config, { resource: [A, A] }); // a repeat of the same value is the caller's choice
  const [first, second, third] = fetch.calls.map((call) => call.init.body ?? '');
  assert.ok(first?.startsWith('resource=https%3A%2F%2Ffiles.example.com%2Fv1%3Ftenant%3Da%2520b%26x%3D1&resource=https%3A%2F%2Fapi.example.com%2F&'), first);
  assert.deepEqual(resourcesOf(first), [B, A]);
  assert.deepEqual(resourcesOf(second), [A, B]);
  assert.deepEqual(resourcesOf(third), [A, A]);
  for (const body of [first, second]) assert.equal(body?.includes('%2C') || body?.includes('+https'), false); // never joined

  // On real HTTP, the server records the resources of the grant in order.
  const lb = await loopback('post');
  try {
    const { device, token } = await loopbackFlow(lb, { resource: [B, A] }, { resource: [B, A] });
    assert.deepEqual(lb.server.grants.get(device.device_code)?.resources, [B, A]);
    assert.equal(typeof token.access_token, 'string');
    for (const request of lb.server.requests) assert.deepEqual(request.form.filter(([n]) => n === 'resource').map(([, v]) => v), [B, A]);
  } finally {
    await lb.close();
  }
});

test('rfc8707:2:invalid-target invalid_target from the device endpoint is a ResponseBodyError and no polling starts', async () => {
  const h = harness({ autoAdvance: true });
  h.server.injectFaults({
    endpoint: 'device',
    fault: { kind: 'json', status: 400, body: { error: 'invalid_target', error_description: 'unknown resource' } },
  });
  await assert.rejects(initiateDeviceAuthorization(h.config, { resource: A }, { now: h.clock.now }), (error: unknown) => {
    assert.ok(error instanceof ResponseBodyError);
    assert.equal(error.error, 'invalid_target');
    assert.equal(error.error_description, 'unknown resource');
    assert.equal(error.status, 400);
    return true;
  });
  await h.clock.sleep(3_600_000);
  assert.equal(requestsTo(h.server, 'token').length, 0);
});

test('rfc8707:2:invalid-target rfc8628:3.5:stop-on-other-error invalid_target on a poll ends polling after that one response, on real HTTP', async () => {
  const lb = await loopback('basic');
  try {
    const device = await initiateDeviceAuthorization(lb.config, { resource: A });
    // The token request names a resource the grant does not cover: the server answers invalid_target.
    await assert.rejects(pollDeviceAuthorizationGrant(lb.config, device, { resource: 'https://other.example/' }), (error: unknown) => {
      assert.ok(error instanceof ResponseBodyError);
      assert.equal(error.error, 'invalid_target');
      assert.equal(error.status, 400);
      return true;
    });
    assert.equal(requestsTo(lb.server, 'token').length, 1);
    assert.equal(lb.server.grants.get(device.device_code)?.status, 'pending');
  } finally {
    await lb.close();
  }
});
