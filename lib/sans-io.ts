/**
 * device-grant/sans-io: the device flow without I/O, for runtimes that bring their own
 * transport and timers. The pure polling machine, the request builders and the response
 * classifiers: no fetch, no timer, no clock. This file only re-exports.
 *
 * A loop: `readDeviceAuthorizationAnswer` → `initialState` → `step(state, { type: 'start', now })`,
 * then for each command: `sleep` (wait until `until`, then step a `timer` input), `request` (send
 * `deviceTokenRequest(...)`, classify the answer with `classifyTokenAnswer`, step a `response`
 * input), until `done` or `fail`. See conformance/examples/sans-io-loop.ts.
 *
 * Always on: the token type check, secret redaction in errors and the JSON limits. Optional,
 * and bundled only when passed in: the ID token check (`idToken`), DPoP (`dpop`), the
 * `WWW-Authenticate` challenges of a 401 (`challenge`), the provider hint (`hint`), and the
 * verification URI checks (`validateDeviceAuthorizationResponse` from `device-grant`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

export {
  initialState,
  parsePollingState,
  step,
  type InitialStateOptions,
  type PollingCommand,
  type PollingInput,
  type PollingState,
  type PollingStep,
  type TokenOutcome,
} from './device/polling-machine.ts';
export { deviceAuthorizationRequest, deviceTokenRequest } from './device/form-requests.ts';
export { readDeviceAuthorizationAnswer } from './device/authorization-answer.ts';
export type { DeviceAuthorizationResponse } from './device/device-authorization.ts';
export { ClientSecretBasic, ClientSecretPost, None, type ClientAuth } from './oauth/client-auth.ts';
export { formRequest } from './oauth/form-request.ts';
export type { AuthenticatedForm } from './oauth/request.ts';
export type { TokenEndpointResponse } from './oauth/token-response.ts';
export { classifyRequestFailure, classifyTokenAnswer, type TokenAnswerOptions } from './device/token-outcome.ts';
export type { ErrorExtras } from './oauth/oauth-error.ts';
export type { HttpResponse } from './http/http.ts';
export type { ClientMetadata, ServerMetadata } from './oauth/metadata.ts';
export type { RequestParameters } from './oauth/parameters.ts';
export { ClientError, ResponseBodyError, type ErrorCode } from './errors.ts';
