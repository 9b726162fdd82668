// An example for runtimes that bring their own transport: the whole device flow driven from a
// plain loop through device-grant/sans-io. The library sends nothing, sets no timer and reads
// no clock; the loop does all three, through the three functions it is given. Here they are
// synchronous (a blocking transport, a clock the loop may move); with an async transport the
// same loop awaits `send` and `sleepUntil`.

import {
  None,
  classifyRequestFailure,
  classifyTokenAnswer,
  deviceAuthorizationRequest,
  deviceTokenRequest,
  initialState,
  readDeviceAuthorizationAnswer,
  step,
  type AuthenticatedForm,
  type ClientAuth,
  type ClientMetadata,
  type DeviceAuthorizationResponse,
  type PollingStep,
  type ServerMetadata,
  type TokenEndpointResponse,
  type TokenAnswerOptions,
  type TokenOutcome,
} from '../../lib/sans-io.js';

/** What the runtime's transport answers. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The runtime: a blocking POST, a clock, and a way to wait until a time. */
export interface Runtime {
  post(url: string, form: AuthenticatedForm): Answer;
  now(): number;
  sleepUntil(time: number): void;
}

export interface FlowOptions {
  server: ServerMetadata & { token_endpoint: string; device_authorization_endpoint: string };
  client: ClientMetadata;
  auth?: ClientAuth;
  scope?: string;
  /** Shows the user code; the loop carries on at once. */
  show?(response: DeviceAuthorizationResponse): void;
  /**
   * Optional checks for the token classifier, e.g. `idToken` built on `validateIdToken` from
   * device-grant; only what is passed here is bundled.
   */
  checks?: TokenAnswerOptions;
}

/** Sends one form and wraps the answer for the classifiers (they read a web-standard Response). */
function exchange(runtime: Runtime, url: string, form: AuthenticatedForm): { response: Response; text: string; receivedAt: number } {
  const answer = runtime.post(url, form);
  return { response: new Response(null, { status: answer.status, headers: answer.headers }), text: answer.text, receivedAt: runtime.now() };
}

/** Runs the flow to a token; throws the library's typed error when it ends otherwise. */
export function runDeviceFlow(runtime: Runtime, options: FlowOptions): TokenEndpointResponse {
  const { server, client } = options;
  const auth = options.auth ?? None();
  // RFC 8628 §3.1: the device authorization request, built and classified by the library.
  const authorizationForm = deviceAuthorizationRequest(server, client, auth, options.scope === undefined ? undefined : { scope: options.scope }) as AuthenticatedForm;
  const http = exchange(runtime, server.device_authorization_endpoint, authorizationForm);
  // The required members checked; for the https and userinfo checks of the verification URIs, pass
  // the result to validateDeviceAuthorizationResponse from device-grant.
  const device = readDeviceAuthorizationAnswer(http, authorizationForm.secrets);
  options.show?.(device);

  // RFC 8628 §3.4–3.5: the machine decides; the loop performs.
  const tokenForm = deviceTokenRequest(server, client, auth, device.device_code) as AuthenticatedForm;
  const state = initialState({ device_code: device.device_code, interval: device.interval, expires_in: device.expires_in, receivedAt: http.receivedAt });
  let current: PollingStep = step(state, { type: 'start', now: runtime.now() });
  for (;;) {
    const { command } = current;
    if (command.type === 'done') return command.token;
    if (command.type === 'fail') throw command.error;
    if (command.type === 'sleep') {
      runtime.sleepUntil(command.until);
      current = step(current.state, { type: 'timer', now: runtime.now() });
      continue;
    }
    let outcome: TokenOutcome;
    try {
      outcome = classifyTokenAnswer(exchange(runtime, server.token_endpoint, tokenForm), tokenForm.secrets, options.checks);
    } catch (error) {
      // A transport that throws the library's OAUTH_NETWORK_ERROR or OAUTH_TIMEOUT backs off; anything else ends the flow.
      outcome = classifyRequestFailure(error);
    }
    current = step(current.state, { type: 'response', now: runtime.now(), outcome });
  }
}
