// Aborting a poll (dg:compat:abort-codes, dg:polling:abort-immediate) and one poll per device_code at a
// time (dg:polling:single-flight). Fake clock, except where the driver's own timers are the subject:
// those use real time with a 100 ms tolerance on upper bounds of a few ms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, ResponseBodyError, initiateDeviceAuthorization, pollDeviceAuthorizationGrant, type PollingState } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import {
  DEVICE_CODE,
  T0,
  initiate,
  networkError,
  oauthError,
  pending,
  run,
  script,
  tokenResponse,
  type TokenReply,
} from '../support/polling-side.js';
import { neverSettles } from '../support/never-answers.js';

const S = 1000;

test('dg:compat:abort-codes an abort gives OAUTH_ABORT with the reason as cause; a TimeoutError reason gives OAUTH_TIMEOUT', async () => {
  const reasons: Array<[unknown, string]> = [
    [new Error('user pressed cancel'), 'OAUTH_ABORT'],
    ['a string reason', 'OAUTH_ABORT'],
    [new DOMException('gave up', 'TimeoutError'), 'OAUTH_TIMEOUT'],
  ];
  for (const [index, [reason, code]] of reasons.entries()) {
    // In the wait (a fake clock that only moves when told to) …
    const clock = createFakeClock({ start: T0 });
    const s = script([], { clock });
    const device = await initiate(s);
    const controller = new AbortController();
    const polling = run(s, device, { signal: controller.signal });
    await clock.advance(2 * S);
    controller.abort(reason);
    const waited = await polling;
    assert.ok(waited.error instanceof ClientError, String(reason));
    assert.equal(waited.error.code, code);
    assert.equal((waited.error as Error & { cause?: unknown }).cause, reason);
    assert.equal(s.tokenCalls.length, 0);
    // … and in the request.
    let release!: () => void;
    const sent = new Promise<void>((resolve) => (release = resolve));
    // A fetch that never settles holds its device_code for the whole process (dg:polling:single-flight): each has its own.
    const s2 = script([() => (release(), neverSettles())], { device: { device_code: `never-settles-${index}` } });
    const device2 = await initiate(s2);
    const controller2 = new AbortController();
    const polling2 = run(s2, device2, { signal: controller2.signal });
    await sent;
    controller2.abort(reason);
    const requesting = await polling2;
    assert.ok(requesting.error instanceof ClientError);
    assert.equal(requesting.error.code, code);
    assert.equal((requesting.error as Error & { cause?: unknown }).cause, reason);
  }
  // Without a reason the platform's AbortError is the cause.
  const s3 = script([], { clock: createFakeClock({ start: T0 }) });
  const controller3 = new AbortController();
  const polling3 = run(s3, await initiate(s3), { signal: controller3.signal });
  controller3.abort();
  const plain = await polling3;
  assert.equal((plain.error as ClientError).code, 'OAUTH_ABORT');
  assert.equal(((plain.error as Error).cause as Error).name, 'AbortError');
});

test('dg:polling:abort-immediate aborting ends the real wait at once, not when the interval runs out', async () => {
  const s = script([]);
  const device = await initiateDeviceAuthorization(s.config); // real clock
  const controller = new AbortController();
  let abortedAt = 0;
  const polling = pollDeviceAuthorizationGrant(s.config, device, undefined, { signal: controller.signal });
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort(new Error('stop'));
  }, 20);
  await assert.rejects(polling, (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_ABORT');
  const latency = performance.now() - abortedAt;
  // The interval is 5 s; the rejection follows the abort at once. Tolerance: 100 ms.
  assert.ok(abortedAt > 0 && latency < 100, `${latency} ms`);
  assert.equal(s.tokenCalls.length, 0);
});

test('dg:polling:abort-immediate aborting ends a request in flight at once, even when fetch ignores the signal, and nothing is sent afterwards', async () => {
  let release!: () => void;
  const sent = new Promise<void>((resolve) => (release = resolve));
  // A fetch that never settles holds its device_code for the whole process (dg:polling:single-flight): its own here.
  const s = script([() => (release(), neverSettles())], { device: { device_code: 'never-settles-request' } });
  const device = await initiate(s);
  const controller = new AbortController();
  const polling = run(s, device, { signal: controller.signal });
  await sent;
  const started = performance.now();
  controller.abort();
  const result = await polling;
  assert.ok(performance.now() - started < 100);
  assert.equal((result.error as ClientError).code, 'OAUTH_ABORT');
  await s.clock.sleep(60 * S);
  assert.equal(s.tokenCalls.length, 1);
});

test('dg:polling:abort-immediate an already aborted signal sends nothing; a sleep that fails for another reason passes its error through', async () => {
  const s = script([]);
  const device = await initiate(s);
  const result = await run(s, device, { signal: AbortSignal.abort(new Error('before')) });
  assert.equal((result.error as ClientError).code, 'OAUTH_ABORT');
  assert.equal(s.tokenCalls.length, 0);
  const broken = new Error('sleep broke');
  const failed = await run(s, device, { sleep: () => Promise.reject(broken) });
  assert.equal(failed.error, broken);
  const withSignal = await run(s, device, { sleep: () => Promise.reject(broken), signal: new AbortController().signal });
  assert.equal(withSignal.error, broken);
  const thrown = await run(s, device, {
    sleep: () => {
      throw broken; // not even a promise: still the caller's error, not a raw TypeError
    },
    signal: new AbortController().signal,
  });
  assert.equal(thrown.error, broken);
  assert.equal(s.tokenCalls.length, 0);
});

test('dg:polling:single-flight a second concurrent poll of the same device_code is refused with OAUTH_INVALID_STATE; the first is unaffected', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let gate!: () => void;
  const opened = new Promise<void>((resolve) => (gate = resolve));
  const counted = (reply: () => Response | Promise<Response>): TokenReply => async () => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await reply();
    } finally {
      inFlight -= 1;
    }
  };
  const s = script([counted(networkError), counted(() => pending()), counted(async () => (await opened, tokenResponse()))]);
  const device = await initiate(s);
  const first = run(s, device);
  // Wait until the first flow is inside its third request (held by the gate).
  for (let i = 0; i < 1000 && s.tokenCalls.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.equal(s.tokenCalls.length, 3);
  const second = await run(s, device);
  assert.equal((second.error as ClientError).code, 'OAUTH_INVALID_STATE');
  const saved: PollingState = { v: 1, phase: 'waiting', device_code: DEVICE_CODE, interval: 5, deadline: T0 + 600 * S, wakeAt: T0, failures: 0, polls: 0, backoffCap: 60 };
  const resumed = await run(s, undefined, { resumeFrom: saved });
  assert.equal((resumed.error as ClientError).code, 'OAUTH_INVALID_STATE');
  assert.equal(s.tokenCalls.length, 3, 'the refused polls sent nothing');
  gate();
  const done = await first;
  assert.ok(done.token);
  assert.equal(maxInFlight, 1);
  // Once the first flow ended (success or failure), the device_code may be polled again.
  const again = await run(s, device);
  assert.ok(again.token);
  const s2 = script([oauthError('access_denied')]);
  const d2 = await initiate(s2);
  assert.ok((await run(s2, d2)).error instanceof ResponseBodyError);
  assert.ok((await run(s2, d2)).token);
});
