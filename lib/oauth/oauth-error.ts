/**
 * Turns a non-success answer into a typed error: a 401 with a challenge, an RFC 6749 §5.2 error
 * body, or an unexpected status. Text from the server is redacted before it is stored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @module
 */

import {
  ClientError,
  withResponse,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  type OAuthErrorBody,
} from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { parseJsonObject, type JsonObject } from '../http/json.ts';
import { profileHint } from './profile-hint.ts';
import { KNOWN_ERROR_CODES, redactDeepWith, redactor } from './redact.ts';
import { parseWWWAuthenticate } from './www-authenticate.ts';

/**
 * Reads the RFC 6749 §5.2 members when `body.error` is a string; `undefined` otherwise. Wrongly
 * typed `error_description` or `error_uri` are dropped rather than trusted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function readOAuthError(body: JsonObject, sent: readonly string[]): OAuthErrorBody | undefined {
  // rfc6749:5.2:error-member rfc6749:5.2:json-body: "error REQUIRED. A single ASCII [USASCII] error code"; a body without a string error is not an OAuth error.
  if (typeof body['error'] !== 'string') return undefined;
  // rfc6749:10.4:refresh-token-confidential: "Refresh tokens MUST be kept confidential in transit and storage"
  // dg:security:secret-redaction dg:security:echoed-secret-redaction rfc6749:10.3:access-token-confidential: "Access token credentials (as well as any confidential access token attributes) MUST be kept confidential in transit and storage"; tokens that came with an error are secrets too.
  // rfc6749:5.2:error-charset dg:security:echoed-secret-redaction: "Values for the "error" parameter MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E."; the client does not rely on it: values are kept as plain data, with echoed secrets redacted.
  // Token members a server has no business sending with an error: their values are never shown.
  // dg:security:redaction-bounded: these may be as long as the body (1 MiB) or repetitive; redactor() keeps such secrets out of its pattern and replaces any text long enough to hold one whole.
  const tokens = [body['access_token'], body['refresh_token'], body['id_token']].filter((v): v is string => typeof v === 'string');
  const clean = redactor([...sent, ...tokens]);
  // dg:security:error-code-verbatim: a known code is never rewritten, so a short secret inside
  // "access_denied" cannot turn a denial into an unknown code; any other value may echo a secret.
  const code = body['error'];
  const verbatim = KNOWN_ERROR_CODES.has(code);
  let raw = redactDeepWith(body, clean) as JsonObject;
  if (verbatim && raw['error'] !== code) raw = { ...raw, error: code };
  const result: OAuthErrorBody = { error: verbatim ? code : clean(code), raw };
  const description = body['error_description'];
  const uri = body['error_uri'];
  // rfc6749:5.2:optional-description-uri dg:security:echoed-secret-redaction: "error_description OPTIONAL."; a wrongly typed or absent member stays undefined.
  if (typeof description === 'string') result.error_description = clean(description);
  if (typeof uri === 'string') result.error_uri = clean(uri);
  return result;
}

/**
 * What an error report may add to the RFC 6749 §5.2 body: the challenges of a 401 and a
 * provider hint. Injected, so that a bundle that leaves them out does not carry them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export interface ErrorExtras {
  /** The error for a 401 with a `WWW-Authenticate` challenge, or undefined ({@link challengeError}). */
  challenge?: ((http: HttpResponse, secrets: readonly string[], body: OAuthErrorBody | undefined) => Error | undefined) | undefined;
  /** A suffix naming the provider profile that fits an unexpected answer (profile-hint.ts). */
  hint?: ((body: JsonObject) => string) | undefined;
}

