/**
 * dg:polling:single-flight: never two requests in flight for one device_code, in the whole
 * process: one flow per device_code at a time, and no request while one given up on (a timeout,
 * an abort) still runs in a fetch that ignores its signal, whichever Configuration sent it.
 *
 * @see spec/project.md (dg:polling:single-flight: redeeming a code twice can revoke the grant)
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { ClientError } from '../errors.ts';
import { race, timerSleep, type Sleep } from '../http/timers.ts';

// dg:polling:single-flight: the device_codes being polled, in this process.
const active = new Set<string>();

// dg:polling:single-flight: requests given up on while their fetch still runs, by device_code, for
// the whole process (like `active`): a flow resumed with another Configuration waits for them too.
const unsettled = new Map<string, Promise<void>>();

/**
 * Registers a flow for `deviceCode`; refused while another flow polls it.
 *
 * @see spec/project.md (dg:polling:single-flight)
 */
export function claim(deviceCode: string): void {
  // dg:polling:single-flight: a second flow for the same device_code is refused while one runs.
  if (active.has(deviceCode)) throw new ClientError('this device_code is already being polled', { code: 'OAUTH_INVALID_STATE' });
  active.add(deviceCode);
}

/**
 * Ends the flow registered by {@link claim}.
 *
 * @see spec/project.md (dg:polling:single-flight)
 */
export function release(deviceCode: string): void {
  active.delete(deviceCode);
}

/**
 * Remembers a request given up on until its fetch settles.
 *
 * @see spec/project.md (dg:polling:single-flight)
 */
export function track(deviceCode: string, settled: Promise<void>): void {
  unsettled.set(deviceCode, settled);
  void settled.then(() => {
    if (unsettled.get(deviceCode) === settled) unsettled.delete(deviceCode);
  });
}

/**
 * Whether a request given up on still runs for `deviceCode`.
 *
 * @see spec/project.md (dg:polling:single-flight)
 */
export function pendingFor(deviceCode: string): boolean {
  return unsettled.has(deviceCode);
}

/**
 * Waits for the request given up on to settle; true when it did before `deadline` (ms since the
 * epoch on `now`), false when the deadline came first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (never poll before the interval, nor after the expiry)
 */
export async function previousSettled(deviceCode: string, deadline: number, now: () => number, sleep: Sleep, signal?: AbortSignal): Promise<boolean> {
  const done = unsettled.get(deviceCode)!.then(() => true);
  // dg:polling:clean-end: the sleeps run on a signal of their own, aborted once this wait is over, so no timer or listener outlives it.
  const stop = new AbortController();
  try {
    // Most settle at once (a fetch that honours the abort rejects within a turn): no wait for those.
    // Then chunks of at most 1 s, with the caller's sleep, so that a fake clock drives this wait too;
    // dg:polling:abort-immediate: each is raced against the caller's abort.
    for (let wait = timerSleep(0, stop.signal), left = 0; ; wait = race(() => sleep(Math.min(left, 1000), stop.signal), Infinity, signal)) {
      // Settled in time, but the request may still go only before the deadline.
      if (await Promise.race([done, wait.then(() => false)])) return deadline > now();
      left = deadline - now();
      if (left <= 0) return false;
    }
  } finally {
    stop.abort();
  }
}
