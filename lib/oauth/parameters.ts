/**
 * Caller-supplied request parameters: checked before anything is sent, so that no parameter is
 * repeated, authentication cannot be doubled, and scope and resource values are well-formed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (parameters MUST NOT repeat)
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 (resource)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3 (scope syntax)
 * @module
 */

import { argumentError } from '../errors.ts';

/**
 * Extra request parameters, as openid-client accepts them; arrays repeat a name (for `resource`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 (repeated resource)
 */
export type RequestParameters = URLSearchParams | Record<string, string | readonly string[]>;

/** Names a caller may never set: client authentication, so exactly one method is ever used. */
// dg:security:client-id-reserved: client_id too, under every method (beside Basic credentials it would name another client).
const AUTHENTICATION = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

// RFC 3986 §4.3 absolute-URI, by its characters: a scheme, ':', then only unreserved, reserved
// (but not '#') and %HH. URL.canParse alone would accept spaces, controls, non-ASCII and bad '%'.
const ABSOLUTE_URI_NO_FRAGMENT = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

function entriesOf(parameters: RequestParameters | undefined): Array<[string, string]> {
  if (parameters === undefined) return [];
  if (parameters instanceof URLSearchParams) return [...parameters];
  // dg:compat:arg-errors: parameters are a URLSearchParams or a plain object of strings, or a TypeError before any request.
  if (parameters === null || typeof parameters !== 'object') {
    throw argumentError('"parameters" must be a URLSearchParams or a plain object', 'ERR_INVALID_ARG_TYPE');
  }
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(parameters)) {
    // One level: a string stays itself and an array gives its items (a hole as undefined, which fails below).
    for (const item of Array.isArray(value) ? Array.from(value as unknown[]) : [value]) {
      if (typeof item !== 'string') throw argumentError(`parameter "${name}" must be a string or an array of strings`, 'ERR_INVALID_ARG_TYPE');
      entries.push([name, item]);
    }
  }
  return entries;
}

function checkValue(name: string, value: string): void {
  // rfc6749:3.3:scope-token-syntax: "scope-token = 1*( %x21 / %x23-5B / %x5D-7E )"; tokens separated by single spaces, or an argument error.
  if (name === 'scope' && !SCOPE.test(value)) {
    throw argumentError('"scope" must be space-separated scope tokens (RFC 6749 §3.3)', 'ERR_INVALID_ARG_VALUE');
  }
  // rfc8707:2:absolute-uri rfc8707:2:no-fragment: "Its value MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]. The URI MUST NOT include a fragment component."
  if (name === 'resource' && (!URL.canParse(value) || !ABSOLUTE_URI_NO_FRAGMENT.test(value))) {
    throw argumentError('"resource" must be an absolute URI without a fragment (RFC 8707 §2)', 'ERR_INVALID_ARG_VALUE');
  }
}

/**
 * Validates caller parameters and returns them as a fresh URLSearchParams. Empty values are
 * left out (RFC 8628 §3.1: the server treats them as absent). `reserved` names belong to the
 * request builder and may not be set by the caller.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (empty parameters omitted, none repeated)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3 (scope)
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 (resource)
 */
export function requestParameters(parameters: RequestParameters | undefined, reserved: readonly string[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of entriesOf(parameters)) {
    // rfc8628:3.1:empty-params-omitted: "Parameters sent without a value MUST be treated as if they were omitted from the request."
    if (value === '') continue;
    // rfc8628:3.1:no-repeated-params rfc6749:3.2:no-repeated-params rfc6749:2.3:single-auth-method: "The client MUST NOT use more than one authentication method in each request."; names the library sets (authentication, grant_type, device_code) never come from the caller.
    if (AUTHENTICATION.includes(name) || reserved.includes(name)) {
      throw argumentError(`parameter "${name}" is set by the library`, 'ERR_INVALID_ARG_VALUE');
    }
    // rfc8628:3.1:no-repeated-params rfc6749:3.2:no-repeated-params rfc8707:2:multiple: "Request and response parameters MUST NOT be included more than once."; resource is the exception: "Multiple "resource" parameters MAY be used"
    if (name !== 'resource' && params.has(name)) {
      throw argumentError(`parameter "${name}" must not be repeated`, 'ERR_INVALID_ARG_VALUE');
    }
    checkValue(name, value);
    // rfc8628:3.1:scope-optional rfc6749:3.3:scope-verbatim rfc6749:10.3:minimal-scope rfc8707:2:resource-optional rfc8707:2.2:token-request rfc8707:2:multiple: "The client SHOULD request access tokens with the minimal scope necessary."; only what the caller passed, unchanged and in order.
    params.append(name, value);
  }
  return params;
}
