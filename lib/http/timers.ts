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

/** Listener options, shared by every wait and request rather than allocated for each. */
const ONCE: AddEventListenerOptions = { once: true };

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
  // One wait of a Waiter of its own, whose listener goes when the wait ends.
  const waiter = new Waiter(undefined, signal);
  return waiter.wait(ms).finally(() => waiter.end());
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
 * The flow's one abort listener, lent to the request the flow has in flight: a {@link race} given
 * it (and the same signal) hooks itself here instead of adding a listener of its own.
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export interface FlowListener {
  /** The signal the flow listens to for its whole life, if any (none with a caller's sleep). */
  readonly listensTo: AbortSignal | undefined;
  /** The abort hook of the flow's request in flight ({@link race} sets and clears it); the listener calls it. */
  request: (() => void) | undefined;
}

/**
 * The waits of one flow on the default timer: one abort listener for the whole flow instead of
 * one per wait, and no closure per wait (the timer calls the promise's own resolve). With a
 * caller's sleep, each wait is that sleep raced against the abort ({@link abortableSleep}).
 * {@link Waiter.end} removes the listener when the flow ends.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (the waits between polls)
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export class Waiter implements FlowListener {
  #sleep: Sleep | undefined;
  #signal: AbortSignal | undefined;
  #reject: ((error: ClientError) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The signal this waiter listens to for the whole flow, if any. */
  readonly listensTo: AbortSignal | undefined;
  /** The abort hook of the flow's request in flight ({@link race} sets it): the flow's listener serves the request too. */
  request: (() => void) | undefined;

  constructor(sleep: Sleep | undefined, signal: AbortSignal | undefined) {
    this.#sleep = sleep;
    this.#signal = signal;
    this.listensTo = sleep === undefined ? signal : undefined;
    this.listensTo?.addEventListener('abort', this, ONCE);
  }

  /** Waits `ms`, or rejects with {@link abortError} as soon as the signal aborts. */
  wait(ms: number): Promise<void> {
    const signal = this.#signal;
    if (this.#sleep !== undefined) return abortableSleep(this.#sleep, ms, signal);
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      this.#timer = setTimeout(resolve, ms);
    });
  }

  /** The abort listener. */
  handleEvent(): void {
    // dg:polling:abort-immediate: the abort ends the wait at once and clears its timer, and the request in flight it was lent to.
    clearTimeout(this.#timer);
    this.#reject?.(abortError(this.#signal?.reason));
    this.request?.();
  }

  /** The flow has ended: the signal forgets it. */
  end(): void {
    this.#signal?.removeEventListener('abort', this);
  }
}

/** A request controller and how many requests it has served. */
interface Lease {
  controller: AbortController;
  uses: number;
  /** The race inside this lease's request (send's, in postForm's), ended directly rather than by an abort listener. */
  inner: (() => void) | undefined;
}

/** The lease of each controller's signal, so that a race given that signal knows it is one of ours. */
const leaseOf = new WeakMap<AbortSignal, Lease>();

function newLease(): Lease {
  const lease: Lease = { controller: new AbortController(), uses: 0, inner: undefined };
  leaseOf.set(lease.controller.signal, lease);
  return lease;
}

// Controllers that served a request which settled on its own (never aborted), for the next
// request to use: creating an AbortController costs more than the rest of a poll's bookkeeping on
// Node 20. Each serves at most MAX_USES requests, so that a custom fetch that adds an abort
// listener and never removes it leaves only a few behind; one in flight is never shared.
const spare: Lease[] = [];
const MAX_USES = 8;
const MAX_SPARE = 64;

/**
 * Runs `work` and settles with it, unless the caller's `signal` aborts first (rejects with
 * {@link abortError}) or `timeoutMs` passes first (rejects with `OAUTH_TIMEOUT`). Either way
 * the signal handed to `work` is aborted, so that a fetch which honours it stops, and one which
 * does not is left behind. `work` may throw synchronously; that is a rejection like any other.
 * The signal handed to `work` may have served earlier requests that settled; it is aborted only
 * for this one. Given a flow's `listener` on that same signal (a poll's request), the race adds
 * no listener of its own: the flow's ends it.
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 * @see https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
 */
export function race<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal?: AbortSignal, listener?: FlowListener): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError(signal.reason));
  // Without a timeout the caller's signal aborts exactly when the race gives up: work gets it as it is.
  const lease = timeoutMs === Infinity && signal !== undefined ? undefined : (spare.pop() ?? newLease());
  // Inside a leased request, that lease's race ends this one directly: no abort listener.
  const outer = signal === undefined ? undefined : leaseOf.get(signal);
  const hooked = outer !== undefined && outer.inner === undefined;
  // A flow's request: the flow's listener on the same signal ends this race (when no other request holds it).
  const flow = !hooked && listener?.listensTo === signal && listener?.request === undefined ? listener : undefined;
  return new Promise<T>((resolve, reject) => {
    let ended = false;
    // Ends the race: given up on (with the error; the work's signal aborts), or settled on its own.
    // Once only: work given up on settles later, and by then the flow's request slot (or the
    // lease's inner hook) may belong to the next request, whose abort must still end it at once.
    const end = (error?: ClientError): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (hooked) outer.inner = undefined;
      else if (flow !== undefined) flow.request = undefined;
      else signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        lease?.controller.abort(error); // this controller is never used again
        lease?.inner?.();
        reject(error);
        // dg:compat:request-signal: only a signal never aborted goes back, for at most MAX_USES requests.
      } else if (lease !== undefined && ++lease.uses < MAX_USES && !lease.controller.signal.aborted && spare.length < MAX_SPARE) spare.push(lease);
    };
    // dg:polling:abort-immediate dg:compat:abort-codes: the caller's abort settles the race at once, with the typed abort error.
    const onAbort = (): void => end(abortError(signal?.reason));
    if (hooked) outer.inner = onAbort;
    else if (flow !== undefined) flow.request = onAbort;
    else signal?.addEventListener('abort', onAbort, ONCE);
    // The timer only once the listener is on: a signal whose addEventListener throws leaves no timer behind.
    // Never AbortSignal.timeout(): it cannot be cancelled and keeps memory alive until it fires.
    const timer = timeoutMs === Infinity ? undefined : setTimeout(() => end(new ClientError('request timed out', { code: 'OAUTH_TIMEOUT' })), Math.min(timeoutMs, MAX_TIMER_MS));
    let running: Promise<T>;
    try {
      running = work(lease === undefined ? signal! : lease.controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        end();
        resolve(value);
      },
      (error: unknown) => {
        end();
        reject(error);
      },
    );
  });
}
