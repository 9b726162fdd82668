/**
 * The CLI's exit codes, and the mapping from a library error to one of them. Scripts branch on
 * these, so each outcome the RFC distinguishes (RFC 8628 §3.5: access_denied, expired_token) has
 * its own code, apart from configuration mistakes and server or network failures.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @module
 */

import { ResponseBodyError, WWWAuthenticateChallengeError } from '../index.ts';

/**
 * Documented exit codes (see `--help`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  denied: 3,
  expired: 4,
  unavailable: 5,
  refused: 6,
  interrupted: 130,
} as const;

/**
 * The exit codes of a failed flow (not success, not an interrupt).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export type FailureExit = Exclude<(typeof EXIT)[keyof typeof EXIT], 0 | 130>;

/**
 * Where the flow was when it failed: discovery failures that are not outages are configuration errors.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export type Stage = 'discovery' | 'flow';

// Mistakes the person running the command can fix: a wrong flag, issuer, scope or protocol.
const CONFIGURATION = new Set([
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'OAUTH_HTTP_REQUEST_FORBIDDEN',
  'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_MISSING_SERVER_METADATA',
  'OAUTH_INVALID_SERVER_METADATA',
]);

// Outages, and answers that do not conform to the protocol.
const UNAVAILABLE = new Set([
  'OAUTH_NETWORK_ERROR',
  'OAUTH_TIMEOUT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_PARSE_ERROR',
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_RESPONSE_TOO_LARGE',
  'OAUTH_INSECURE_VERIFICATION_URI',
  'OAUTH_INVALID_VERIFICATION_URI',
  'OAUTH_UNSUPPORTED_TOKEN_TYPE',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
]);

/** The HTTP status behind an error: its own `status`, or that of the Response it carries. */
function statusOf(error: { status?: unknown; response?: unknown }): number {
  if (typeof error.status === 'number') return error.status;
  return error.response instanceof Response ? error.response.status : 0;
}

/**
 * Maps a failure of discovery, the device authorization request or polling to an exit code.
 * Local expiry (`OAUTH_TIMEOUT` with `error: 'expired_token'`) counts as expired, like the
 * server's own expired_token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function exitCodeFor(error: unknown, stage: Stage): FailureExit {
  // dg:cli:exit-codes: 3 denied, 4 expired (the server's or the local deadline), 5 outage, 2 configuration, 6 any other OAuth error, 1 anything else.
  if (typeof error !== 'object' || error === null) return EXIT.unexpected;
  const fields = error as { code?: unknown; error?: unknown; status?: unknown; response?: unknown };
  if (fields.error === 'access_denied') return EXIT.denied;
  if (fields.error === 'expired_token') return EXIT.expired;
  const code = String(fields.code);
  const outage = statusOf(fields) >= 500 || code === 'OAUTH_NETWORK_ERROR' || code === 'OAUTH_TIMEOUT';
  if (outage) return EXIT.unavailable;
  // A discovery document that is missing or wrong means the issuer flag is wrong.
  if (stage === 'discovery' || CONFIGURATION.has(code)) return EXIT.usage;
  if (error instanceof ResponseBodyError || error instanceof WWWAuthenticateChallengeError) return EXIT.refused;
  return UNAVAILABLE.has(code) ? EXIT.unavailable : EXIT.unexpected;
}
