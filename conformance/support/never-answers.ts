// Fetches that never answer: the stand-ins for a server that hangs, in every timeout and abort test.
import type { CustomFetch } from '../../lib/index.js';

/** Never settles, unless `signal` aborts: then it rejects with the signal's reason, as fetch does. */
export function untilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Never settles at all, whatever happens to any signal: a fetch that ignores its signal. */
export function neverSettles(): Promise<never> {
  return new Promise(() => {});
}

/** A CustomFetch that never answers, unless its signal aborts. */
export const hangingFetch: CustomFetch = (_url, init) => untilAborted(init.signal);
