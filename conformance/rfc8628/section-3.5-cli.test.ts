// RFC 8628 §3.5 through the CLI, over real loopback HTTP against the conformance authorization
// server: access_denied ends the flow, and a slow_down shows in the countdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicArgs, run, startServer, userStream, DEVICE_CODE } from '../cli/support.js';
import { createFakeClock } from '../support/fake-clock.js';

test('rfc8628:3.5:stop-on-other-error dg:cli:exit-codes dg:cli:error-message access_denied exits 3 with the server\'s error on stderr and nothing on stdout', async (t) => {
  const srv = await startServer({ interval: 0.1, deviceCodeFactory: () => DEVICE_CODE });
  t.after(srv.close);
  const result = await run(publicArgs(srv.issuer), { stderr: userStream(srv.server, 'deny', 50) });
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /\nerror: Access denied: access_denied: .+\n$/);
  assert.ok(!result.stderr.includes(DEVICE_CODE));
});

test('rfc8628:3.5:slow-down dg:cli:countdown a forced slow_down shows the longer interval in force, then the flow completes (fake clock, real HTTP)', async (t) => {
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const srv = await startServer({ interval: 0.2, now: clock.now });
  t.after(srv.close);
  srv.server.forceSlowDown(1);
  let sleeps = 0;
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await clock.sleep(ms, signal);
    // Approve during the wait that follows the slow_down.
    if (++sleeps === 2) srv.server.approve([...srv.server.grants.values()][0]?.userCode ?? '');
  };
  const result = await run(publicArgs(srv.issuer), { now: clock.now, sleep });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('Waiting'));
  assert.deepEqual(lines, [
    'Waiting for approval: 10:00 left, interval 0.2 s',
    'Waiting for approval: 10:00 left, interval 5.2 s, polls: 1 (last: slow_down)',
  ]);
});
