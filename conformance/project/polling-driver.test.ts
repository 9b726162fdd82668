// The polling driver (lib/device/polling-driver.ts) over a scripted token endpoint and a fake clock: DESIGN.md
// "Polling semantics", the openid-client compatibility rows of the poll, and the "bad input while
// polling" list. Real time is used only where the driver's own timers are the subject, with a
// 100 ms tolerance on upper bounds of a few ms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  ResponseBodyError,
  customFetch,
  WWWAuthenticateChallengeError,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  type PollingState,
} from '../../lib/index.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { CLIENT_SECRET, deviceBody, json } from '../support/harness.js';
import {
  DEVICE_CODE,
  T0,
  errorText,
  gaps,
  initiate,
  networkError,
  oauthError,
  pending,
  raw,
  run,
  script,
  slowDown,
  spellings,
  tokenResponse,
  type RunResult,
  type TokenReply,
} from '../support/polling-side.js';

const S = 1000;
const MAX_TIMER = 2 ** 31 - 1;

/** Runs one flow: the device authorization response arrives at T0, then the driver polls. */
async function flow(replies: TokenReply[], device: Record<string, unknown> = {}, fallback?: TokenReply): Promise<RunResult & { times: number[] }> {
  const s = script(replies, { device, ...(fallback === undefined ? {} : { fallback }) });
  const response = await initiate(s);
  const result = await run(s, response);
  return { ...result, times: s.tokenCalls.map((c) => c.time) };
}

const typed = (error: unknown): boolean =>
  error instanceof Error && !(error instanceof TypeError) && typeof (error as { code?: unknown }).code === 'string';

// ---- openid-client compatibility ----------------------------------------------------------

test('dg:compat:poll-signature pollDeviceAuthorizationGrant(config, response, parameters, options) sends the parameters on every token request', async () => {
  for (const parameters of [
    { resource: ['https://api.example/a', 'https://api.example/b'], audience: 'x y' },
    new URLSearchParams([['resource', 'https://api.example/a'], ['resource', 'https://api.example/b'], ['audience', 'x y']]),
  ]) {
    const s = script([pending(), slowDown(), tokenResponse()]);
    const device = await initiate(s);
    const result = await run(s, device, { signal: new AbortController().signal }, parameters);
    assert.equal(result.token?.access_token, 'at-secret-0001');
    assert.equal(s.tokenCalls.length, 3);
    for (const call of s.tokenCalls) {
      assert.deepEqual(call.form.getAll('resource'), ['https://api.example/a', 'https://api.example/b']);
      assert.equal(call.form.get('audience'), 'x y');
      assert.equal(call.form.get('device_code'), DEVICE_CODE);
      assert.equal(call.init.method, 'POST');
    }
  }
});

test('dg:compat:poll-signature a bad response argument is a TypeError with ERR_INVALID_ARG_* before any request; a response built by hand counts from the call', async () => {
  const s = script([]);
  const bad: Array<[unknown, string]> = [
    [null, 'ERR_INVALID_ARG_TYPE'],
    ['x', 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), device_code: '' }, 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), device_code: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ ...deviceBody(), expires_in: 0 }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), expires_in: '600' }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), expires_in: Number.POSITIVE_INFINITY }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), interval: -1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ ...deviceBody(), interval: Number.NaN }, 'ERR_INVALID_ARG_VALUE'],
  ];
  for (const [response, code] of bad) {
    await assert.rejects(
      pollDeviceAuthorizationGrant(s.config, response as never, undefined, { now: s.clock.now, sleep: s.clock.sleep }),
      (error: unknown) => error instanceof TypeError && (error as TypeError & { code: string }).code === code,
      JSON.stringify(response),
    );
  }
  assert.equal(s.tokenCalls.length, 0);
  // Not from initiateDeviceAuthorization: no recorded arrival, so the lifetime counts from the poll call.
  const clock = createFakeClock({ autoAdvance: true, start: T0 + 42 * S });
  const s2 = script([pending()], { clock });
  const result = await run(s2, deviceBody({ interval: 5, expires_in: 600 }) as never);
  assert.ok(result.token);
  assert.deepEqual(s2.tokenCalls.map((c) => c.time - T0), [47 * S, 52 * S]);
});

test('dg:compat:dpop-unsupported options.DPoP throws OAUTH_UNSUPPORTED_OPERATION before any request, in poll and in resume', async () => {
  const s = script([tokenResponse()]);
  const device = await initiate(s);
  for (const DPoP of [{}, null, 'handle']) {
    const result = await run(s, device, { DPoP });
    assert.ok(result.error instanceof ClientError);
    assert.equal(result.error.code, 'OAUTH_UNSUPPORTED_OPERATION');
    assert.equal(result.sleeps.length, 0);
    const state: PollingState = { v: 1, phase: 'waiting', device_code: DEVICE_CODE, interval: 5, deadline: T0 + 600 * S, wakeAt: T0, failures: 0, polls: 0, backoffCap: 60 };
    const resumed = await run(s, undefined, { DPoP, resumeFrom: state });
    assert.equal((resumed.error as ClientError).code, 'OAUTH_UNSUPPORTED_OPERATION');
  }
  assert.equal(s.tokenCalls.length, 0);
});

