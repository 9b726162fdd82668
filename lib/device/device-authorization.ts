/**
 * The device authorization request (RFC 8628 §3.1) and the validation of its response (§3.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @module
 */

import { endpoint, requestContext, type Configuration } from '../oauth/configuration.ts';
import { ClientError, checkOption, typedError } from '../errors.ts';
import { requireObject, type JsonObject } from '../http/json.ts';
import { checkSignal } from '../http/signal.ts';
import { FULL_EXTRAS } from '../oauth/oauth-error.ts';
import { requestParameters, type RequestParameters } from '../oauth/parameters.ts';
import { profileHint } from '../oauth/profile-hint.ts';
import { postForm, type PostResult } from '../oauth/request.ts';
import { isDPoPHandle, type DPoPHandle } from '../oauth/dpop-handle.ts';
import { answerBody, deviceAuthorizationMembers, type DeviceAuthorizationResponse } from './authorization-answer.ts';

export type { DeviceAuthorizationResponse } from './authorization-answer.ts';

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
  /**
   * A DPoP handle: its key's thumbprint goes as `dpop_jkt` (RFC 9449 §10), binding the codes to
   * the key, and a `DPoP-Nonce` in the answer is kept for the polls. Optional.
   */
  DPoP?: DPoPHandle;
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
  // dg:security:verification-uri-scheme: a relative URI, javascript:, data: or any scheme besides http and https gets its own code, OAUTH_INVALID_VERIFICATION_URI.
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ClientError(`"${name}" must be an absolute https URL`, { code: 'OAUTH_INVALID_VERIFICATION_URI' });
  }
  // dg:security:verification-uri-https: the user opens this URL and types the code there, so http only with allowInsecureRequests.
  if (url.protocol === 'http:' && !allowInsecure) {
    throw new ClientError(`"${name}" must use https`, { code: 'OAUTH_INSECURE_VERIFICATION_URI' });
  }
  // rfc8628:5.3:verification-uri-no-userinfo: https://accounts.example@evil.example/ shows one host and opens another.
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
  // dg:security:wrong-types-rejected: a body that is not an object is the typed error a non-object JSON body gets.
  requireObject(body);
  try {
    return validated(body, allowInsecure);
  } catch (error) {
    // dg:security:answer-firewall: a raw error of the reading becomes a typed one.
    const typed = typedError(error);
    // dg:profiles:hint dg:profiles:without: a known provider's member names the profile that translates it.
    typed.message += profileHint(body);
    throw typed;
  }
}

function validated(body: JsonObject, allowInsecure: boolean): DeviceAuthorizationResponse {
  const response = deviceAuthorizationMembers(body);
  // dg:security:verification-uri-https dg:security:verification-uri-scheme: both URIs are checked before anything is returned.
  checkVerificationUri('verification_uri', response.verification_uri, allowInsecure);
  if (response.verification_uri_complete !== undefined) checkVerificationUri('verification_uri_complete', response.verification_uri_complete, allowInsecure);
  return response;
}

/**
 * Reads a device authorization answer: an RFC 6749 §5.2 error for anything but a 200 JSON object
 * without an `error` member, else the validated response (RFC 8628 §3.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function readDeviceAuthorizationResponse({ http, secrets }: Pick<PostResult, 'http' | 'secrets'>, allowInsecure: boolean): DeviceAuthorizationResponse {
  try {
    return validateDeviceAuthorizationResponse(answerBody(http, secrets, FULL_EXTRAS), allowInsecure);
  } catch (error) {
    // dg:security:answer-firewall: whatever the server answered, the caller gets a typed error.
    throw typedError(error);
  }
}

/**
 * Starts the device flow: sends the device authorization request (RFC 8628 §3.1) and returns the
 * validated response (§3.2). openid-client v6's signature, plus an optional `options`.
 *
 * @param parameters Extra parameters such as `scope` and (repeatable) `resource` (RFC 8707).
 * @example
 * ```ts
 * import { discovery, initiateDeviceAuthorization } from 'device-grant';
 *
 * const config = await discovery(new URL('https://auth.example.com'), 'my-tv-app');
 * const device = await initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
 * // RFC 8628 §3.3: show the user where to go and the code to type there.
 * console.log(`Open ${device.verification_uri} and enter ${device.user_code}`);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://github.com/panva/openid-client/blob/main/docs/functions/initiateDeviceAuthorization.md
 */
export async function initiateDeviceAuthorization(
  config: Configuration,
  parameters?: RequestParameters,
  options?: DeviceAuthorizationRequestOptions,
): Promise<DeviceAuthorizationResponse> {
  // dg:compat:arg-errors dg:compat:signal-argument dg:dpop:handle-argument: every option is checked before the request (a bad clock would fail only once it was sent).
  checkOption(options?.now, 'now', (now) => typeof now === 'function', 'a function');
  checkSignal(options?.signal);
  checkOption(options?.DPoP, 'DPoP', isDPoPHandle, 'a DPoP handle');
  const context = requestContext(config, options?.now);
  // rfc8628:3.1:scope-optional rfc8628:3.1:no-repeated-params rfc6749:3.3:scope-verbatim rfc6749:10.3:minimal-scope rfc8707:2:resource-optional: "OPTIONAL. The scope of the access request as defined by Section 3.3 of [RFC6749]."; only the caller's parameters, and no default scope.
  const params = requestParameters(parameters, []);
  const dpop = options?.DPoP;
  // rfc9449:10:dpop-jkt: dpop_jkt is "the JWK Thumbprint [RFC7638] of the proof-of-possession public key"
  if (dpop !== undefined) params.set('dpop_jkt', await dpop.thumbprint());
  const url = endpoint(context.server, 'device_authorization_endpoint');
  // rfc8628:3.1:post-form rfc8628:4:device-endpoint-metadata: "by making an HTTP "POST" request to the device authorization endpoint"
  const sent = await postForm(context, url, params, options?.signal);
  // dg:dpop:nonce-every-response: a nonce given here saves the first poll a retry
  dpop?.observe(url, sent.http.response);
  const response = readDeviceAuthorizationResponse(sent, context.http.allowInsecureRequests);
  // dg:compat:device-response-shape: the arrival time lives in a WeakMap, so the object has no extra visible property.
  arrivals.set(response, sent.http.receivedAt);
  return response;
}
