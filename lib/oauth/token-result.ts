/**
 * The token response as callers receive it: ID token claims checked (OIDC Core §3.1.3.7), and
 * openid-client v6's non-enumerable helpers `claims()` and `expiresIn()` attached.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @module
 */

import { validateIdToken, type IDToken } from '../oidc/id-token.ts';
import { clockOf, type ClientMetadata, type ServerMetadata } from './metadata.ts';
import type { TokenEndpointResponse } from './token-response.ts';

/**
 * Helpers on a token response, as in openid-client v6. Both are non-enumerable.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/TokenEndpointResponseHelpers.md
 */
export interface TokenEndpointResponseHelpers {
  /** The ID token claims, or undefined when there is no ID token. */
  claims(): IDToken | undefined;
  /** Whole seconds until the access token expires: 0 once expired, undefined without `expires_in`. */
  expiresIn(): number | undefined;
}

/**
 * The algorithms an ID token may use: the client's `id_token_signed_response_alg`, else the
 * server's `id_token_signing_alg_values_supported`, else RS256, as openid-client decides.
 *
 * @see https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata
 */
export function idTokenAlgorithms(server: ServerMetadata, client: ClientMetadata): readonly string[] {
  const registered = client['id_token_signed_response_alg'];
  const announced = server['id_token_signing_alg_values_supported'];
  return typeof registered === 'string' ? [registered] : Array.isArray(announced) ? announced.filter((a): a is string => typeof a === 'string') : ['RS256'];
}

/**
 * Checks the ID token, if any (OIDC Core §3.1.3.7), and returns its claims. `now` is the
 * driver's clock, in ms.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function idTokenClaims(body: TokenEndpointResponse, server: ServerMetadata, client: ClientMetadata, now: number): IDToken | undefined {
  if (body.id_token === undefined) return undefined;
  // oidc:3.1.3.7:clock-tolerance: "(possibly allowing for some small leeway to account for clock skew)"; config[clockSkew] shifts the clock, and config[clockTolerance] (30 s by default) is the leeway.
  const { skew, tolerance } = clockOf(client);
  return validateIdToken(body.id_token, {
    issuer: server.issuer,
    clientId: client.client_id,
    now: Math.floor(now / 1000) + skew,
    tolerance,
    algorithms: idTokenAlgorithms(server, client),
  });
}

/**
 * Attaches openid-client's non-enumerable helpers to a validated token response.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 (expires_in)
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/TokenEndpointResponseHelpers.md
 */
export function tokenResult(
  body: TokenEndpointResponse,
  claims: IDToken | undefined,
  receivedAt: number,
  now: () => number,
): TokenEndpointResponse & TokenEndpointResponseHelpers {
  // rfc6749:5.1:expires-in dg:compat:token-result-shape: "The lifetime in seconds of the access token."; counted from the response's arrival, and no lifetime without expires_in.
  const expiresAt = body.expires_in === undefined ? undefined : receivedAt + body.expires_in * 1000;
  const result = { ...body } as TokenEndpointResponse & TokenEndpointResponseHelpers;
  // dg:compat:token-result-shape: claims() and expiresIn() are non-enumerable (defineProperties' default), as in openid-client; expiresIn() is whole seconds, 0 once expired.
  Object.defineProperties(result, {
    claims: { value: () => claims },
    expiresIn: { value: () => (expiresAt === undefined ? undefined : Math.max(0, Math.floor((expiresAt - now()) / 1000))) },
  });
  return result;
}
