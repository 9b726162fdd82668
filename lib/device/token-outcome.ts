/**
 * Classifies what the token endpoint answered while polling (RFC 8628 §3.5) into the polling
 * machine's vocabulary ({@link TokenOutcome}): keep polling, slow down, back off, stop, or a
 * token. A success is validated (RFC 6749 §5.1), and checked by the optional checks the caller
 * injects (the ID token, OIDC Core §3.1.3.7; the DPoP binding), so that a bad answer is terminal
 * before the machine sees it. It reads the response it is given and sends nothing; it calls the
 * DPoP handle, when one is given, to recognise nonce demands and to check the token's binding.
 * {@link classifyTokenAnswer} imports no optional check, so a bundle without them leaves them out.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { ClientError, callerCode, typedError } from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { optionalSeconds, parseJsonObject, type JsonObject } from '../http/json.ts';
import { parseRetryAfter } from '../http/retry-after.ts';
import type { DPoPHandle } from '../oauth/dpop-handle.ts';
import type { ClientMetadata, ServerMetadata } from '../oauth/metadata.ts';
import { challengeError, readOAuthError, responseError, type ErrorExtras } from '../oauth/oauth-error.ts';
import { profileHint } from '../oauth/profile-hint.ts';
import { validateTokenResponse, type TokenEndpointResponse } from '../oauth/token-response.ts';
import { idTokenClaims } from '../oauth/token-result.ts';
import type { IDToken } from '../oidc/id-token.ts';
import type { TokenOutcome } from './polling-machine.ts';

/**
 * What {@link classifyTokenAnswer} checks a success against: always the RFC 6749 §5.1 members and
 * the token type; the rest only when given.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7.1 (token types)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export interface TokenAnswerOptions extends ErrorExtras {
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[] | undefined;
  /**
   * Checks the ID token of a valid token response (OIDC Core §3.1.3.7) and returns its claims
   * (undefined without an ID token); a throw makes the answer terminal, with what it threw as the
   * error. Without it, an ID token
   * is passed on unchecked. E.g. `validateIdToken` from `device-grant`.
   */
  idToken?: ((token: TokenEndpointResponse) => IDToken | undefined) | undefined;
  /** The DPoP handle in use: it recognises `use_dpop_nonce` demands and checks the token's binding. */
  dpop?: Pick<DPoPHandle, 'isNonceDemand' | 'checkBound'> | undefined;
}

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
  /** The DPoP handle in use: it recognises `use_dpop_nonce` demands and checks the token's binding. */
  dpop?: DPoPHandle | undefined;
}

/**
 * {@link classifyTokenAnswer} with every check of the main entry: the ID token against the
 * metadata, the DPoP handle, and the provider hint in error messages.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see spec/design.md ("Classifying a token endpoint answer")
 */
export function classifyTokenResponse(http: HttpResponse, secrets: readonly string[], options: ClassifyOptions = {}): TokenOutcome {
  const check = options.idToken;
  // dg:security:answer-firewall: here the ID token check, the challenge parser and the hint are ours, so a raw error from them is typed; the DPoP handle is the caller's.
  return classifyAnswer(http, secrets, {
    allowedTokenTypes: options.allowedTokenTypes,
    idToken: check && ((token) => idTokenClaims(token, check.server, check.client, check.now)),
    dpop: options.dpop,
    challenge: challengeError,
    hint: profileHint,
  });
}

/** The usual answer while polling, shared: outcomes are read, never written. */
const PENDING: TokenOutcome = Object.freeze({ kind: 'pending' });

