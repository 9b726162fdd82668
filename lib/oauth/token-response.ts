/**
 * Validates a successful token response (RFC 6749 §5.1). Pure: it reads the body it is given
 * and nothing else.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @module
 */

import { ClientError } from '../errors.ts';
import { optionalSeconds, optionalString, requireObject, requireString, type JsonObject } from '../http/json.ts';

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
  // dg:security:wrong-types-rejected: a body that is not an object is the typed error a non-object JSON body gets.
  requireObject(body);
  // rfc6749:5.1:access-token rfc6749:5.1:value-sizes rfc6749:10.14:validate-input: "access_token REQUIRED. The access token issued by the authorization server."; of any length: "The client should avoid making assumptions about value sizes."
  requireString(body, 'access_token');
  // rfc6749:5.1:token-type dg:compat:token-result-shape: "token_type REQUIRED. The type of the token issued as described in Section 7.1. Value is case insensitive."
  const tokenType = requireString(body, 'token_type').toLowerCase();
  // rfc6749:7.1:unknown-token-type: "The client MUST NOT use an access token if it does not understand the token type."
  if (!KNOWN_TOKEN_TYPES.includes(tokenType) && !allowedTokenTypes.some((t) => t.toLowerCase() === tokenType)) {
    throw new ClientError('unsupported "token_type" value', { code: 'OAUTH_UNSUPPORTED_TOKEN_TYPE' });
  }
  // rfc6749:5.1:expires-in: "expires_in RECOMMENDED. The lifetime in seconds of the access token."
  const expiresIn = optionalSeconds(body, 'expires_in', false);
  // rfc6749:5.1:refresh-token-optional: "refresh_token OPTIONAL."
  optionalString(body, 'refresh_token');
  // rfc6749:3.3:granted-scope: "OPTIONAL, if identical to the scope requested by the client; otherwise, REQUIRED."; kept as sent, never filled in.
  optionalString(body, 'scope');
  optionalString(body, 'id_token');
  // rfc6749:5.1:ignore-unknown rfc6749:3.3:granted-scope dg:compat:token-result-shape: "The client MUST ignore unrecognized value names in the response."; unknown members stay at the top level, as openid-client keeps them.
  const result: Record<string, unknown> = { ...body, token_type: tokenType };
  if (expiresIn !== undefined) result['expires_in'] = expiresIn;
  return result as TokenEndpointResponse;
}