test('dg:compat:abort-codes an abort gives OAUTH_ABORT with the reason as cause; a TimeoutError reason gives OAUTH_TIMEOUT', async () => {
  const reasons: Array<[unknown, string]> = [
    [new Error('user pressed cancel'), 'OAUTH_ABORT'],
    ['a string reason', 'OAUTH_ABORT'],
    [new DOMException('gave up', 'TimeoutError'), 'OAUTH_TIMEOUT'],
  ];
  for (const [reason, code] of reasons) {
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
    const s2 = script([() => (release(), new Promise<Response>(() => {}))]);
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

// ---- abort, single flight ------------------------------------------------------------------

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
  const s = script([() => (release(), new Promise<Response>(() => {}))]);
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

// ---- timing through the driver -------------------------------------------------------------

test('dg:polling:first-poll-waits rfc8628:3.2:interval-minimum through the driver: the first request waits one interval, later ones at least the interval', async () => {
  const { times } = await flow([pending(), pending(), pending(), tokenResponse()], { interval: 7 });
  assert.deepEqual(times.map((t) => t - T0), [7 * S, 14 * S, 21 * S, 28 * S]);
});

test('dg:polling:interval-from-response through the driver: a slow answer pushes the next request back by its latency', async () => {
  const late = (reply: () => Response, ms: number): TokenReply => async ({ clock }) => {
    await clock.sleep(ms);
    return reply();
  };
  const { times, token } = await flow([late(pending, 3 * S), late(pending, 1 * S), late(tokenResponse, 0)]);
  assert.ok(token);
  assert.deepEqual(times.map((t) => t - T0), [5 * S, 13 * S, 19 * S]);
});

test('dg:polling:fractional-interval through the driver: interval 0.05 gives requests 50 ms apart', async () => {
  const { times, sleeps } = await flow([pending(), pending(), tokenResponse()], { interval: 0.05 });
  const offsets = times.map((t) => t - T0);
  assert.equal(offsets.length, 3);
  offsets.forEach((offset, i) => assert.ok(Math.abs(offset - 50 * (i + 1)) < 1e-6, offsets.join()));
  assert.ok(sleeps.every((ms) => Math.abs(ms - 50) < 1e-6), sleeps.join());
});

test('dg:polling:long-sleep-split a poller clock 60 days behind the arrival time makes a wait longer than 2^31−1 ms: it is slept in pieces, the request still goes exactly on time, and onPoll reports each wait once', async () => {
  // Lifetimes are capped at 24 h (dg:polling:expires-in-cap), so only a clock set back makes a wait this long.
  const interval = 3600;
  const back = 60 * 24 * 3600 * S;
  const clock = createFakeClock({ autoAdvance: true, start: T0 });
  const s = script([pending(), tokenResponse()], { clock, device: { interval, expires_in: 86_400 } });
  const device = await initiate(s); // arrives at T0 on the true clock; the poller's clock is 60 days behind
  const { sleeps, token, events } = await run(s, device, { now: () => clock.now() - back });
  assert.ok(token);
  assert.ok(sleeps.length >= 3, sleeps.join());
  assert.ok(sleeps.every((ms) => ms >= 0 && ms <= MAX_TIMER), sleeps.join());
  assert.ok(sleeps.filter((ms) => ms === MAX_TIMER).length >= 2, sleeps.join());
  assert.deepEqual(events.map((e) => [e.attempt, e.nextPollAt - T0]), [
    [0, interval * S],
    [1, 2 * interval * S],
  ]);
});

test('dg:polling:clock-backwards through the driver: a clock that jumps back after a sleep makes the driver sleep again, never poll early, and onPoll still reports each wait once', async () => {
  let time = T0;
  let jumps = 0;
  const clock = {
    now: () => time,
    sleep: async (ms: number) => {
      time += ms;
      if (jumps < 3) {
        jumps += 1;
        time -= 4 * S; // the wall clock is set back
      }
    },
  } as unknown as FakeClock;
  const s = script([pending(), tokenResponse()], { clock });
  const device = await initiate(s);
  const result = await run(s, device);
  assert.ok(result.token);
  assert.deepEqual(s.tokenCalls.map((c) => c.time - T0), [5 * S, 10 * S]);
  assert.deepEqual(result.sleeps.slice(0, 4), [5 * S, 4 * S, 4 * S, 4 * S]);
  // The first wait's timer fired early three times (four sleeps), the second wait slept once:
  // two waits, so two onPoll events.
  assert.equal(result.sleeps.length, 5, result.sleeps.join());
  assert.deepEqual(
    result.events.map((e) => [e.attempt, e.nextPollAt - T0]),
    [
      [0, 5 * S],
      [1, 10 * S],
    ],
    `${result.events.length} onPoll events for ${result.sleeps.length} sleeps`,
  );
});

test('dg:polling:deadline-from-arrival through the driver: polling that starts 300 s late still stops 600 s after the response arrived', async () => {
  const s = script([], { fallback: () => pending() });
  const device = await initiate(s);
  await s.clock.sleep(300 * S);
  const result = await run(s, device);
  assert.equal((result.error as ClientError).code, 'OAUTH_TIMEOUT');
  assert.equal(result.end, T0 + 600 * S);
  assert.equal(s.tokenCalls[0]!.time, T0 + 300 * S);
  assert.ok(s.tokenCalls.every((c) => c.time < T0 + 600 * S));
  assert.equal(s.tokenCalls.length, 60);
});

test('dg:compat:local-expiry-error rfc8628:3.3:stop-at-expiry reaching the deadline gives ClientError OAUTH_TIMEOUT with error expired_token, and no request at the deadline', async () => {
  const { error, times, end, states } = await flow([], { interval: 5, expires_in: 15 }, () => pending());
  assert.ok(error instanceof ClientError);
  assert.equal(error.code, 'OAUTH_TIMEOUT');
  assert.equal(error.error, 'expired_token');
  assert.deepEqual(times.map((t) => t - T0), [5 * S, 10 * S]);
  assert.equal(end, T0 + 15 * S);
  assert.equal(states.at(-1)?.phase, 'failed');
  assert.doesNotMatch(errorText(error), /dc\+/);
});

test('dg:polling:no-request-after-deadline a request in flight when the deadline passes may finish, and its token is returned', async () => {
  const late = (reply: () => Response): TokenReply => async ({ clock }) => {
    await clock.sleep(5 * S);
    return reply();
  };
  const won = await flow([pending(), late(() => tokenResponse())], { interval: 4, expires_in: 10 });
  assert.equal(won.token?.access_token, 'at-secret-0001');
  assert.deepEqual(won.times.map((t) => t - T0), [4 * S, 8 * S]);
  assert.equal(won.end, T0 + 13 * S);
  // A pending answer after the deadline ends the flow without another request.
  const lost = await flow([pending(), late(pending)], { interval: 4, expires_in: 10 }, () => tokenResponse());
  assert.equal((lost.error as ClientError).code, 'OAUTH_TIMEOUT');
  assert.equal((lost.error as ClientError).error, 'expired_token');
  assert.equal(lost.times.length, 2);
});

test('dg:polling:sleep-clamp no sleep runs past the deadline: an enormous Retry-After or slow_down interval ends the flow exactly at the deadline', async () => {
  const cases: TokenReply[] = [
    () => raw(503, 'busy', { 'retry-after': '99999999999999999999' }),
    () => pending({ 'retry-after': '86400' }),
    () => slowDown({ interval: 1e308 }),
    () => json({ error: 'slow_down', interval: 86400 }, 429),
  ];
  for (const reply of cases) {
    const { error, times, end, sleeps, states } = await flow([reply], { interval: 5, expires_in: 60 }, () => tokenResponse());
    assert.equal((error as ClientError).code, 'OAUTH_TIMEOUT');
    assert.equal(times.length, 1);
    assert.equal(end, T0 + 60 * S);
    assert.deepEqual(sleeps, [5 * S, 55 * S]);
    for (const state of states) assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  }
});

test('rfc8628:3.2:interval-default through the driver: a response without interval polls every 5 s', async () => {
  const { times } = await flow([pending(), pending(), tokenResponse()], { interval: undefined });
  assert.deepEqual(times.map((t) => t - T0), [5 * S, 10 * S, 15 * S]);
});

test('rfc8628:3.5:slow-down dg:polling:slow-down-server-interval over the wire: slow_down adds 5 s cumulatively; a larger interval (number or strict string) wins; a malformed one is ignored', async () => {
  const added = await flow([slowDown(), pending(), slowDown(), pending(), tokenResponse()]);
  assert.deepEqual(gaps(added.times).map((ms) => ms / S), [10, 10, 15, 15]);
  for (const interval of [30, '30', 30.5]) {
    const larger = await flow([slowDown({ interval }), pending(), tokenResponse()]);
    assert.deepEqual(gaps(larger.times).map((ms) => ms / S), [Number(interval), Number(interval)], String(interval));
  }
  for (const interval of [-1, 0, 'NaN', '5abc', '1e3', '', true, null, { n: 30 }]) {
    const ignored = await flow([slowDown({ interval }), tokenResponse()]);
    assert.deepEqual(gaps(ignored.times), [10 * S], JSON.stringify(interval));
  }
  const infinite = await flow([raw(400, '{"error":"slow_down","interval":1e400}', { 'content-type': 'application/json' }), tokenResponse()]);
  assert.deepEqual(gaps(infinite.times), [10 * S]);
});

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval over the wire: pending answers (400, 200 and 5xx alike) lead to another request after exactly the interval in force', async () => {
  const { times, token } = await flow([
    pending(),
    json({ error: 'authorization_pending' }, 200),
    json({ error: 'authorization_pending' }, 503),
    slowDown(),
    pending(),
    tokenResponse(),
  ]);
  assert.ok(token);
  assert.deepEqual(gaps(times).map((ms) => ms / S), [5, 5, 5, 10, 10]);
});

// ---- Retry-After ---------------------------------------------------------------------------

test('dg:polling:retry-after Retry-After in seconds or as an IMF-fixdate lengthens the wait on pending, slow_down, 429 and 503', async () => {
  const firstAt = T0 + 5 * S;
  const cases: Array<[TokenReply, number]> = [
    [pending({ 'retry-after': '12' }), 12],
    [pending({ 'retry-after': '2' }), 5],
    [raw(429, '', { 'retry-after': '30' }), 30],
    [raw(429, '', { 'retry-after': '3' }), 10],
    [raw(503, 'busy', { 'retry-after': ' 25 ' }), 25],
    [raw(503, 'busy', { 'retry-after': new Date(firstAt + 20 * S).toUTCString() }), 20],
    [raw(503, 'busy', { 'retry-after': new Date(firstAt - 3600 * S).toUTCString() }), 10],
    [json({ error: 'authorization_pending' }, 503, { 'retry-after': '40' }), 40],
    // slow_down: the interval becomes 10 s; a longer Retry-After wins, a shorter one does not.
    [json({ error: 'slow_down' }, 400, { 'retry-after': '33' }), 33],
    [json({ error: 'slow_down' }, 400, { 'retry-after': '4' }), 10],
  ];
  for (const [reply, seconds] of cases) {
    const { times } = await flow([reply, tokenResponse()]);
    assert.deepEqual(gaps(times), [seconds * S], `${seconds}`);
  }
});

test('dg:polling:retry-after a garbage Retry-After is ignored and the computed wait stands', async () => {
  for (const value of ['soon', '-5', '1.5', '5abc', '0x10', '1e3', 'Thu, 01 Jan 2026 00:00:20 UTC', 'Thursday, 01-Jan-26 00:00:20 GMT', 'Xyz, 99 Foo 2026 99:99:99 GMT']) {
    const { times } = await flow([raw(503, 'busy', { 'retry-after': value }), tokenResponse()]);
    assert.deepEqual(gaps(times), [10 * S], value);
  }
});

// ---- what is transient -----------------------------------------------------------------------

function hugeStream(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

test('dg:polling:transient-classes network errors, request timeouts, 408, 429, 5xx (any body), 200 pages that are not JSON and oversized bodies are retried after 2·interval', async () => {
  const J = { 'content-type': 'application/json' };
  const cases: Array<[string, TokenReply]> = [
    ['network error', networkError],
    ['408', raw(408, 'timeout', { 'content-type': 'text/plain' })],
    ['429 empty', raw(429, null)],
    ['500 JSON', json({ error: 'server_error', error_description: 'oops' }, 500)],
    ['500 JSON access_denied', json({ error: 'access_denied' }, 500)],
    ['502 HTML', raw(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' })],
    ['503 text', raw(503, 'Service Unavailable')],
    ['504 empty', raw(504, null)],
    ['599', raw(599, 'x')],
    ['200 captive portal', raw(200, '<html>Sign in to the Wi-Fi</html>', { 'content-type': 'text/html' })],
    ['200 truncated JSON', raw(200, '{"access_token":"at","tok', J)],
    ['200 too large (Content-Length)', raw(200, '{}', { ...J, 'content-length': String(2 * 1024 * 1024) })],
    ['200 too large (streamed)', () => new Response(hugeStream(1024 * 1024 + 1), { status: 200, headers: J })],
  ];
  for (const [name, reply] of cases) {
    const { times, token, error, events } = await flow([reply, tokenResponse()]);
    assert.equal(error, undefined, `${name}: ${String(error)}`);
    assert.ok(token, name);
    assert.deepEqual(gaps(times), [10 * S], name);
    assert.equal(events[1]?.lastOutcome, 'transient', name);
  }
});

test('dg:tolerance:token-body-json a token served with a wrong or missing Content-Type is returned at once, never retried', async () => {
  for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'text/html; charset=utf-8' }]) {
    const { times, token, error } = await flow([raw(200, '{"access_token":"at","token_type":"Bearer"}', headers)]);
    assert.equal(error, undefined, String(error));
    assert.equal(token?.access_token, 'at');
    assert.equal(token?.token_type, 'bearer');
    assert.equal(times.length, 1, 'exactly one token request: a retry would redeem the device_code twice');
  }
});

test('dg:polling:transient-classes rfc8628:3.5:timeout-backoff a real request timeout (config.timeout) is transient and the retry waits 2·interval', async () => {
  const hang: TokenReply = ({ init }) =>
    new Promise<Response>((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true }));
  const s = script([hang, hang, tokenResponse()]);
  s.config.timeout = 0.05;
  const device = await initiate(s);
  const result = await run(s, device);
  assert.ok(result.token, String(result.error));
  assert.deepEqual(gaps(s.tokenCalls.map((c) => c.time)).map((ms) => ms / S), [10, 20]);
});

