/**
 * ID token claim checks for a token endpoint response (OpenID Connect Core 1.0 §3.1.3.7). The
 * token comes straight from the token endpoint over TLS, so, as §3.1.3.7 (6) allows, the
 * signature is not checked here.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @module
 */

import { ClientError, argumentError } from '../errors.ts';
import { parseJsonObject, type JsonObject } from '../http/json.ts';

/**
 * The claims of an ID token.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/IDToken.md
 */
export interface IDToken {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly azp?: string;
  readonly [claim: string]: unknown;
}

/**
 * What the checks compare against. Times in seconds.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export interface IDTokenExpectations {
  issuer: string;
  clientId: string;
  /** Current time in seconds since the epoch, already adjusted by clockSkew. */
  now: number;
  /** Seconds of tolerance for exp and nbf (default 30). */
  tolerance?: number;
  /**
   * The JWS algorithms the ID token may be signed with: the client's id_token_signed_response_alg,
   * else the server's id_token_signing_alg_values_supported. Default `['RS256']`. `none` is
   * refused even when listed.
   */
  algorithms?: readonly string[];
}

function invalid(message: string): ClientError {
  return new ClientError(message, { code: 'OAUTH_INVALID_RESPONSE' });
}

function mismatch(claim: string): ClientError {
  return new ClientError(`unexpected JWT "${claim}" (claim) value`, { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
}

function decodePart(part: string): JsonObject {
  let text: string;
  try {
    // atob decodes unpadded input too (forgiving-base64); decodeParts let only the base64url alphabet through.
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch (cause) {
    throw new ClientError('"id_token" is not valid base64url UTF-8', { code: 'OAUTH_INVALID_RESPONSE', cause });
  }
  return parseJsonObject(text);
}

function decodeParts(jwt: string): JsonObject[] {
  // Three parts: a base64url header and payload, then the signature (not read here).
  if (!/^[\w-]+\.[\w-]+\.[^.]*$/.test(jwt)) throw invalid('"id_token" must be a compact JWS');
  return jwt.split('.', 2).map(decodePart);
}

function badClaim(name: string): ClientError {
  return invalid(`JWT "${name}" (claim) missing or of the wrong type`);
}

function requireClaim(claims: JsonObject, name: string, type: 'string' | 'number'): void {
  if (typeof claims[name] !== type) throw badClaim(name);
}

function timestampFailed(claim: string): ClientError {
  return new ClientError(`JWT "${claim}" claim timestamp check failed`, { code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' });
}

/**
 * Checks an ID token's claims and returns them.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function validateIdToken(jwt: string, expected: IDTokenExpectations): IDToken {
  // dg:idtoken:expectations: a tolerance left out is the documented default, 30 s; one given is checked like now.
  const tolerance = expected?.tolerance === undefined ? 30 : expected.tolerance;
  // dg:idtoken:expectations: a NaN now or tolerance would make every time check pass, so they are checked first.
  if (!Number.isFinite(expected?.now) || !Number.isFinite(tolerance)) {
    throw argumentError('"expected.now" and "expected.tolerance" must be finite numbers of seconds', 'ERR_INVALID_ARG_TYPE');
  }
  // oidc:3.1.3.7:tls-instead-of-signature: "the TLS server validation MAY be used to validate the issuer in place of checking the token signature"; the token came straight from the token endpoint, so its payload is read without a signature check.
  const [header, claims] = decodeParts(jwt) as [JsonObject, JsonObject];
  const alg = header['alg'];
  // oidc:3.1.3.7:alg: the alg is the one registered (id_token_signed_response_alg), else one the server
  // announced, else RS256 (OIDC Core §3.1.3.7 (7), Registration §2); dg:idtoken:none-refused: never "none".
  // dg:idtoken:none-refused: an alg of none, missing or not a string is refused, whatever the server announces or the client registered
  if (typeof alg !== 'string' || alg === 'none' || !(expected.algorithms ?? ['RS256']).includes(alg)) {
    throw invalid('unexpected JWT "alg" header parameter');
  }
  // oidc:2:required-claims oidc:3.1.3.7:iat-window: iss, sub, exp and iat are there with their types; iat is checked to be a number, with no maximum age.
  requireClaim(claims, 'iss', 'string');
  requireClaim(claims, 'sub', 'string');
  requireClaim(claims, 'exp', 'number');
  requireClaim(claims, 'iat', 'number');
  const aud = claims['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? aud : undefined;
  // oidc:2:required-claims: aud is a string or a non-empty array of strings.
  if (audiences === undefined || audiences.length === 0) throw badClaim('aud');
  // oidc:3.1.3.7:iss-match: "The Issuer Identifier for the OpenID Provider (which is typically obtained during Discovery) MUST exactly match the value of the iss (issuer) Claim."
  if (claims['iss'] !== expected.issuer) throw mismatch('iss');
  // oidc:3.1.3.7:aud-contains-client: "The Client MUST validate that the aud (audience) Claim contains its client_id value registered at the Issuer identified by the iss (issuer) Claim as an audience."
  if (!audiences.includes(expected.clientId)) throw mismatch('aud');
  // With one audience azp is ignored, as openid-client does (spec/oidc.md: oidc:3.1.3.7:azp-equals-client deviates).
  // oidc:3.1.3.7:azp-multi-aud: "If the ID Token contains multiple audiences, the Client SHOULD verify that an azp Claim is present."; enforced: with several audiences azp is required and must name us.
  const azp = claims['azp'];
  if (audiences.length > 1 && azp === undefined) throw invalid('JWT "azp" (claim) missing');
  if (audiences.length > 1 && azp !== expected.clientId) throw mismatch('azp');
  // oidc:3.1.3.7:exp oidc:3.1.3.7:clock-tolerance: "The current time MUST be before the time represented by the exp Claim (possibly allowing for some small leeway to account for clock skew)."
  if ((claims['exp'] as number) <= expected.now - tolerance) throw timestampFailed('exp');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > expected.now + tolerance)) throw timestampFailed('nbf');
  return claims as IDToken;
}
