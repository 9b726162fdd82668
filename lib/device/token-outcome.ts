/**
 * Classifies what the token endpoint answered while polling (RFC 8628 §3.5) into the polling
 * machine's vocabulary ({@link TokenOutcome}): keep polling, slow down, back off, stop, or a
 * token. A success is validated (RFC 6749 §5.1) and its ID token checked (OIDC Core §3.1.3.7)
 * here, so that a bad answer is terminal before the machine sees it. Pure: it reads the response
 * it is given and nothing else.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { ClientError, ResponseBodyError, type OAuthErrorBody } from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { optionalSeconds, parseJsonObject, type JsonObject } from '../http/json.ts';
import { parseRetryAfter } from '../http/retry-after.ts';
import type { ClientMetadata, ServerMetadata } from '../oauth/metadata.ts';
import { errorFromResponse, readOAuthError } from '../oauth/oauth-error.ts';
import { validateTokenResponse } from '../oauth/token-response.ts';
import { idTokenClaims } from '../oauth/token-result.ts';
import type { TokenOutcome } from './polling-machine.ts';

/**
 * What {@link classifyTokenResponse} checks a success against.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7.1 (token types)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export interface ClassifyOptions {
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[] | undefined;
  /**
   * The metadata an ID token is checked against (OIDC Core §3.1.3.7), and the clock in ms.
   * Without it, an ID token is passed on unchecked.
   */
  idToken?: { server: ServerMetadata; client: ClientMetadata; now: number } | undefined;
}

/** An RFC 8628 §3.5 error code other than authorization_pending mapped to its outcome. */
function byErrorCode(error: OAuthErrorBody, http: HttpResponse, retryAfter: number | undefined): TokenOutcome {
  const wait = retryAfter === undefined ? {} : { retryAfter };
  // authorization_pending never gets here: classifyTokenResponse takes it first.
  // rfc8628:3.5:slow-down: "the authorization request is still pending and polling should continue, but the interval MUST be increased by 5 seconds for this and all subsequent requests."
  if (error.error === 'slow_down') {
    // dg:polling:slow-down-server-interval: a larger server-sent interval is honoured; a malformed one is ignored.
    let interval: number | undefined;
    try {
      interval = optionalSeconds(error.raw, 'interval', true);
    } catch {
      interval = undefined;
    }
    return { kind: 'slow_down', ...wait, ...(interval === undefined ? {} : { interval }) };
  }
  // rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error rfc8707:2:invalid-target: "If the client receives an error response with any other error code, it MUST stop polling and SHOULD react accordingly"; the error keeps the server's error, error_description and error_uri.
  return { kind: 'terminal', error: new ResponseBodyError(error, http.response) };
}

function isTransientStatus(status: number): boolean {
  // dg:polling:transient-classes: 408, 429 and any 5xx are transient.
  return status === 408 || status === 429 || status >= 500;
}

/**
 * dg:tolerance:token-body-json: the body is parsed whatever its Content-Type says. A token sent
 * with a wrong media type is still a token; retrying would redeem the device_code twice and lose it.
 */
function jsonBody(http: HttpResponse): JsonObject | ClientError {
  try {
    return parseJsonObject(http.text);
  } catch (error) {
    return error as ClientError; // parseJsonObject throws only ClientErrors (nesting is bounded)
  }
}

/**
 * Classifies a token endpoint answer, following the table in spec/design.md: 408/429/5xx and non-JSON 200s
 * are transient unless they carry authorization_pending or slow_down; OAuth error bodies go by
 * their code; everything else that is not a valid token is terminal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see spec/design.md ("Classifying a token endpoint answer")
 */
export function classifyTokenResponse(http: HttpResponse, secrets: readonly string[], options: ClassifyOptions = {}): TokenOutcome {
  const { status } = http.response;
  // dg:polling:retry-after: a Retry-After on the answer can only lengthen the next wait.
  const retryAfter = parseRetryAfter(http.response.headers.get('retry-after'), http.receivedAt);
  const wait = retryAfter === undefined ? {} : { retryAfter };
  // dg:tolerance:token-body-json: the body is read as JSON whatever its Content-Type says.
  const body = jsonBody(http);
  const json = body instanceof ClientError ? undefined : body;
  // rfc8628:3.5:pending-repeat dg:polling:transient-classes: "The client SHOULD repeat the access token request to the token endpoint (a process known as polling)."; the common answer, taken before any copying or redaction, whatever the status.
  if (json?.['error'] === 'authorization_pending') return { kind: 'pending', ...wait };
  // Read once (parsed and redacted), and handed on to errorFromResponse below.
  // dg:tolerance:error-in-200 rfc6749:5.2:error-member: "error REQUIRED. A single ASCII [USASCII] error code"; a string error member is that OAuth error, in a 200 too.
  const error = json === undefined ? undefined : readOAuthError(json, secrets);
  if (error !== undefined) {
    const outcome = byErrorCode(error, http, retryAfter);
    if (outcome.kind !== 'terminal' || (status !== 401 && !isTransientStatus(status))) return outcome;
  }
  // dg:polling:transient-classes: a transient status without authorization_pending or slow_down is retried after a backoff.
  if (isTransientStatus(status)) {
    return { kind: 'transient', error: errorFromResponse(http, secrets, error, json), ...wait };
  }
  // dg:polling:terminal-classes: any other status (a 3xx, a 4xx without an OAuth error body) ends polling with a typed error.
  if (status !== 200) return { kind: 'terminal', error: errorFromResponse(http, secrets, error, json) };
  // dg:polling:transient-classes dg:polling:terminal-classes rfc6749:5.1:json-object: "The parameters are serialized into a JavaScript Object Notation (JSON) structure by adding each parameter at the highest structure level."; a 200 that is not JSON (a captive portal) is transient, JSON that is not an object is terminal.
  if (body instanceof ClientError) {
    return body.code === 'OAUTH_INVALID_RESPONSE' ? { kind: 'terminal', error: body } : { kind: 'transient', error: body, ...wait };
  }
  try {
    // dg:polling:terminal-classes dg:tolerance:error-in-200: an error member that is not a string is refused, never read as a success.
    if (body['error'] !== undefined) throw new ClientError('response body "error" property must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
    // dg:polling:terminal-classes: a 200 that is not a valid token response ends polling with a typed error.
    const token = validateTokenResponse(body, options.allowedTokenTypes);
    // dg:polling:done-carries-result: the ID token is checked as part of classifying (OIDC Core §3.1.3.7: a bad one is terminal), and the outcome carries the token, its claims and its arrival time.
    const check = options.idToken;
    const claims = check === undefined ? undefined : idTokenClaims(token, check.server, check.client, check.now);
    return { kind: 'token', body: token, receivedAt: http.receivedAt, claims };
  } catch (cause) {
    return { kind: 'terminal', error: cause as Error };
  }
}

/**
 * Classifies a request that produced no response: network faults, request timeouts and
 * oversized bodies are transient (RFC 8628 §3.5: back off and retry); everything else is
 * terminal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function classifyRequestFailure(error: unknown): TokenOutcome {
  const code = error instanceof ClientError ? error.code : undefined;
  // rfc8628:3.5:timeout-backoff dg:polling:transient-classes: "On encountering a connection timeout, clients MUST unilaterally reduce their polling frequency before retrying."; network errors, timeouts and oversized bodies are transient.
  if (code === 'OAUTH_NETWORK_ERROR' || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_TOO_LARGE') {
    return { kind: 'transient', error: error as ClientError };
  }
  return { kind: 'terminal', error: error as Error };
}
