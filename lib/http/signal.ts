/**
 * The check of a caller's abort signal, shared by every entry that takes one, so that a bad
 * `signal` is an argument error before any request or timer, never a raw TypeError later.
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 * @module
 */

import { checkOption } from '../errors.ts';

/**
 * True for an AbortSignal of this realm (see spec/design.md: a signal from another realm, such
 * as an iframe's, is refused; a controller of this realm, aborted from it, stands in for it).
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export function isAbortSignal(value: unknown): boolean {
  try {
    // dg:compat:signal-argument: instanceof, then AbortSignal's own `aborted` getter as a brand check: it throws on an object that only inherits from AbortSignal.prototype, so a look-alike never reaches the waits and races.
    return value instanceof AbortSignal && typeof Reflect.get(AbortSignal.prototype, 'aborted', value) === 'boolean';
  } catch {
    return false;
  }
}

/**
 * Throws ERR_INVALID_ARG_TYPE unless `signal` is undefined or an AbortSignal.
 *
 * @see https://dom.spec.whatwg.org/#interface-AbortSignal
 */
export function checkSignal(signal: unknown): void {
  // dg:compat:signal-argument: a bad signal is refused before any request or timer could hold it.
  checkOption(signal, 'signal', isAbortSignal, 'an AbortSignal');
}
