/** Errors thrown by the QR Code encoder; each carries a stable `code`. */

/** `code` of the TypeError thrown for an argument or option outside its domain. */
export const ERR_INVALID_ARG_VALUE = 'ERR_INVALID_ARG_VALUE';

/** `code` of the RangeError thrown when the data does not fit a version 40 symbol. */
export const ERR_QR_DATA_TOO_LONG = 'ERR_QR_DATA_TOO_LONG';

/** A TypeError with `code: 'ERR_INVALID_ARG_VALUE'`; the message names the argument, never its value. */
export function invalidArg(message: string): TypeError & { code: string } {
  // dg:qr:options: a TypeError whose code is ERR_INVALID_ARG_VALUE.
  return Object.assign(new TypeError(message), { code: ERR_INVALID_ARG_VALUE });
}