function isTransientStatus(status: number): boolean {
  // dg:polling:transient-classes: 408, 429 and any 5xx are transient.
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Classifies a token endpoint answer, following the table in spec/design.md: 408/429/5xx and non-JSON 200s
 * are transient unless they carry authorization_pending or slow_down; OAuth error bodies go by
 * their code; everything else that is not a valid token is terminal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see spec/design.md ("Classifying a token endpoint answer")
 */
export function classifyTokenAnswer(http: HttpResponse, secrets: readonly string[], options: TokenAnswerOptions = {}): TokenOutcome {
  // dg:security:answer-firewall: every hook given here is the caller's code: what it throws is the outcome's error, unchanged.
  return classifyAnswer(http, secrets, { ...options, idToken: callerHook(options.idToken), challenge: callerHook(options.challenge), hint: callerHook(options.hint) });
}

/** The caller's hook, run through {@link callerCode}. */
function callerHook<A extends unknown[], R>(hook: ((...args: A) => R) | undefined): ((...args: A) => R) | undefined {
  return hook && ((...args: A) => callerCode(() => hook(...args)));
}

function classifyAnswer(http: HttpResponse, secrets: readonly string[], options: TokenAnswerOptions): TokenOutcome {
  let outcome: TokenOutcome;
  try {
    // dg:sansio:entry: only the checks passed in run beside the ones every answer gets, so a bundle without them leaves them out.
    outcome = classify(http, secrets, options);
  } catch (error) {
    // dg:security:answer-firewall: a raw error thrown while the answer is read is a typed outcome, never a throw: transient for a status that is retried anyway, else terminal.
    outcome = { kind: isTransientStatus(http.response.status) ? 'transient' : 'terminal', error: typedError(error) } as TokenOutcome;
  }
  // rfc9449:8:nonce-retry: a use_dpop_nonce answer (400 body or 401 DPoP challenge) is told apart from other errors
  return outcome.kind === 'terminal' && options.dpop?.isNonceDemand(outcome.error) ? { ...outcome, kind: 'use_dpop_nonce' } : outcome;
}

function classify(http: HttpResponse, secrets: readonly string[], options: TokenAnswerOptions): TokenOutcome {
  const { status } = http.response;
  // dg:polling:retry-after: a Retry-After on the answer can only lengthen the next wait.
  const retryAfter = parseRetryAfter(http.response.headers.get('retry-after'), http.receivedAt);
  // One outcome of each kind that can wait, with retryAfter only when the server sent one.
  const waiting = (outcome: { kind: 'transient' | 'slow_down'; error?: Error; interval?: number }): TokenOutcome =>
    (retryAfter === undefined ? outcome : { ...outcome, retryAfter }) as TokenOutcome;
  // dg:tolerance:token-body-json: the body is parsed whatever its Content-Type says. A token sent
  // with a wrong media type is still a token; retrying would redeem the device_code twice and lose it.
  let json: JsonObject | undefined;
  let parseError: ClientError | undefined;
  try {
    json = parseJsonObject(http.text);
  } catch (error) {
    parseError = error as ClientError; // parseJsonObject throws only ClientErrors (nesting is bounded)
  }
  // rfc8628:3.5:pending-repeat dg:polling:transient-classes: "The client SHOULD repeat the access token request to the token endpoint (a process known as polling)."; the common answer, taken before any copying or redaction, whatever the status.
  if (json?.['error'] === 'authorization_pending') return retryAfter === undefined ? PENDING : { kind: 'pending', retryAfter };
  // Read once (parsed and redacted), and handed on to responseError below.
  // dg:tolerance:error-in-200 rfc6749:5.2:error-member: "error REQUIRED. A single ASCII [USASCII] error code"; a string error member is that OAuth error, in a 200 too.
  const error = json && readOAuthError(json, secrets);
  // rfc8628:3.5:slow-down: "the authorization request is still pending and polling should continue, but the interval MUST be increased by 5 seconds for this and all subsequent requests."
  if (error?.error === 'slow_down') {
    // dg:polling:slow-down-server-interval: a larger server-sent interval is honoured; a malformed one is ignored.
    let interval: number | undefined;
    try {
      interval = optionalSeconds(error.raw, 'interval', true);
    } catch {
      interval = undefined;
    }
    return waiting(interval === undefined ? { kind: 'slow_down' } : { kind: 'slow_down', interval });
  }
  // dg:polling:transient-classes: a transient status without authorization_pending or slow_down is retried after a backoff.
  if (isTransientStatus(status)) return waiting({ kind: 'transient', error: responseError(http, secrets, error, json, options) });
  // rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error rfc8707:2:invalid-target: "If the client receives an error response with any other error code, it MUST stop polling and SHOULD react accordingly"; the error keeps the server's error, error_description and error_uri.
  // rfc7523:3.2:invalid-client: a refused assertion comes back as invalid_client ("MUST be the "invalid_client" error code"): terminal, kept in a ResponseBodyError, never polled again
  // dg:polling:terminal-classes: any other status (a 3xx, a 4xx without an OAuth error body) ends polling with a typed error.
  if (error !== undefined || status !== 200) return { kind: 'terminal', error: responseError(http, secrets, error, json, options) };
  // dg:polling:transient-classes dg:polling:terminal-classes rfc6749:5.1:json-object: "The parameters are serialized into a JavaScript Object Notation (JSON) structure by adding each parameter at the highest structure level."; a 200 that is not JSON (a captive portal) is transient, JSON that is not an object is terminal.
  if (json === undefined) {
    return parseError?.code === 'OAUTH_INVALID_RESPONSE' ? { kind: 'terminal', error: parseError } : waiting({ kind: 'transient', error: parseError as ClientError });
  }
  // A throw from here on is a terminal outcome (the status is 200), typed by the firewall.
  // dg:polling:terminal-classes dg:tolerance:error-in-200: an error member that is not a string is refused, never read as a success.
  if (json['error'] !== undefined) throw new ClientError('response body "error" property must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
  // dg:polling:terminal-classes: a 200 that is not a valid token response ends polling with a typed error.
  const token = validateTokenResponse(json, options.allowedTokenTypes);
  // rfc9449:5:token-type-dpop dg:security:answer-firewall: with DPoP, a token that is not DPoP-bound is discarded (terminal); the handle is the caller's code, its error passes unchanged
  callerCode(() => options.dpop?.checkBound(token));
  // dg:polling:done-carries-result: the ID token is checked as part of classifying (OIDC Core §3.1.3.7: a bad one is terminal), and the outcome carries the token, its claims and its arrival time.
  return { kind: 'token', body: token, receivedAt: http.receivedAt, claims: options.idToken?.(token) };
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
