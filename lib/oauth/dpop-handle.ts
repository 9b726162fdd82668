/**
 * What the token request code needs from a DPoP handle (RFC 9449), as a type only. The request
 * code calls a handle through this interface and never imports `lib/dpop/`, so that DPoP's
 * signing code stays out of a bundle that does not use it. `getDPoPHandle` (lib/dpop/) makes one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 * @module
 */

import type { TokenEndpointResponse } from './token-response.ts';

/** Every method the request code calls on a handle. */
const METHODS = ['proof', 'observe', 'isNonceDemand', 'checkBound', 'thumbprint'] as const;

/**
 * True for a DPoP handle: an object with every method of {@link DPoPHandle}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 */
export function isDPoPHandle(value: unknown): boolean {
  // dg:dpop:handle-argument: a value without a handle's methods is refused before any request, never called.
  return METHODS.every((method) => typeof (value as Partial<DPoPHandle> | null)?.[method] === 'function');
}

/**
 * A DPoP handle: a key pair and the nonces its servers gave, with openid-client v6's name.
 * Obtained from `getDPoPHandle(config, keyPair)`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 */
export interface DPoPHandle {
  /**
   * A fresh DPoP proof JWT for one request: `htm`, `htu` (no query, no fragment), `iat`, a new
   * `jti`, and the nonce last received from the URL's origin. `now` is the caller's clock (ms).
   */
  proof(htm: string, htu: URL, now?: () => number): Promise<string>;
  /** Keeps the `DPoP-Nonce` of a response from `url`'s origin, whatever the response's status. */
  observe(url: URL, response: Response): void;
  /** True when `error` asks for a new nonce: `use_dpop_nonce` in a body or in a 401 `DPoP` challenge. */
  isNonceDemand(error: Error): boolean;
  /** Throws a typed error unless the token is DPoP-bound (`token_type` DPoP). */
  checkBound(token: TokenEndpointResponse): void;
  /** The RFC 7638 thumbprint of the public key, as sent in `dpop_jkt`. */
  thumbprint(): Promise<string>;
}

/**
 * openid-client v6's `DPoPOptions`: the `DPoP` member of the poll and refresh options.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export interface DPoPOptions {
  /** A handle from `getDPoPHandle`: every token request carries a proof of its key. */
  DPoP?: DPoPHandle;
}
