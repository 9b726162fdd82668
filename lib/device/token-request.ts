/**
 * The device access token request (RFC 8628 §3.4): its parameters, before client
 * authentication is added by `request.ts`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @module
 */

import { requestParameters, type RequestParameters } from '../oauth/parameters.ts';

/**
 * The grant type of the device flow (RFC 8628 §3.4, §7.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Builds the body of one token request. The device_code goes exactly as it was received; the
 * form encoding (RFC 6749 App. B) happens when the request is sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export function deviceAccessTokenParameters(deviceCode: string, parameters?: RequestParameters): URLSearchParams {
  // rfc8628:3.1:no-repeated-params rfc6749:3.2:no-repeated-params rfc8707:2:resource-optional rfc8707:2.2:token-request: "Request and response parameters MUST NOT be included more than once."; the caller may not set grant_type or device_code, and its resource goes on every poll.
  const params = requestParameters(parameters, ['grant_type', 'device_code']);
  // rfc8628:3.4:grant-type: "Value MUST be set to "urn:ietf:params:oauth:grant-type:device_code"."
  params.set('grant_type', DEVICE_CODE_GRANT_TYPE);
  // rfc8628:3.4:device-code: "The device verification code, "device_code" from the device authorization response, defined in Section 3.2."; sent exactly as received.
  params.set('device_code', deviceCode);
  return params;
}
