// RFC 8707 §2.2: resource on the token request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initiateDeviceAuthorization } from '../../lib/index.js';
import { harness, pollUntilApproved } from '../support/harness.js';
import { loopback, loopbackFlow, requestsTo } from '../support/request-side.js';

const RESOURCES = ['https://api.example.com/', 'urn:example:files'];

test('rfc8707:2.2:token-request resource passed to the poll goes on every device_code token request, pending ones included', async () => {
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, { resource: RESOURCES }, { now: h.clock.now });
  h.server.forceSlowDown(1);
  const token = await pollUntilApproved(h, device, { parameters: { resource: RESOURCES }, approveAfter: 4 });
  assert.equal(typeof token.access_token, 'string');
  const tokens = requestsTo(h.server, 'token');
  assert.ok(tokens.length >= 4, String(tokens.length)); // slow_down, pending, pending, token
  for (const request of tokens) {
    assert.equal(new Map(request.form).get('grant_type'), 'urn:ietf:params:oauth:grant-type:device_code');
    assert.deepEqual(request.form.filter(([name]) => name === 'resource').map(([, value]) => value), RESOURCES);
  }
});

test('rfc8707:2.2:token-request on real HTTP the server issues the token for the resources named on the token request', async () => {
  const lb = await loopback('none');
  try {
    const { token } = await loopbackFlow(lb, { resource: RESOURCES }, { resource: RESOURCES.slice(0, 1) });
    assert.equal(typeof token.access_token, 'string');
    const tokens = requestsTo(lb.server, 'token');
    assert.ok(tokens.length >= 2);
    for (const request of tokens) assert.deepEqual(request.form.filter(([name]) => name === 'resource'), [['resource', RESOURCES[0]]]);
  } finally {
    await lb.close();
  }
});
