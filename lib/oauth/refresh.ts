/**
 * The refresh token grant (RFC 6749 §6), with openid-client v6's `refreshTokenGrant` signature
 * and result: the configuration's client authentication on every request, DPoP when a handle
 * is given (RFC 9449 §5), and the same helpers as a device-flow result. Its own file, so that a
 * bundle without refresh leaves it out.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @module
 */

import { ClientError, argumentError, callerCode, checkOption, typedError } from '../errors.ts';
import { parseJsonObject } from '../http/json.ts';
import { checkSignal } from '../http/signal.ts';
import { endpoint, idTokenVerifiers, requestContext, type Configuration, type RequestContext } from './configuration.ts';
import { isDPoPHandle, type DPoPHandle } from './dpop-handle.ts';
import { errorFromBody, errorFromResponse, readOAuthError } from './oauth-error.ts';
import { requestParameters, type RequestParameters } from './parameters.ts';
import { postForm } from './request.ts';
import { validateTokenResponse, type TokenEndpointResponse } from './token-response.ts';
import { idTokenClaims, tokenResult, type TokenEndpointResponseHelpers } from './token-result.ts';

/**
 * Options of {@link refreshTokenGrant}: openid-client v6's `DPoP`, plus our own.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export interface RefreshTokenGrantOptions {
  /** A DPoP handle (`getDPoPHandle`): every request carries a proof, and the token must be DPoP-bound. */
  DPoP?: DPoPHandle;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * The `sub` of the ID token of the original authentication (e.g. `tokens.claims()?.sub`). When
   * given, an ID token in the refresh response must carry the same `sub` (OIDC Core §12.2).
   * openid-client documents no such check, so it is opt-in.
   */
  expectedSubject?: string;
  /** Token types to accept besides bearer and dpop (RFC 6749 §7.1). */
  allowedTokenTypes?: readonly string[];
}

/**
 * Reads one refresh answer: a checked token, or the typed error of RFC 6749 §5.2. `at` is the
 * clock already read, so that nothing of the caller's runs here (`now` is kept for expiresIn()).
 */
function readAnswer(
  context: RequestContext,
  sent: Awaited<ReturnType<typeof postForm>>,
  options: RefreshTokenGrantOptions,
  at: number,
  now: () => number,
): TokenEndpointResponse & TokenEndpointResponseHelpers {
  const { http, secrets } = sent;
  // rfc6749:6:error-response: "If the request failed verification or is invalid, the authorization server returns an error response as described in Section 5.2."
  if (http.response.status !== 200) throw errorFromBody(http, secrets);
  const body = parseJsonObject(http.text);
  if (body['error'] !== undefined) throw errorFromResponse(http, secrets, readOAuthError(body, secrets), body);
  const token = validateTokenResponse(body, options.allowedTokenTypes);
  // rfc9449:5:token-type-dpop dg:security:answer-firewall: a token that is not DPoP-bound is discarded when DPoP was asked for; the handle is the caller's code, its error passes unchanged
  callerCode(() => options.DPoP?.checkBound(token));
  // oidc:12.2:same-iss-aud: a refreshed ID token is checked like the original: iss is the issuer, aud contains the client_id
  const claims = idTokenClaims(token, context.server, context.client, at);
  // dg:refresh:expected-subject: opt-in, as openid-client has no such check: only when the caller gives the original sub
  // oidc:12.2:same-sub: "its sub Claim Value MUST be the same as in the ID Token issued when the original authentication occurred"
  if (claims !== undefined && options.expectedSubject !== undefined && claims.sub !== options.expectedSubject) {
    throw new ClientError('the refreshed ID token has a different "sub"', { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
  }
  return tokenResult(token, claims, http.receivedAt, now);
}

/**
 * Exchanges a refresh token for a new access token (RFC 6749 §6), with openid-client v6's
 * signature. A `use_dpop_nonce` answer is retried once, at once, with the server's new nonce
 * (RFC 9449 §8); a second one is thrown.
 *
 * @param parameters Extra parameters such as `scope` and `resource` (RFC 8707).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshTokenGrant(
  config: Configuration,
  refreshToken: string,
  parameters?: RequestParameters,
  refreshOptions?: RefreshTokenGrantOptions,
): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const options = refreshOptions ?? {};
  // dg:refresh:signature: openid-client v6's refreshTokenGrant(config, refreshToken, parameters?, options?); bad arguments are TypeErrors before any request
  if (typeof refreshToken !== 'string' || refreshToken === '') {
    throw argumentError('"refreshToken" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  }
  const { DPoP: dpop, expectedSubject, allowedTokenTypes: types } = options;
  // dg:dpop:handle-argument: an options.DPoP that is not a handle is ERR_INVALID_ARG_TYPE before any request
  checkOption(dpop, 'DPoP', isDPoPHandle, 'a DPoP handle (getDPoPHandle)');
  // dg:compat:signal-argument: a bad signal is refused before the request or its timer could hold it.
  checkSignal(options.signal);
  const badNow = options.now !== undefined && typeof options.now !== 'function';
  const badSubject = expectedSubject !== undefined && typeof expectedSubject !== 'string';
  const badTypes = types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string'));
  if (badNow || badSubject || badTypes) {
    throw argumentError('"options.now" must be a function, "options.expectedSubject" a string and "options.allowedTokenTypes" an array of strings', 'ERR_INVALID_ARG_TYPE');
  }
  const now = options.now ?? Date.now;
  const context = requestContext(config, now);
  const params = requestParameters(parameters, ['grant_type', 'refresh_token']);
  // rfc6749:6:grant-type: "Value MUST be set to "refresh_token"."
  params.set('grant_type', 'refresh_token');
  // rfc6749:6:refresh-token: the refresh token issued to the client, REQUIRED
  params.set('refresh_token', refreshToken);
  const url = endpoint(context.server, 'token_endpoint');
  const verify = idTokenVerifiers.get(config);
  const attempt = async (): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> => {
    // rfc6749:6:client-auth: "the client MUST authenticate with the authorization server"; postForm applies the configuration's ClientAuth to a new form for every request
    // rfc9449:5:refresh-same-key: "such a client MUST present a DPoP proof for the same key that was used to obtain the refresh token"; the handle the caller gives proves its key
    const sent = await postForm(context, url, new URLSearchParams(params), options.signal, dpop);
    const at = now(); // the caller's clock, read outside the firewall: its errors are its own
    let result: TokenEndpointResponse & TokenEndpointResponseHelpers;
    try {
      result = readAnswer(context, sent, options, at, now);
    } catch (error) {
      // dg:security:answer-firewall: whatever the server answered, the caller gets a typed error.
      throw typedError(error);
    }
    // dg:idtoken:signature-opt-in: with enableNonRepudiationChecks, a refreshed ID token's signature is checked too
    const failure = result.id_token === undefined ? undefined : await verify?.(result.id_token, options.signal, now);
    if (failure !== undefined) throw failure;
    return result;
  };
  try {
    return await attempt();
  } catch (error) {
    // rfc9449:8:nonce-retry dg:dpop:nonce-loop: one immediate retry with the nonce the server just sent; a second demand is thrown
    if (dpop?.isNonceDemand(error as Error) !== true) throw error;
  }
  return attempt();
}
