/**
 * The device authorization request (RFC 8628 §3.1) and the validation of its response (§3.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @module
 */

import { endpoint, requestContext, type Configuration } from '../oauth/configuration.ts';
import { ClientError, ResponseBodyError } from '../errors.ts';
import { isJsonMediaType, optionalSeconds, optionalString, parseJsonObject, requireString, type JsonObject } from '../http/json.ts';
import { errorFromResponse, readOAuthError, tryReadOAuthError } from '../oauth/oauth-error.ts';
import { requestParameters, type RequestParameters } from '../oauth/parameters.ts';
import { postForm, type PostResult } from '../oauth/request.ts';

/**
 * A validated device authorization response (RFC 8628 §3.2). Numbers are numbers even when the
 * server sent strict numeric strings; unknown members are kept.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
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
 * Options of {@link initiateDeviceAuthorization} (our addition to openid-client's signature).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export interface DeviceAuthorizationRequestOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The clock (ms since the epoch) that stamps the response's arrival; `Date.now` by default. */
  now?: () => number;
}

// Arrival times, kept off the object so that the response stays exactly what the server sent.
const arrivals = new WeakMap<DeviceAuthorizationResponse, number>();

/**
 * When the response arrived (ms since the epoch), the start of its `expires_in` lifetime.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function deviceAuthorizationReceivedAt(response: DeviceAuthorizationResponse): number | undefined {
  return arrivals.get(response);
}

/** dg:security: a verification URI is absolute https (http only with the opt-in); anything else is refused. */
function checkVerificationUri(name: string, value: string, allowInsecure: boolean): void {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ClientError(`"${name}" must be an absolute https URL`, { code: 'OAUTH_INVALID_VERIFICATION_URI' });
  }
  if (url.protocol === 'http:' && !allowInsecure) {
    throw new ClientError(`"${name}" must use https`, { code: 'OAUTH_INSECURE_VERIFICATION_URI' });
  }
  // rfc8628:5.4:verification-uri-userinfo: https://accounts.example@evil.example/ shows one host and opens another.
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/?#]*@/i.test(value)) {
    throw new ClientError(`"${name}" must not contain userinfo`, { code: 'OAUTH_INVALID_VERIFICATION_URI' });
  }
}

/**
 * Validates a device authorization response body (RFC 8628 §3.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function validateDeviceAuthorizationResponse(body: JsonObject, allowInsecure: boolean): DeviceAuthorizationResponse {
  // RFC 8628 §3.2: device_code, user_code, verification_uri and expires_in are REQUIRED.
  requireString(body, 'device_code');
  requireString(body, 'user_code');
  const verificationUri = requireString(body, 'verification_uri');
  const complete = optionalString(body, 'verification_uri_complete');
  const expiresIn = optionalSeconds(body, 'expires_in', true);
  if (expiresIn === undefined) {
    throw new ClientError('response body "expires_in" property must be a positive number', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  // dg:polling:interval-floor: an interval of 0 is floored by the poller, not refused.
  const interval = optionalSeconds(body, 'interval', false);
  checkVerificationUri('verification_uri', verificationUri, allowInsecure);
  if (complete !== undefined) checkVerificationUri('verification_uri_complete', complete, allowInsecure);
  const result = { ...body, expires_in: expiresIn } as Record<string, unknown>;
  if (interval !== undefined) result['interval'] = interval;
  return result as DeviceAuthorizationResponse;
}

function readResponse({ http, secrets }: PostResult, allowInsecure: boolean): DeviceAuthorizationResponse {
  // RFC 8628 §3.2: errors use the RFC 6749 §5.2 format.
  if (http.response.status !== 200) throw errorFromResponse(http, secrets, tryReadOAuthError(http, secrets));
  if (!isJsonMediaType(http.response.headers)) {
    throw new ClientError('response content-type must be application/json', { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
  }
  const body = parseJsonObject(http.text);
  // dg:tolerance: an `error` member in a 200 is an error, never a success.
  const error = readOAuthError(body, secrets);
  if (error !== undefined) throw new ResponseBodyError(error, http.response);
  if (body['error'] !== undefined) {
    // As at the token endpoint: an error member that is not a string is never read as a success.
    throw new ClientError('response body "error" property must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  return validateDeviceAuthorizationResponse(body, allowInsecure);
}

/**
 * Starts the device flow: sends the device authorization request (RFC 8628 §3.1) and returns the
 * validated response (§3.2). openid-client v6's signature, plus an optional `options`.
 *
 * @param parameters Extra parameters such as `scope` and (repeatable) `resource` (RFC 8707).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function initiateDeviceAuthorization(
  config: Configuration,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationRequestOptions,
): Promise<DeviceAuthorizationResponse> {
  const context = requestContext(config, options?.now);
  const params = requestParameters(parameters, []);
  const sent = await postForm(context, endpoint(context.server, 'device_authorization_endpoint'), params, options?.signal);
  const response = readResponse(sent, context.http.allowInsecureRequests);
  arrivals.set(response, sent.http.receivedAt);
  return response;
}
