/**
 * Reads a device authorization answer (RFC 8628 §3.2) for callers that bring their own
 * transport: the typed error, or the response with the members RFC 8628 requires checked. The
 * verification URI checks of `initiateDeviceAuthorization` (https, no userinfo) are
 * `validateDeviceAuthorizationResponse` from `device-grant`, which takes this result as it is.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @module
 */

import { ResponseBodyError } from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { invalidMember, optionalSeconds, optionalString, readJsonObject, requireString, type JsonObject } from '../http/json.ts';
import { answerError, readOAuthError, type ErrorExtras } from '../oauth/oauth-error.ts';

/**
 * A validated device authorization response (RFC 8628 §3.2). Numbers are numbers even when the
 * server sent strict numeric strings; unknown members are kept.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/DeviceAuthorizationResponse.md
 */
export interface DeviceAuthorizationResponse {
  /** The device verification code: a secret, never to be shown or logged (RFC 8628 §5.2). */
  readonly device_code: string;
  /** The end-user verification code, to show verbatim (RFC 8628 §3.3, §6.1). */
  readonly user_code: string;
  /** Where the user enters the code (RFC 8628 §3.2). */
  readonly verification_uri: string;
  /** The same, with the code included, e.g. for a QR code (RFC 8628 §3.3.1). */
  readonly verification_uri_complete?: string;
  /** Lifetime of the codes in seconds (RFC 8628 §3.2). */
  readonly expires_in: number;
  /** Minimum seconds between polls (RFC 8628 §3.2); 5 when absent. */
  readonly interval?: number;
  readonly [parameter: string]: unknown;
}

/**
 * The body of a successful answer, or a throw: the typed error of an RFC 6749 §5.2 answer
 * (secrets redacted, with the `extras` given), or a typed error for a body that is not a JSON object.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function answerBody(http: HttpResponse, secrets: readonly string[], extras: ErrorExtras | undefined): JsonObject {
  const { response } = http;
  // rfc8628:3.2:error-response rfc6749:5.2:error-member rfc8707:2:invalid-target: "the authorization server responds in the same way as the token endpoint specified in Section 5.2 of [RFC6749]."; any status but 200 is an error, and polling never starts.
  if (response.status !== 200) throw answerError(http, secrets, extras);
  // rfc8628:3.2:json-200 rfc6749:10.14:validate-input: "using the "application/json" format [RFC8259] with a 200 (OK) status code"; the body must be a JSON object.
  const body = readJsonObject(response, http.text);
  // dg:tolerance:error-in-200: an `error` member in a 200 is an error, never a success.
  const error = readOAuthError(body, secrets);
  if (error !== undefined) throw new ResponseBodyError(error, response);
  // dg:tolerance:error-in-200: an error member that is not a string is refused (OAUTH_INVALID_RESPONSE), never read as a success.
  if (body['error'] !== undefined) throw invalidMember('error', 'a string');
  return body;
}

/**
 * The members RFC 8628 §3.2 requires, each of its type; numbers sent as strict numeric strings
 * come back as numbers. Every other member is kept as sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function deviceAuthorizationMembers(body: JsonObject): DeviceAuthorizationResponse {
  // rfc8628:3.2:required-members rfc6749:10.14:validate-input dg:security:wrong-types-rejected: "device_code REQUIRED. The device verification code."; user_code, verification_uri and expires_in are REQUIRED too, each of its type.
  requireString(body, 'device_code');
  requireString(body, 'user_code');
  requireString(body, 'verification_uri');
  // rfc8628:3.2:verification-uri-complete-optional: "verification_uri_complete OPTIONAL."; accepted without it, and a string when present.
  optionalString(body, 'verification_uri_complete');
  // rfc8628:3.2:required-members dg:tolerance:numeric-strings: "expires_in REQUIRED."; a positive number, or a strict numeric string.
  const expiresIn = optionalSeconds(body, 'expires_in', true);
  if (expiresIn === undefined) throw invalidMember('expires_in', 'a positive number');
  // dg:polling:interval-floor: an interval of 0 is floored by the poller, not refused.
  const interval = optionalSeconds(body, 'interval', false);
  // rfc8628:3.3:user-instructions dg:compat:device-response-shape: "the client displays or otherwise communicates the "user_code" and the "verification_uri" to the end user"; both are returned exactly as sent, with every unknown member.
  const result: Record<string, unknown> = { ...body, expires_in: expiresIn };
  if (interval !== undefined) result['interval'] = interval;
  return result as DeviceAuthorizationResponse;
}

/**
 * The device authorization response in `http`, or a throw: the typed error of an RFC 6749 §5.2
 * answer (secrets redacted), or OAUTH_INVALID_RESPONSE when a required member is missing or
 * of the wrong type. Numbers sent as strict numeric strings come back as numbers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function readDeviceAuthorizationAnswer(http: HttpResponse, secrets: readonly string[], extras?: ErrorExtras): DeviceAuthorizationResponse {
  // dg:sansio:entry: the answer is read as given; nothing is sent, and no URL is parsed.
  return deviceAuthorizationMembers(answerBody(http, secrets, extras));
}
