/**
 * Classifies what the token endpoint answered while polling (RFC 8628 §3.5) and validates a
 * successful answer (RFC 6749 §5.1). Pure: it reads the response it is given and nothing else.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @module
 */

import { ClientError, ResponseBodyError, type OAuthErrorBody } from '../errors.ts';
import type { HttpResponse } from '../http/http.ts';
import { optionalSeconds, optionalString, parseJsonObject, requireString, type JsonObject } from '../http/json.ts';
import { errorFromResponse, readOAuthError } from './oauth-error.ts';
import { parseRetryAfter } from '../http/retry-after.ts';

/**
 * A successful token response (RFC 6749 §5.1). `token_type` is lower-cased; unknown members
 * stay at the top level; `scope` is only what the server sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenEndpointResponse {
  readonly access_token: string;
  readonly token_type: Lowercase<string>;
  readonly expires_in?: number;
  readonly refresh_token?: string;
  readonly scope?: string;
  readonly id_token?: string;
  readonly [parameter: string]: unknown;
}

/**
 * What one poll produced, as input for the polling machine.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export type TokenOutcome =
  | { kind: 'token'; body: TokenEndpointResponse }
  | { kind: 'pending'; retryAfter?: number }
  | { kind: 'slow_down'; interval?: number; retryAfter?: number }
  | { kind: 'terminal'; error: Error }
  | { kind: 'transient'; error: Error; retryAfter?: number };

/** The usual answer while polling, shared: outcomes are read, never written. */
const PENDING: TokenOutcome = Object.freeze({ kind: 'pending' });

/** Token types this library knows how to use (RFC 6749 §7.1); others need the caller's consent. */
const KNOWN_TOKEN_TYPES = ['bearer', 'dpop'];

/**
 * Validates a success body (RFC 6749 §5.1) and lower-cases `token_type`. A token type other
 * than bearer or dpop is refused unless listed in `allowedTokenTypes` (RFC 6749 §7.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7.1
 */
export function validateTokenResponse(body: JsonObject, allowedTokenTypes: readonly string[] = []): TokenEndpointResponse {
  requireString(body, 'access_token');
  const tokenType = requireString(body, 'token_type').toLowerCase();
  if (!KNOWN_TOKEN_TYPES.includes(tokenType) && !allowedTokenTypes.some((t) => t.toLowerCase() === tokenType)) {
    throw new ClientError('unsupported "token_type" value', { code: 'OAUTH_UNSUPPORTED_TOKEN_TYPE' });
  }
  const expiresIn = optionalSeconds(body, 'expires_in', false);
  optionalString(body, 'refresh_token');
  optionalString(body, 'scope');
  optionalString(body, 'id_token');
  const result: Record<string, unknown> = { ...body, token_type: tokenType };
  if (expiresIn !== undefined) result['expires_in'] = expiresIn;
  return result as TokenEndpointResponse;
}

/** An RFC 8628 §3.5 error code other than authorization_pending mapped to its outcome. */
function byErrorCode(error: OAuthErrorBody, http: HttpResponse, retryAfter: number | undefined): TokenOutcome {
  const wait = retryAfter === undefined ? {} : { retryAfter };
  // authorization_pending never gets here: classifyTokenResponse takes it first.
  if (error.error === 'slow_down') {
    // dg:polling: a larger server-sent interval is honoured; a malformed one is ignored.
    let interval: number | undefined;
    try {
      interval = optionalSeconds(error.raw, 'interval', true);
    } catch {
      interval = undefined;
    }
    return { kind: 'slow_down', ...wait, ...(interval === undefined ? {} : { interval }) };
  }
  // RFC 8628 §3.5: any other error code ends polling.
  return { kind: 'terminal', error: new ResponseBodyError(error, http.response) };
}

function isTransientStatus(status: number): boolean {
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
 * Classifies a token endpoint answer, following DESIGN's table: 408/429/5xx and non-JSON 200s
 * are transient unless they carry authorization_pending or slow_down; OAuth error bodies go by
 * their code; everything else that is not a valid token is terminal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function classifyTokenResponse(http: HttpResponse, secrets: readonly string[], allowedTokenTypes?: readonly string[]): TokenOutcome {
  const { status } = http.response;
  const retryAfter = parseRetryAfter(http.response.headers.get('retry-after'), http.receivedAt);
  const body = jsonBody(http);
  // The common answer, taken before any copying or redaction: RFC 8628 §3.5, keep polling.
  if (!(body instanceof ClientError) && body['error'] === 'authorization_pending') return retryAfter === undefined ? PENDING : { kind: 'pending', retryAfter };
  const wait = retryAfter === undefined ? {} : { retryAfter };
  // Read once (parsed and redacted), and handed on to errorFromResponse below.
  const error = body instanceof ClientError ? undefined : readOAuthError(body, secrets);
  if (error !== undefined) {
    const outcome = byErrorCode(error, http, retryAfter);
    if (outcome.kind !== 'terminal' || (status !== 401 && !isTransientStatus(status))) return outcome;
  }
  if (isTransientStatus(status)) {
    return { kind: 'transient', error: errorFromResponse(http, secrets, error), ...wait };
  }
  if (status !== 200) return { kind: 'terminal', error: errorFromResponse(http, secrets, error) };
  // A captive portal or a proxy page: not the server's answer, so try again.
  if (body instanceof ClientError) {
    return body.code === 'OAUTH_INVALID_RESPONSE' ? { kind: 'terminal', error: body } : { kind: 'transient', error: body, ...wait };
  }
  try {
    if (body['error'] !== undefined) throw new ClientError('response body "error" property must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
    return { kind: 'token', body: validateTokenResponse(body, allowedTokenTypes) };
  } catch (cause) {
    return { kind: 'terminal', error: cause as ClientError };
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
  if (code === 'OAUTH_NETWORK_ERROR' || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_TOO_LARGE') {
    return { kind: 'transient', error: error as ClientError };
  }
  return { kind: 'terminal', error: error as Error };
}
