/**
 * The two requests of the device flow as data (RFC 8628 §3.1 and §3.4), for callers that bring
 * their own transport. POST each `body` with its `headers` to the endpoint from the server
 * metadata; keep `secrets` to classify the answer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @module
 */

import type { ClientAuth } from '../oauth/client-auth.ts';
import { formRequest } from '../oauth/form-request.ts';
import type { ClientMetadata, ServerMetadata } from '../oauth/metadata.ts';
import { requestParameters, type RequestParameters } from '../oauth/parameters.ts';
import type { AuthenticatedForm } from '../oauth/request.ts';
import { deviceAccessTokenParameters } from './token-request.ts';

/**
 * The device authorization request (RFC 8628 §3.1): `parameters` (scope, resource…) checked as
 * `initiateDeviceAuthorization` checks them, then the client's authentication.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export function deviceAuthorizationRequest(
  server: ServerMetadata,
  client: ClientMetadata,
  auth: ClientAuth,
  parameters?: RequestParameters,
): AuthenticatedForm | Promise<AuthenticatedForm> {
  return formRequest(server, client, auth, requestParameters(parameters, []));
}

/**
 * One device access token request (RFC 8628 §3.4): grant_type, the device_code verbatim, the
 * caller's parameters, then the client's authentication.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export function deviceTokenRequest(
  server: ServerMetadata,
  client: ClientMetadata,
  auth: ClientAuth,
  deviceCode: string,
  parameters?: RequestParameters,
): AuthenticatedForm | Promise<AuthenticatedForm> {
  return formRequest(server, client, auth, deviceAccessTokenParameters(deviceCode, parameters));
}