test('dg:polling:transient-backoff dg:polling:backoff-reset through the driver: 2I, 4I, 8I … capped, reset by a pending answer, cap configurable', async () => {
  const { times } = await flow(
    [networkError, networkError, networkError, networkError, networkError, pending(), networkError, tokenResponse()],
    { expires_in: 3600 },
  );
  assert.deepEqual(gaps(times).map((ms) => ms / S), [10, 20, 40, 60, 60, 5, 10]);
  const s = script([networkError, networkError, networkError, tokenResponse()], { device: { expires_in: 3600 } });
  const result = await run(s, await initiate(s), { backoffCap: 12 });
  assert.ok(result.token);
  assert.deepEqual(gaps(s.tokenCalls.map((c) => c.time)).map((ms) => ms / S), [10, 12, 12]);
});

// ---- what ends polling -----------------------------------------------------------------------

test('rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error every other error code ends polling after exactly one request, with error, error_description and error_uri intact', async () => {
  const codes: Array<[string, number]> = [
    ['access_denied', 400],
    ['expired_token', 400],
    ['invalid_grant', 400],
    ['invalid_client', 401],
    ['unauthorized_client', 400],
    ['unsupported_grant_type', 400],
    ['invalid_scope', 400],
    ['invalid_target', 400],
    ['invalid_request', 400],
    ['Authorization_Pending', 400],
    ['SLOW_DOWN', 400],
    ['vendor_x', 400],
    ['access_denied', 200],
    ['vendor_x', 403],
  ];
  for (const [code, status] of codes) {
    const extra = { error_description: `because ${code}`, error_uri: `https://as.example.test/errors/${code}` };
    const result = await flow([oauthError(code, status, extra)], {}, () => tokenResponse());
    assert.equal(result.times.length, 1, code);
    assert.ok(result.error instanceof ResponseBodyError, code);
    assert.equal(result.error.code, 'OAUTH_RESPONSE_BODY_ERROR');
    assert.equal(result.error.error, code);
    assert.equal(result.error.error_description, `because ${code}`);
    assert.equal(result.error.error_uri, `https://as.example.test/errors/${code}`);
    assert.equal(result.error.status, status);
    assert.deepEqual(result.error.cause, { error: code, ...extra });
    assert.equal(result.states.at(-1)?.phase, 'failed');
  }
});