/**
 * The `WWWAuthenticateChallengeError` of a 401 whose `WWW-Authenticate` parses, secrets redacted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (invalid_client with a 401 and WWW-Authenticate)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function challengeError(http: HttpResponse, secrets: readonly string[], body: OAuthErrorBody | undefined): Error | undefined {
  const { response } = http;
  const header = response.headers.get('www-authenticate');
  // rfc6749:5.2:invalid-client-401 dg:compat:www-authenticate: "the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the "WWW-Authenticate" response header field"; a parseable challenge gives a WWWAuthenticateChallengeError.
  if (header === null) return undefined;
  const challenges = parseWWWAuthenticate(redactor(secrets)(header));
  // dg:security:error-code-verbatim: the challenge's known error code as the server sent it.
  const first = parseWWWAuthenticate(header)[0]?.parameters['error'];
  if (first !== undefined && KNOWN_ERROR_CODES.has(first) && challenges[0] !== undefined) challenges[0].parameters['error'] = first;
  return challenges.length > 0 ? new WWWAuthenticateChallengeError(challenges, response, body) : undefined;
}

/** Everything the main entry reports. */
/** Every extra: what the main entry's answers get. */
export const FULL_EXTRAS: ErrorExtras = { challenge: challengeError, hint: profileHint };

/**
 * The error for a response that is not a success, its body parsed once here, whatever the
 * Content-Type (dg:tolerance:token-body-json); with the challenges and the provider hint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorFromBody(http: HttpResponse, secrets: readonly string[]): Error {
  return answerError(http, secrets, FULL_EXTRAS);
}

/**
 * {@link errorFromBody} with only the `extras` given.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function answerError(http: HttpResponse, secrets: readonly string[], extras?: ErrorExtras): Error {
  let json: JsonObject | undefined;
  // rfc6749:5.2:json-body rfc8628:3.2:error-response: "The parameters are serialized into a JSON structure by adding each parameter at the highest structure level."; an error body is read whatever its media type says.
  try {
    json = parseJsonObject(http.text);
  } catch {
    json = undefined; // not JSON: the status alone speaks
  }
  return responseError(http, secrets, json && readOAuthError(json, secrets), json, extras);
}

/**
 * The error for a response that is not a success: a `WWWAuthenticateChallengeError` for a 401
 * with a parseable challenge, a `ResponseBodyError` for an RFC 6749 §5.2 body, and otherwise a
 * `ClientError` for the unexpected status, ending with the provider hint. `body` is the error
 * body as already read by {@link readOAuthError}, and `json` the parsed body it came from, so
 * that a body is parsed only once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorFromResponse(http: HttpResponse, secrets: readonly string[], body: OAuthErrorBody | undefined, json?: JsonObject): Error {
  return responseError(http, secrets, body, json, FULL_EXTRAS);
}

/**
 * {@link errorFromResponse} with only the `extras` given: without `challenge`, a 401 is reported
 * like any other status.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function responseError(
  http: HttpResponse,
  secrets: readonly string[],
  body: OAuthErrorBody | undefined,
  json: JsonObject | undefined,
  extras: ErrorExtras | undefined,
): Error {
  const { response } = http;
  const challenged = response.status === 401 ? extras?.challenge?.(http, secrets, body) : undefined;
  if (challenged !== undefined) return challenged;
  // rfc6749:5.2:error-member rfc8628:3.2:error-response rfc6749:5.2:invalid-client-401: "the authorization server responds in the same way as the token endpoint specified in Section 5.2 of [RFC6749]."
  if (body !== undefined) return new ResponseBodyError(body, response);
  // rfc6749:5.2:json-body: "The parameters are included in the entity-body of the HTTP response using the "application/json" media type"; a status without an OAuth error body is a typed non-OAuth error.
  // dg:profiles:hint dg:profiles:without: an error body in a known provider's own format names the profile.
  const hint = json && extras?.hint?.(json);
  // dg:security:no-response-in-cause: the Response is kept off `cause` (inspection prints causes,
  // and its headers may echo the request body); it stays reachable as a non-enumerable member.
  return withResponse(new ClientError(`unexpected HTTP response status code ${response.status}${hint ?? ''}`, { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' }), response);
}
