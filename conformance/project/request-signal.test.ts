// The signal handed to a custom fetch: reused across requests that settled on their own (a perf
// measure, dg:perf:cpu-per-poll), but never aborted when a request starts and never shared with
// a request it was aborted for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollDeviceAuthorizationGrant, type DeviceAuthorizationResponse } from '../../lib/index.js';
import { json, scriptedConfig } from '../support/harness.js';

test('dg:compat:request-signal a custom fetch never gets an aborted signal, a timed-out request\'s signal is never handed out again, and no signal serves more than 8 requests', async () => {
  const served = new Map<AbortSignal, number>();
  const { config, fetch } = scriptedConfig((_url, init, index) => {
    assert.equal(init.signal.aborted, false, `request ${index} got an aborted signal`);
    init.signal.addEventListener('abort', () => {}); // never removed, as a careless fetch would do
    served.set(init.signal, (served.get(init.signal) ?? 0) + 1);
    // Hangs until the request timeout aborts it (a fetch that ignored its signal would hold the
    // next poll back until it settled: dg:polling:single-flight).
    if (index === 0) return new Promise<Response>((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    return index < 20 ? json({ error: 'authorization_pending' }, 400) : json({ access_token: 'at', token_type: 'Bearer' });
  });
  config.timeout = 0.02; // real time: the first request times out after 20 ms
  let now = 0;
  const device: DeviceAuthorizationResponse = { device_code: 'dc-signal', user_code: 'U', verification_uri: 'https://as.example.test/device', expires_in: 3600, interval: 1 };
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  assert.equal(token.access_token, 'at');
  assert.equal(fetch.calls.length, 21);
  const first = fetch.calls[0]!.init.signal;
  assert.equal(first.aborted, true, 'the timed-out request was aborted');
  assert.equal(served.get(first), 1, 'an aborted signal is never handed out again');
  assert.ok(Math.max(...served.values()) <= 8, `a signal served ${Math.max(...served.values())} requests`);
  assert.ok(served.size >= 3, '20 settled requests need at least 3 signals');
  for (const call of fetch.calls.slice(1)) assert.equal(call.init.signal.aborted, false);
});