test('rfc8628:3.5:stop-on-other-error a 401 invalid_client with a WWW-Authenticate challenge ends polling with WWWAuthenticateChallengeError', async () => {
  const reply = json({ error: 'invalid_client', error_description: 'bad secret' }, 401, { 'www-authenticate': 'Basic realm="as", error="invalid_client"' });
  const result = await flow([reply], {}, () => tokenResponse());
  assert.ok(result.error instanceof WWWAuthenticateChallengeError);
  assert.equal(result.error.error, 'invalid_client');
  assert.equal(result.error.error_description, 'bad secret');
  assert.equal(result.error.status, 401);
  assert.equal(result.times.length, 1);
});

test('dg:polling:terminal-classes dg:security:no-redirects a 3xx, a 4xx without an OAuth body, and a 200 that is not a valid token end polling with a typed error after one request, never a raw TypeError', async () => {
  const J = { 'content-type': 'application/json' };
  const cases: Array<[string, TokenReply, string]> = [
    ['302', raw(302, null, { location: 'https://evil.example/' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['303', raw(303, null, { location: '/token' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 text', raw(400, 'Bad Request', { 'content-type': 'text/plain' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['404 HTML', raw(404, '<html>Not Found</html>', { 'content-type': 'text/html' }), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 truncated JSON', raw(400, '{"error":"authoriz', J), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 JSON array', raw(400, '["authorization_pending"]', J), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['400 error is a number', json({ error: 42 }, 400), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    ['200 JSON array', raw(200, '[{"access_token":"at"}]', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON string', raw(200, '"at"', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 JSON null', raw(200, 'null', J), 'OAUTH_INVALID_RESPONSE'],
    ['200 error is a number', json({ error: 42, access_token: 'at', token_type: 'bearer' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 error is an object', json({ error: { code: 'authorization_pending' } }), 'OAUTH_INVALID_RESPONSE'],
    ['200 empty object', json({}), 'OAUTH_INVALID_RESPONSE'],
    ['200 without access_token', json({ token_type: 'bearer', expires_in: 60 }), 'OAUTH_INVALID_RESPONSE'],
    ['200 access_token not a string', json({ access_token: 5, token_type: 'bearer' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 without token_type', json({ access_token: 'at' }), 'OAUTH_INVALID_RESPONSE'],
    ['200 unknown token_type', json({ access_token: 'at', token_type: 'mac' }), 'OAUTH_UNSUPPORTED_TOKEN_TYPE'],
    ['200 refresh_token not a string', json({ access_token: 'at', token_type: 'bearer', refresh_token: 1 }), 'OAUTH_INVALID_RESPONSE'],
    ['200 scope not a string', json({ access_token: 'at', token_type: 'bearer', scope: ['a'] }), 'OAUTH_INVALID_RESPONSE'],
    ['200 __proto__', raw(200, '{"access_token":"at","token_type":"bearer","__proto__":{"x":1}}', J), 'OAUTH_INVALID_RESPONSE'],
    ['fetch resolved to a non-Response', (() => ({ status: 200 }) as unknown as Response), 'OAUTH_INVALID_RESPONSE'],
  ];
  for (const value of [-1, 'NaN', '1e3', '5abc', '', ' 5', true, null, [60]]) {
    cases.push([`expires_in ${JSON.stringify(value)}`, json({ access_token: 'at', token_type: 'bearer', expires_in: value }), 'OAUTH_INVALID_RESPONSE']);
  }
  cases.push(['expires_in 1e400', raw(200, '{"access_token":"at","token_type":"bearer","expires_in":1e400}', J), 'OAUTH_INVALID_RESPONSE']);
  for (const [name, reply, code] of cases) {
    const { error, times } = await flow([reply], {}, () => tokenResponse());
    assert.ok(typed(error), `${name}: ${String(error)}`);
    assert.equal((error as ClientError).code, code, name);
    assert.equal(times.length, 1, name);
  }
});

test('dg:polling:terminal-classes a failure that is not the server\'s (a ClientAuth that throws) ends polling at once with that error, without a retry', async () => {
  const s = script([pending()]);
  const device = await initiate(s);
  const broken = new Error('the key store is locked');
  let calls = 0;
  const config = new Configuration(s.config.serverMetadata(), 'client', undefined, () => {
    calls += 1;
    if (calls > 1) throw broken;
  });
  config[customFetch] = s.config[customFetch];
  const result = await run({ ...s, config }, device);
  assert.equal(result.error, broken);
  assert.equal(calls, 2);
  assert.equal(s.tokenCalls.length, 1);
});

test('dg:compat:client-auth-every-request a ClientAuth that appends a fresh client_assertion each time: every token request carries exactly one, and no two are the same', async () => {
  const s = script([pending(), slowDown(), networkError, pending(), tokenResponse()]);
  const device = await initiate(s);
  let n = 0;
  // append, not set: a body reused from one request to the next would pile the assertions up.
  const config = new Configuration(s.config.serverMetadata(), 'client', undefined, (_as, client, body) => {
    n += 1;
    body.append('client_id', client.client_id);
    body.append('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.append('client_assertion', 'a' + n);
  });
  config[customFetch] = s.config[customFetch];
  const result = await run({ ...s, config }, device);
  assert.ok(result.token, String(result.error));
  assert.equal(s.tokenCalls.length, 5);
  assert.equal(n, 5);
  const assertions = s.tokenCalls.map((c) => c.form.getAll('client_assertion'));
  assert.deepEqual(assertions, [['a1'], ['a2'], ['a3'], ['a4'], ['a5']]);
  assert.equal(new Set(assertions.flat()).size, s.tokenCalls.length, 'all different');
  for (const call of s.tokenCalls) {
    assert.deepEqual(call.form.getAll('client_id'), ['client']);
    assert.deepEqual(call.form.getAll('client_assertion_type'), ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer']);
    assert.deepEqual(call.form.getAll('device_code'), [DEVICE_CODE]);
    assert.deepEqual(call.form.getAll('grant_type'), ['urn:ietf:params:oauth:grant-type:device_code']);
  }
});

test('dg:tolerance:error-in-200 dg:tolerance:numeric-strings a 200 carrying an OAuth error is that error; strict numeric strings in a token response are numbers', async () => {
  const pendingIn200 = await flow([json({ error: 'authorization_pending' }), json({ error: 'slow_down' }), tokenResponse()]);
  assert.deepEqual(gaps(pendingIn200.times).map((ms) => ms / S), [5, 10]);
  const denied = await flow([json({ error: 'access_denied', access_token: 'at', token_type: 'bearer' })]);
  assert.equal((denied.error as ResponseBodyError).error, 'access_denied');
  const numeric = await flow([tokenResponse({ expires_in: '3600' })]);
  assert.equal(numeric.token?.expires_in, 3600);
  assert.equal(numeric.token?.expiresIn(), 3600);
});

test('dg:security:secret-redaction dg:security:echoed-secret-redaction no polling error shows the device_code, client_secret or tokens, even when the server echoes them', async () => {
  // The server echoes what the client sent (device_code, client_secret); tokens appear only in
  // token responses that the client then rejects.
  const secrets = [DEVICE_CODE, CLIENT_SECRET, 'at-secret-0001', 'rt-secret-0002'];
  const echo = [DEVICE_CODE, CLIENT_SECRET].flatMap(spellings).join(' | ');
  const replies: Array<[string, TokenReply]> = [
    ['error_description echo', oauthError('invalid_grant', 400, { error_description: `unknown device_code ${echo}`, error_uri: `https://as.example.test/e?dc=${encodeURIComponent(DEVICE_CODE)}` })],
    ['error is the device_code', oauthError(DEVICE_CODE, 400)],
    ['text echo', raw(400, `bad request: ${echo}`, { 'content-type': 'text/plain' })],
    ['200 with error echo', json({ error: 'access_denied', error_description: echo, device_code: DEVICE_CODE })],
    ['unknown token_type', tokenResponse({ access_token: 'at-secret-0001', refresh_token: 'rt-secret-0002', token_type: 'mac' })],
    ['bad refresh_token type', json({ access_token: 'at-secret-0001', token_type: 'bearer', refresh_token: ['rt-secret-0002'] })],
    ['401 challenge echo', json({ error: 'invalid_client', error_description: echo }, 401, { 'www-authenticate': `Basic realm="${DEVICE_CODE.replace(/ /g, '')}", error="invalid_client", error_description="${encodeURIComponent(CLIENT_SECRET)}"` })],
  ];
  for (const [name, reply] of replies) {
    const s = script([reply], { auth: 'post', fallback: () => tokenResponse() });
    const result = await run(s, await initiate(s));
    assert.ok(typed(result.error), name);
    const text = errorText(result.error);
    for (const secret of secrets) for (const spelling of spellings(secret)) assert.ok(!text.includes(spelling), `${name} leaks ${spelling}: ${text}`);
  }
  // A transient answer that echoes secrets becomes the cause of the local expiry error.
  const s = script([], { auth: 'post', device: { expires_in: 20 }, fallback: () => json({ error: 'temporarily_unavailable', error_description: echo }, 503) });
  const result = await run(s, await initiate(s));
  assert.equal((result.error as ClientError).code, 'OAUTH_TIMEOUT');
  const text = errorText(result.error) + errorText((result.error as Error).cause);
  for (const secret of secrets) for (const spelling of spellings(secret)) assert.ok(!text.includes(spelling), `expiry leaks ${spelling}`);
});

// ---- hooks and results -----------------------------------------------------------------------

test('dg:security:onpoll-no-device-code onPoll gets attempt, interval, remaining, nextPollAt and lastOutcome, and never the device_code', async () => {
  const { events, token } = await flow([pending(), slowDown(), networkError, tokenResponse()]);
  assert.ok(token);
  assert.deepEqual(events, [
    { attempt: 0, interval: 5, remaining: 600, nextPollAt: T0 + 5 * S },
    { attempt: 1, interval: 5, remaining: 595, nextPollAt: T0 + 10 * S, lastOutcome: 'pending' },
    { attempt: 2, interval: 10, remaining: 590, nextPollAt: T0 + 20 * S, lastOutcome: 'slow_down' },
    { attempt: 3, interval: 10, remaining: 580, nextPollAt: T0 + 40 * S, lastOutcome: 'transient' },
  ]);
  for (const event of events) {
    const text = JSON.stringify(event) + Object.values(event).map(String).join();
    for (const spelling of spellings(DEVICE_CODE)) assert.ok(!text.includes(spelling));
    assert.ok(!text.includes('dc+'));
    for (const key of Object.keys(event)) assert.ok(['attempt', 'interval', 'remaining', 'nextPollAt', 'lastOutcome'].includes(key), key);
  }
});

test('dg:polling:state-json onState delivers the JSON state after every step: start, each timer and each response', async () => {
  const { states, token } = await flow([pending(), tokenResponse()]);
  assert.ok(token);
  assert.deepEqual(
    states.map((s) => s.phase),
    ['waiting', 'requesting', 'waiting', 'requesting', 'done'],
  );
  for (const state of states) {
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    assert.equal(state.v, 1);
    assert.equal(state.device_code, DEVICE_CODE);
  }
  assert.deepEqual(states.map((s) => s.polls), [0, 1, 1, 2, 2]);
  const denied = await flow([oauthError('access_denied')]);
  assert.equal(denied.states.at(-1)?.phase, 'failed');
});

test('dg:compat:token-result-shape the result keeps every server member, lower-cases token_type, and adds non-enumerable claims() and expiresIn()', async () => {
  const body = { access_token: 'at', token_type: 'BeArEr', expires_in: 3600, refresh_token: 'rt', custom: { nested: [1, 2] }, 'x-vendor': 'v' };
  const s = script([json(body)]);
  const result = await run(s, await initiate(s));
  const token = result.token!;
  assert.deepEqual({ ...token }, { ...body, token_type: 'bearer' });
  assert.deepEqual(Object.keys(token).sort(), Object.keys(body).sort());
  assert.equal('scope' in token, false, 'no scope is made up');
  assert.equal(Object.prototype.propertyIsEnumerable.call(token, 'claims'), false);
  assert.equal(Object.prototype.propertyIsEnumerable.call(token, 'expiresIn'), false);
  assert.equal(JSON.stringify(token).includes('claims'), false);
  assert.equal(token.claims(), undefined);
  assert.equal(token.expiresIn(), 3600);
  await s.clock.sleep(1500);
  assert.equal(token.expiresIn(), 3598, 'whole seconds, rounded down');
  await s.clock.sleep(3598 * S);
  assert.equal(token.expiresIn(), 0);
  await s.clock.sleep(3600 * S);
  assert.equal(token.expiresIn(), 0, 'never negative');
  const s2 = script([json({ access_token: 'at', token_type: 'DPoP', scope: 'openid' })]);
  const other = (await run(s2, await initiate(s2))).token!;
  assert.equal(other.token_type, 'dpop');
  assert.equal(other.scope, 'openid');
  assert.equal(other.expiresIn(), undefined);
  const s3 = script([json({ access_token: 'at', token_type: 'N_A' })]);
  const allowed = (await run(s3, await initiate(s3), { allowedTokenTypes: ['n_a'] })).token!;
  assert.equal(allowed.token_type, 'n_a');
});

// ---- only the caller starts a device authorization ----------------------------------------

test('rfc8628:3.1:user-initiated rfc8628:3.5:expired-token-wait-user after expired_token, access_denied, local expiry or any error, no new device authorization is started', async () => {
  const endings: Array<[string, TokenReply[], Record<string, unknown>]> = [
    ['expired_token', [pending(), oauthError('expired_token')], {}],
    ['access_denied', [oauthError('access_denied')], {}],
    ['local expiry', [], { expires_in: 12 }],
    ['terminal', [raw(302, null, { location: 'https://as.example.test/device_authorization' })], {}],
  ];
  for (const [name, replies, device] of endings) {
    const s = script(replies, { device, fallback: () => pending() });
    const result = await run(s, await initiate(s));
    assert.ok(result.error, name);
    await s.clock.sleep(3600 * S);
    assert.equal(s.deviceCalls, 1, name);
    assert.ok(s.tokenCalls.every((c) => c.form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code'), name);
  }
});

test('rfc8628:3.5:expired-token-restart after expired_token the caller can start over with a new initiateDeviceAuthorization and a new poll', async () => {
  const s = script([oauthError('expired_token'), pending(), tokenResponse()]);
  const first = await run(s, await initiate(s));
  assert.equal((first.error as ResponseBodyError).error, 'expired_token');
  const second = await initiate(s);
  assert.equal(s.deviceCalls, 2);
  const result = await run(s, second);
  assert.equal(result.token?.access_token, 'at-secret-0001');
});

test('dg:polling:resume-no-early dg:polling:state-json resumeDeviceAuthorizationGrant carries on from a JSON copy of a saved state with the same timing', async () => {
  const s = script([pending(), slowDown(), pending(), tokenResponse()]);
  const device = await initiate(s);
  const controller = new AbortController();
  let saved: PollingState | undefined;
  const first = await run(s, device, {
    signal: controller.signal,
    onState: (state) => {
      if (state.polls === 2 && state.phase === 'waiting') {
        saved = JSON.parse(JSON.stringify(state)) as PollingState;
        controller.abort();
      }
    },
  });
  assert.equal((first.error as ClientError).code, 'OAUTH_ABORT');
  assert.ok(saved);
  assert.equal(saved.interval, 10);
  const resumed = await run(s, undefined, { resumeFrom: saved });
  assert.ok(resumed.token);
  assert.deepEqual(s.tokenCalls.map((c) => (c.time - T0) / S), [5, 10, 20, 30]);
  assert.equal(resumed.states.at(-1)?.polls, 4);
  // Saved while a request was in flight: the resumed flow waits a full interval from that request.
  // The lost request ends with its process (here: on the abort); one still running would hold the next back (dg:polling:single-flight).
  const lostRequest = ({ init }: { init: { signal: AbortSignal } }): Promise<Response> =>
    new Promise<Response>((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  const s2 = script([pending(), lostRequest, tokenResponse()]);
  let inFlight: PollingState | undefined;
  const controller2 = new AbortController();
  const lost = run(s2, await initiate(s2), {
    signal: controller2.signal,
    onState: (state) => {
      if (state.phase === 'requesting' && state.polls === 2) {
        inFlight = JSON.parse(JSON.stringify(state)) as PollingState;
        setImmediate(() => controller2.abort());
      }
    },
  });
  assert.equal(((await lost).error as ClientError).code, 'OAUTH_ABORT');
  assert.equal(inFlight?.sentAt, T0 + 10 * S);
  await s2.clock.sleep(2 * S); // the process restarts 2 s later
  const again = await run(s2, undefined, { resumeFrom: inFlight! });
  assert.ok(again.token);
  assert.deepEqual(s2.tokenCalls.map((c) => (c.time - T0) / S), [5, 10, 15]);
  // A malformed saved state is refused before any request.
  const bad = await run(s2, undefined, { resumeFrom: { ...inFlight!, v: 2 } as unknown as PollingState });
  assert.equal((bad.error as ClientError).code, 'OAUTH_INVALID_STATE');
  assert.equal(s2.tokenCalls.length, 3);
});
