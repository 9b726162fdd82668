/**
 * device-grant/sans-io: the device flow without I/O, for runtimes that bring their own
 * transport and timers. The pure polling machine, the request builders and the response
 * classifiers: no fetch, no timer, no clock. This file only re-exports.
 *
 * A loop: `initialState` → `step(state, { type: 'start', now })`, then for each command:
 * `sleep` (wait until `until`, then step a `timer` input), `request` (send
 * `deviceTokenRequest(...)`, classify the answer with `classifyTokenResponse`, step a `response`
 * input), until `done` or `fail`. See conformance/examples/sans-io-loop.ts.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

export {
  DEFAULT_BACKOFF_CAP,
  DEFAULT_INTERVAL,
  SLOW_DOWN_INCREMENT,
  expiredError,
  initialState,
  parsePollingState,
  step,
  transientWait,
  type InitialStateOptions,
  type PollingCommand,
  type PollingInput,
  type PollingState,
  type PollingStep,
  type TokenOutcome,
} from './device/polling-machine.ts';
export { deviceAuthorizationRequest, deviceTokenRequest } from './device/form-requests.ts';
export { DEVICE_CODE_GRANT_TYPE } from './device/token-request.ts';
export { readDeviceAuthorizationResponse, validateDeviceAuthorizationResponse, type DeviceAuthorizationResponse } from './device/device-authorization.ts';
export { ClientSecretBasic, ClientSecretPost, None, type ClientAuth } from './oauth/client-auth.ts';
export { formRequest } from './oauth/form-request.ts';
export type { AuthenticatedForm, PostResult } from './oauth/request.ts';
export { validateTokenResponse, type TokenEndpointResponse } from './oauth/token-response.ts';
export { classifyRequestFailure, classifyTokenResponse, type ClassifyOptions } from './device/token-outcome.ts';
export type { HttpResponse } from './http/http.ts';
export { parseJsonObject } from './http/json.ts';
export type { ClientMetadata, ServerMetadata } from './oauth/metadata.ts';
export type { RequestParameters } from './oauth/parameters.ts';
export { ClientError, ResponseBodyError, WWWAuthenticateChallengeError, type ErrorCode } from './errors.ts';
