/**
 * Turns a non-success answer into a typed error: a 401 with a challenge, an RFC 6749 §5.2 error
 * body, or an unexpected status. Text from the server is redacted before it is stored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @module
 */

import {
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  type OAuthErrorBody,
} from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { parseJsonObject, type JsonObject } from '../http/json.ts';
import { profileHint } from './profile-hint.ts';
import { redact, redactDeep } from './redact.ts';
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
  const secrets = [...sent, ...TOKEN_MEMBERS.map((name) => body[name]).filter((v): v is string => typeof v === 'string')];
  const result: OAuthErrorBody = {
    error: redact(body['error'], secrets),
    raw: redactDeep(body, secrets) as Record<string, unknown>,
  };
  const description = body['error_description'];
  const uri = body['error_uri'];
  if (typeof description === 'string') result.error_description = redact(description, secrets);
  if (typeof uri === 'string') result.error_uri = redact(uri, secrets);
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
 * `ClientError` for the unexpected status.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorFromResponse(
  http: HttpResponse,
  secrets: readonly string[],
  body: OAuthErrorBody | undefined = tryReadOAuthError(http, secrets),
): Error {
  const { response } = http;
  const header = response.headers.get('www-authenticate');
  if (response.status === 401 && header !== null) {
    const challenges = parseWWWAuthenticate(redact(header, secrets));
    if (challenges.length > 0) return new WWWAuthenticateChallengeError(challenges, response, body);
  }
  if (body !== undefined) return new ResponseBodyError(body, response);
  let hint = '';
  try {
    // dg:profiles:hint: an error body in a known provider's own format names the profile.
    hint = profileHint(parseJsonObject(http.text));
  } catch {
    // not JSON: no hint
  }
  return new ClientError(`unexpected HTTP response status code ${response.status}${hint}`, {
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    cause: response,
  });
}
