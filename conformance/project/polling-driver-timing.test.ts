// When the driver sends each token request (spec/design.md "Polling semantics"): the first waits one
// interval, answers and their latency move the next one, long sleeps are split, a clock that goes
// back never makes a poll early, the deadline counts from the arrival of the device response, and
// Retry-After lengthens a wait. Scripted token endpoint, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError } from '../../lib/index.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { json } from '../support/harness.js';
import { T0, gaps, initiate, pending, raw, run, script, slowDown, tokenResponse, type TokenReply, flow } from '../support/polling-side.js';
import { errorText } from '../support/security-side.js';

const S = 1000;
const MAX_TIMER = 2 ** 31 - 1;

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
