/**
 * device-grant: the client side of the OAuth 2.0 Device Authorization Grant (RFC 8628), with
 * openid-client v6's device-flow API. This file only re-exports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @module
 */

export { ClientSecretBasic, ClientSecretPost, None, type ClientAuth } from './client-auth.js';
export { Configuration, allowInsecureRequests } from './configuration.js';
export {
  deviceAuthorizationReceivedAt,
  initiateDeviceAuthorization,
  validateDeviceAuthorizationResponse,
  type DeviceAuthorizationRequestOptions,
  type DeviceAuthorizationResponse,
} from './device-authorization.js';
export { discovery, discoveryUrls, type DiscoveryRequestOptions } from './discovery.js';
export {
  ClientError,
  RESPONSE_BODY_ERROR,
  ResponseBodyError,
  WWW_AUTHENTICATE_CHALLENGE,
  WWWAuthenticateChallengeError,
  type ClientErrorOptions,
  type ErrorCode,
  type WWWAuthenticateChallenge,
} from './errors.js';
export { formBody, formEncode } from './form.js';
export { MAX_RESPONSE_BYTES, customFetch, type CustomFetch, type CustomFetchOptions } from './http.js';
export { validateIdToken, type IDToken, type IDTokenExpectations } from './id-token.js';
export { clockSkew, clockTolerance, type ClientMetadata, type ServerMetadata } from './metadata.js';
export type { RequestParameters } from './parameters.js';
export {
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  type DeviceAuthorizationGrantPollOptions,
  type PollEvent,
} from './poll.js';
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
} from './polling.js';
export { DEVICE_CODE_GRANT_TYPE, deviceAccessTokenParameters } from './token-request.js';
export {
  classifyRequestFailure,
  classifyTokenResponse,
  validateTokenResponse,
  type TokenEndpointResponse,
  type TokenOutcome,
} from './token-response.js';
export type { TokenEndpointResponseHelpers } from './token-result.js';
