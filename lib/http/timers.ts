/**
 * Every timer and every abort race in the library. A wait or a piece of work settles on
 * whichever comes first: its own end, the caller's abort, or a timeout. Listeners and timers are
 * removed as soon as it settles, so that nothing keeps a process alive or a flow in memory.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (waits between polls)
 * @module
 */

import { ClientError } from '../errors.ts';

/**
 * setTimeout cannot wait longer than 2³¹−1 ms (it would fire at once): longer waits are
 * clamped or split.
 *
 * @see https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
 */
export const MAX_TIMER_MS: number = 2 ** 31 - 1;

/**
 * The typed error for an aborted signal: a TimeoutError reason is a timeout (`OAUTH_TIMEOUT`),
 * anything else an abort (`OAUTH_ABORT`).
 *
 * @see https://dom.spec.whatwg.org/#abortsignal-abort-reason
 */
export function abortError(reason: unknown): ClientError {
  // dg:compat:abort-codes: a TimeoutError reason is OAUTH_TIMEOUT; any other reason is OAUTH_ABORT with the reason as cause.
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new ClientError('operation timed out', { code: 'OAUTH_TIMEOUT', cause: reason });
  }
  return new ClientError('operation aborted', { code: 'OAUTH_ABORT', cause: reason });
}

/**
 * A caller's sleep: waits `ms`, or rejects when `signal` aborts.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The default sleep: a timer that an abort clears at once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (the waits between polls)
 * @see https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  // Without a signal there is nothing to listen to: one timer, one closure per wait.
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise((resolve, reject) => {
    // dg:polling:abort-immediate: the abort ends the wait at once and clears its timer.
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits with the caller's sleep; an abort ends the wait at once even when that sleep ignores
 * its signal (dg:polling:abort-immediate).
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export function abortableSleep(sleep: Sleep, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined || sleep === timerSleep) return sleep(ms, signal);
  // dg:polling:abort-immediate: a caller's sleep that ignores its signal is raced against the abort.
  return race(() => sleep(ms, signal), Infinity, signal);
}

/**
 * Runs `work` and settles with it, unless the caller's `signal` aborts first (rejects with
 * {@link abortError}) or `timeoutMs` passes first (rejects with `OAUTH_TIMEOUT`). Either way
 * the signal handed to `work` is aborted, so that a fetch which honours it stops, and one which
 * does not is left behind. `work` may throw synchronously; that is a rejection like any other.
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 * @see https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
 */
export function race<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    const settle = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (error: ClientError): void => {
      settle();
      controller.abort(error);
      reject(error);
    };
    // dg:polling:abort-immediate dg:compat:abort-codes: the caller's abort settles the race at once, with the typed abort error.
    const onAbort = (): void => giveUp(abortError(signal?.reason));
    // Never AbortSignal.timeout(): it cannot be cancelled and keeps memory alive until it fires.
    const timer =
      timeoutMs === Infinity
        ? undefined
        : setTimeout(() => giveUp(new ClientError('request timed out', { code: 'OAUTH_TIMEOUT' })), Math.min(timeoutMs, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
    let running: Promise<T>;
    try {
      running = work(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
