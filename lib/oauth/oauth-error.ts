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
import { KNOWN_ERROR_CODES, redactDeepWith, redactor } from './redact.ts';
import { parseWWWAuthenticate } from './www-authenticate.ts';

/** Token members a server has no business sending with an error; their values are never shown. */
const TOKEN_MEMBERS = ['access_token', 'refresh_token', 'id_token'];

/**
 * Reads the RFC 6749 §5.2 members when `body.error` is a string; `undefined` otherwise. Wrongly
 * typed `error_description` or `error_uri` are dropped rather than trusted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function readOAuthError(body: JsonObject, sent: readonly string[]): OAuthErrorBody | undefined {
  if (typeof body['error'] !== 'string') return undefined;
  // Tokens that came with an error are secrets too (dg:security:secret-redaction).
  const clean = redactor([...sent, ...TOKEN_MEMBERS.map((name) => body[name]).filter((v): v is string => typeof v === 'string')]);
  // dg:security:error-code-verbatim: a known code is never rewritten, so a short secret inside
  // "access_denied" cannot turn a denial into an unknown code; any other value may echo a secret.
  const code = body['error'];
  const verbatim = KNOWN_ERROR_CODES.has(code);
  let raw = redactDeepWith(body, clean) as JsonObject;
  if (verbatim && raw['error'] !== code) raw = { ...raw, error: code };
  const result: OAuthErrorBody = { error: verbatim ? code : clean(code), raw };
  const description = body['error_description'];
  const uri = body['error_uri'];
  if (typeof description === 'string') result.error_description = clean(description);
  if (typeof uri === 'string') result.error_uri = clean(uri);
  return result;
}

/**
 * Parses an RFC 6749 §5.2 error body, whatever the Content-Type; never throws.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function tryReadOAuthError(http: HttpResponse, secrets: readonly string[]): OAuthErrorBody | undefined {
  // dg:tolerance:token-body-json: an error body is read whatever its media type says.
  try {
    return readOAuthError(parseJsonObject(http.text), secrets);
  } catch {
    return undefined;
  }
}

/**
 * The error for a response that is not a success: a `WWWAuthenticateChallengeError` for a 401
 * with a parseable challenge, a `ResponseBodyError` for an RFC 6749 §5.2 body, and otherwise a
 * `ClientError` for the unexpected status. `body` is the error body as already read (by
 * {@link tryReadOAuthError} or {@link readOAuthError}), so that a body is parsed only once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorFromResponse(
  http: HttpResponse,
  secrets: readonly string[],
  body: OAuthErrorBody | undefined,
): Error {
  const { response } = http;
  const header = response.headers.get('www-authenticate');
  if (response.status === 401 && header !== null) {
    const challenges = parseWWWAuthenticate(redactor(secrets)(header));
    // dg:security:error-code-verbatim: the challenge's known error code as the server sent it.
    const first = parseWWWAuthenticate(header)[0]?.parameters['error'];
    if (first !== undefined && KNOWN_ERROR_CODES.has(first) && challenges[0] !== undefined) challenges[0].parameters['error'] = first;
    if (challenges.length > 0) return new WWWAuthenticateChallengeError(challenges, response, body);
  }
  if (body !== undefined) return new ResponseBodyError(body, response);
  // dg:security:no-response-in-cause: the Response is kept off `cause` (inspection prints causes,
  // and its headers may echo the request body); it stays reachable as a non-enumerable member.
  return withResponse(new ClientError(`unexpected HTTP response status code ${response.status}`, { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' }), response);
}
