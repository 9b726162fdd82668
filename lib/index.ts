/**
 * device-grant: the client side of the OAuth 2.0 Device Authorization Grant (RFC 8628), with
 * openid-client v6's device-flow API. This file only re-exports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @module
 */

// dg:compat:exports dg:runtime:web-standard dg:runtime:other-runtimes: openid-client v6's names; the portable core imports no node: module and runs on web-standard APIs alone.
// This entry, built to dist/lib/index.js with its declarations, is the package's main export; its
// shape (layers, what a consumer installs, the vendorable source) is checked by the structure rows
// of spec/ship.md and spec/project.md, whose tests read the files rather than run them.
export { ClientSecretBasic, ClientSecretPost, None, TlsClientAuth, type ClientAuth } from './oauth/client-auth.ts';
export {
  ClientSecretJwt,
  PrivateKeyJwt,
  modifyAssertion,
  type ModifyAssertionFunction,
  type ModifyAssertionOptions,
  type PrivateKey,
} from './oauth/jwt-client-auth.ts';
export { Configuration, allowInsecureRequests } from './oauth/configuration.ts';
export { enableNonRepudiationChecks } from './oauth/id-token-signature.ts';
export {
  deviceAuthorizationReceivedAt,
  initiateDeviceAuthorization,
  validateDeviceAuthorizationResponse,
  type DeviceAuthorizationRequestOptions,
  type DeviceAuthorizationResponse,
} from './device/device-authorization.ts';
export { discovery, discoveryUrls, type DiscoveryRequestOptions } from './discovery/discovery.ts';
export {
  ClientError,
  RESPONSE_BODY_ERROR,
  ResponseBodyError,
  WWW_AUTHENTICATE_CHALLENGE,
  WWWAuthenticateChallengeError,
  type ClientErrorOptions,
  type ErrorCode,
  type WWWAuthenticateChallenge,
} from './errors.ts';
export { formBody, formEncode } from './oauth/form.ts';
export { MAX_RESPONSE_BYTES, customFetch, type CustomFetch, type CustomFetchOptions } from './http/http.ts';
export { validateIdToken, type IDToken, type IDTokenExpectations } from './oidc/id-token.ts';
export { challengeError } from './oauth/oauth-error.ts';
export { clockSkew, clockTolerance, type ClientMetadata, type ServerMetadata } from './oauth/metadata.ts';
export type { RequestParameters } from './oauth/parameters.ts';
export {
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  type DeviceAuthorizationGrantPollOptions,
  type PollEvent,
} from './device/polling-driver.ts';
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
export { DEVICE_CODE_GRANT_TYPE, deviceAccessTokenParameters } from './device/token-request.ts';
export { validateTokenResponse, type TokenEndpointResponse } from './oauth/token-response.ts';
export { classifyRequestFailure, classifyTokenResponse, type ClassifyOptions } from './device/token-outcome.ts';
export type { TokenEndpointResponseHelpers } from './oauth/token-result.ts';
export { profiles, type Profile, type ProfileFetch, type ProfileName } from './profiles.ts';
// Refresh is its own module; the base flow modules reach DPoP only through the DPoPHandle type (dg:dpop:tree-shake, a structure row).
export { refreshTokenGrant, type RefreshTokenGrantOptions } from './oauth/refresh.ts';
export type { DPoPHandle, DPoPOptions } from './oauth/dpop-handle.ts';
export { getDPoPHandle, type DPoPHandleOptions } from './dpop/handle.ts';
export { randomDPoPKeyPair, type GenerateKeyPairOptions } from './dpop/key-pair.ts';
