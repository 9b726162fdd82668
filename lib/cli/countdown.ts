/**
 * The live status line while the device polls (RFC 8628 §3.5): time left before the codes
 * expire and the interval in force, fed by the driver's `onPoll` hook. On a terminal it redraws
 * one line in place every second; elsewhere (a pipe, a CI log) it prints one line per poll.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import type { PollEvent } from '../index.ts';
import type { CliStream } from './io.ts';

/** Whole seconds as m:ss, rounded up so that "0:00" means the codes have expired. */
function clock(seconds: number): string {
  const whole = Math.ceil(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** The status line of one poll event, with the time left recomputed at `now`. */
function statusLine(event: PollEvent, deadline: number, now: number): string {
  const left = clock(Math.max(0, deadline - now) / 1000);
  const interval = Math.round(event.interval * 100) / 100;
  const polls = event.lastOutcome === undefined ? '' : `, polls: ${event.attempt} (last: ${event.lastOutcome})`;
  // Short enough for an 80-column terminal: a wrapped line could not be redrawn in place.
  return `Waiting for approval: ${left} left, interval ${interval} s${polls}`;
}

/**
 * The countdown's hooks for `pollDeviceAuthorizationGrant`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export interface Countdown {
  /** The `onPoll` hook. */
  update(event: PollEvent): void;
  /** The `sleep` option: on a terminal it wakes every second to redraw. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Clears the status line on a terminal, before the result is printed. */
  finish(): void;
}

// Erase the whole line and return to its start, so the status never wraps into a new line.
const REDRAW = '\r\x1b[2K';

/**
 * A countdown writing to `stream`, on the caller's clock and sleep.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function createCountdown(
  stream: CliStream,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): Countdown {
  const tty = stream.isTTY === true;
  let event: PollEvent | undefined;
  let deadline = 0;
  // The driver always calls onPoll before it sleeps, so a redraw always has an event.
  const draw = (): void => {
    stream.write(REDRAW + statusLine(event as PollEvent, deadline, now()));
  };
  return {
    update(next) {
      event = next;
      // dg:cli:countdown: the time left and the interval come from the driver's onPoll event.
      deadline = now() + next.remaining * 1000;
      // dg:cli:countdown: on a terminal the line is redrawn in place; elsewhere one line per poll.
      if (tty) draw();
      else stream.write(statusLine(next, deadline, now()) + '\n');
    },
    async sleep(ms, signal) {
      if (!tty) return sleep(ms, signal);
      // Chunks of at most a second; the driver re-sleeps if the sum falls short of its deadline.
      // dg:cli:countdown: chunks of at most a second, redrawn after each.
      for (let left = ms; left > 0; left -= 1000) {
        await sleep(Math.min(left, 1000), signal);
        draw();
      }
    },
    finish() {
      if (tty) stream.write(REDRAW);
    },
  };
}
