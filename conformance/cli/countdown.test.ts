// The countdown off a terminal (a pipe, a CI log): a line when the state changes, at most one a
// minute otherwise. On the fake clock, both through the CLI against the loopback server and
// with the driver's onPoll events played by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCountdown } from '../../lib/cli/countdown.js';
import type { PollEvent } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { fakeStream, publicArgs, run, startServer } from './support.js';

const waiting = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('Waiting'));

test('dg:cli:countdown a 10-minute code polled every second prints a line a minute off a terminal, not one per poll', async (t) => {
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const srv = await startServer({ interval: 1, expiresIn: 600, now: clock.now });
  t.after(srv.close);
  let sleeps = 0;
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await clock.sleep(ms, signal);
    if (++sleeps === 150) srv.server.approve([...srv.server.grants.values()][0]?.userCode ?? '');
  };
  const result = await run(publicArgs(srv.issuer), { now: clock.now, sleep });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(srv.server.requests.filter((request) => request.path.endsWith('/token')).length, 150);
  assert.deepEqual(waiting(result.stderr), [
    'Waiting for approval: 10:00 left, interval 1 s',
    'Waiting for approval: 9:59 left, interval 1 s, polls: 1 (last: pending)',
    'Waiting for approval: 8:59 left, interval 1 s, polls: 61 (last: pending)',
    'Waiting for approval: 7:59 left, interval 1 s, polls: 121 (last: pending)',
  ]);
});

test('dg:cli:countdown off a terminal, slow_down, a new interval and every transient fault print at once; a steady state waits a minute', () => {
  const clock = createFakeClock({ start: 0 });
  let now = 0;
  const stream = fakeStream(false);
  const countdown = createCountdown(stream, () => now, clock.sleep);
  let attempt = 0;
  const poll = (at: number, interval: number, lastOutcome?: PollEvent['lastOutcome']): void => {
    now = at * 1000;
    const event: PollEvent = { attempt, interval, remaining: 600 - at, nextPollAt: now + interval * 1000 };
    if (lastOutcome !== undefined) event.lastOutcome = lastOutcome;
    countdown.update(event);
    attempt++;
  };
  poll(0, 1);
  for (let at = 1; at <= 30; at++) poll(at, 1, 'pending');
  poll(31, 6, 'slow_down');
  poll(37, 6, 'pending');
  poll(43, 6, 'transient');
  poll(55, 6, 'transient');
  poll(57, 6, 'pending');
  for (let at = 63; at <= 117; at += 6) poll(at, 6, 'pending');
  poll(118, 7, 'pending'); // a larger interval sent by the server
  countdown.finish(); // off a terminal there is no line to clear
  assert.deepEqual(waiting(stream.text), [
    'Waiting for approval: 10:00 left, interval 1 s',
    'Waiting for approval: 9:59 left, interval 1 s, polls: 1 (last: pending)',
    'Waiting for approval: 9:29 left, interval 6 s, polls: 31 (last: slow_down)',
    'Waiting for approval: 9:23 left, interval 6 s, polls: 32 (last: pending)',
    'Waiting for approval: 9:17 left, interval 6 s, polls: 33 (last: transient)',
    'Waiting for approval: 9:05 left, interval 6 s, polls: 34 (last: transient)',
    'Waiting for approval: 9:03 left, interval 6 s, polls: 35 (last: pending)',
    'Waiting for approval: 8:03 left, interval 6 s, polls: 45 (last: pending)',
    'Waiting for approval: 8:02 left, interval 7 s, polls: 46 (last: pending)',
  ]);
  assert.equal(stream.text, waiting(stream.text).join('\n') + '\n');
});
