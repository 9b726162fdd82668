/**
 * Reads a device authorization answer (RFC 8628 §3.2) for callers that bring their own
 * transport: the typed error, or the response with the members RFC 8628 requires checked. The
 * verification URI checks of `initiateDeviceAuthorization` (https, no userinfo) are
 * `validateDeviceAuthorizationResponse` from `device-grant`, which takes this result as it is.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @module
 */

import { ClientError, ResponseBodyError } from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { isJsonMediaType, optionalSeconds, optionalString, parseJsonObject, requireString } from '../http/json.ts';
import { answerError, readOAuthError, type ErrorExtras } from '../oauth/oauth-error.ts';
import type { DeviceAuthorizationResponse } from './device-authorization.ts';

/**
 * The device authorization response in `http`, or a throw: the typed error of an RFC 6749 §5.2
 * answer (secrets redacted), or OAUTH_INVALID_RESPONSE when a required member is missing or
 * of the wrong type. Numbers sent as strict numeric strings come back as numbers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function readDeviceAuthorizationAnswer(http: HttpResponse, secrets: readonly string[], extras?: ErrorExtras): DeviceAuthorizationResponse {
  // dg:sansio:entry: the answer is read as given; nothing is sent, and no URL is parsed.
  const { response } = http;
  // rfc8628:3.2:error-response rfc6749:5.2:error-member: "the authorization server responds in the same way as the token endpoint specified in Section 5.2 of [RFC6749]."; any status but 200 is an error, and polling never starts.
  if (response.status !== 200) throw answerError(http, secrets, extras);
  // rfc8628:3.2:json-200: "using the "application/json" format [RFC8259] with a 200 (OK) status code"
  if (!isJsonMediaType(response.headers)) {
    throw new ClientError('response content-type must be application/json', { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
  }
  const body = parseJsonObject(http.text);
  // dg:tolerance:error-in-200: an `error` member in a 200 is an error, never a success.
  const error = readOAuthError(body, secrets);
  if (error !== undefined) throw new ResponseBodyError(error, response);
  if (body['error'] !== undefined) throw new ClientError('response body "error" property must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
  // rfc8628:3.2:required-members rfc6749:10.14:validate-input: "device_code REQUIRED. The device verification code."; user_code, verification_uri and expires_in are REQUIRED too, each of its type.
  requireString(body, 'device_code');
  requireString(body, 'user_code');
  requireString(body, 'verification_uri');
  optionalString(body, 'verification_uri_complete');
  // dg:tolerance:numeric-strings: expires_in is a positive number, or a strict numeric string; an interval of 0 is floored by the machine, not refused.
  const expiresIn = optionalSeconds(body, 'expires_in', true);
  const interval = optionalSeconds(body, 'interval', false);
  if (expiresIn === undefined) {
    throw new ClientError('response body "expires_in" property must be a positive number', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  const result: Record<string, unknown> = { ...body, expires_in: expiresIn };
  if (interval !== undefined) result['interval'] = interval;
  return result as DeviceAuthorizationResponse;
}
