/**
 * Validates a successful token response (RFC 6749 §5.1). Pure: it reads the body it is given
 * and nothing else.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @module
 */

import { ClientError } from '../errors.ts';
import { optionalSeconds, optionalString, requireString, type JsonObject } from '../http/json.ts';

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
