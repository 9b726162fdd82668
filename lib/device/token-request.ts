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
  const params = requestParameters(parameters, ['grant_type', 'device_code']);
  params.set('grant_type', DEVICE_CODE_GRANT_TYPE); // RFC 8628 §3.4: REQUIRED, this exact value
  params.set('device_code', deviceCode); // RFC 8628 §3.4: REQUIRED, verbatim from §3.2
  return params;
}
