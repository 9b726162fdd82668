/**
 * Opt-in ID token signature verification with the server's JWKS, as openid-client v6's
 * `enableNonRepudiationChecks(config)`. An ID token from the token endpoint over TLS needs no
 * signature check (OIDC Core §3.1.3.7 (6)); a caller that wants one to keep as proof turns this
 * on. The JWKS is fetched through the library's HTTP layer (size cap, timeout, https only), cached
 * per Configuration, and fetched again at most once per flow when the token names an unknown key.
 * Only this file pulls lib/jose into a flow, so a bundle without it carries no JWS code.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @module
 */

import { ClientError, argumentError } from '../errors.ts';
import { isJsonMediaType, parseJsonObject } from '../http/json.ts';
import { send } from '../http/http.ts';
import { race } from '../http/timers.ts';
import { MIN_RSA_BITS, isAlg, sameAlg, type Alg } from '../jose/algorithms.ts';
import { importJwk, jwkModulusLength } from '../jose/jwk.ts';
import { verifyJws, type JwsHeader } from '../jose/jws.ts';
import { Configuration, idTokenVerifiers, requestContext, type RequestContext } from './configuration.ts';
import { idTokenAlgorithms } from './token-result.ts';

function invalidJwks(message: string): ClientError {
  return new ClientError(message, { code: 'OAUTH_INVALID_RESPONSE' });
}

/** Fetches and checks the JWK Set: a JSON object whose `keys` is a non-empty array of objects. */
async function fetchJwks(context: RequestContext, signal?: AbortSignal): Promise<JsonWebKey[]> {
  const location = context.server.jwks_uri;
  if (typeof location !== 'string') throw new ClientError('"jwks_uri" is missing from the server metadata', { code: 'OAUTH_MISSING_SERVER_METADATA' });
  const url = URL.canParse(location) ? new URL(location) : undefined;
  // dg:idtoken:jwks-http: a jwks_uri with userinfo is refused, so no credential reaches fetch or an error's cause.
  if (url === undefined || url.username !== '' || url.password !== '') throw new ClientError('"jwks_uri" must be a URL without userinfo', { code: 'OAUTH_INVALID_SERVER_METADATA' });
  // dg:idtoken:jwks-http: the JWKS comes through `send`, with its size cap, timeout and https check
  const { response, text } = await send(context.http, { method: 'GET', url, headers: { accept: 'application/json, application/jwk-set+json' } }, signal);
  if (response.status !== 200) throw new ClientError('unexpected JWKS response status', { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' });
  // dg:idtoken:jwks-typed-errors: a JWKS that is not JSON, or has no keys, is a typed error
  if (!isJsonMediaType(response.headers)) throw new ClientError('JWKS response is not JSON', { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
  const keys = parseJsonObject(text)['keys'];
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))) {
    throw invalidJwks('JWKS has no "keys"');
  }
  return keys as JsonWebKey[];
}

/** One JWKS fetch, shared by the flows that wait on it; the last waiter to give up cancels it. */
interface SharedJwks {
  keys: Promise<JsonWebKey[]>;
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

function startJwksFetch(context: RequestContext): SharedJwks {
  const controller = new AbortController();
  // The fetch runs on its own signal, not on the first flow's: another flow's abort must not fail this one.
  const shared: SharedJwks = { keys: fetchJwks(context, controller.signal), controller, waiters: 0, settled: false };
  shared.keys.then(
    () => (shared.settled = true),
    () => (shared.settled = true),
  );
  return shared;
}

/** Waits for a shared fetch under the flow's own signal. */
async function keysFor(shared: SharedJwks, signal: AbortSignal | undefined): Promise<JsonWebKey[]> {
  shared.waiters++;
  try {
    return await race(() => shared.keys, Infinity, signal);
  } finally {
    // Nobody waits any more: stop the request rather than leave it to its timeout.
    if (--shared.waiters === 0 && !shared.settled) shared.controller.abort();
  }
}

const KTY: Record<string, string> = { RS: 'RSA', PS: 'RSA', ES: 'EC', Ed: 'OKP' };
// "EdDSA" and "Ed25519" (RFC 9864) both take an OKP key on the Ed25519 curve.
const CRV: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519', Ed25519: 'Ed25519' };

/** The JWKs that can verify a header: by kid when it has one, by key type, curve, use and alg. */
function candidates(keys: readonly JsonWebKey[], header: JwsHeader): JsonWebKey[] {
  const { alg, kid } = header;
  return keys.filter((jwk) => {
    const member = jwk as JsonWebKey & { kid?: unknown };
    return (
      (kid === undefined || member.kid === kid) &&
      jwk.kty === KTY[alg.slice(0, 2)] &&
      (CRV[alg] === undefined || jwk.crv === CRV[alg]) &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      // dg:idtoken:ed25519: a JWK of alg "EdDSA" fits a token of alg "Ed25519", and the other way round
      (jwk.alg === undefined || sameAlg(jwk.alg, alg)) &&
      // dg:idtoken:jwks-rsa-2048: an RSA key under 2048 bits never fits, so a JWKS with only such a key is OAUTH_KEY_SELECTION_FAILED
      (jwk.kty !== 'RSA' || jwkModulusLength(jwk) >= MIN_RSA_BITS)
    );
  });
}

/**
 * Turns on ID token signature checks for every flow of `config`: the token's `alg` must be one
 * the client registered or the server announced (never `none`, never an HMAC alg), and its
 * signature must verify with a key of the server's JWKS. A failure ends the flow with a typed
 * error: the JWKS cannot be fetched or read, no single key fits (`OAUTH_KEY_SELECTION_FAILED`), or
 * the signature is wrong (`OAUTH_JWS_SIGNATURE_INVALID`).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function enableNonRepudiationChecks(config: Configuration): void {
  if (!(config instanceof Configuration)) throw argumentError('"config" must be an instance of Configuration', 'ERR_INVALID_ARG_TYPE');
  // dg:idtoken:jwks-cache: one JWKS per Configuration, shared by its flows
  let cached: SharedJwks | undefined;
  const fetchShared = (context: RequestContext): SharedJwks => {
    const shared = startJwksFetch(context);
    cached = shared;
    // A failed or cancelled fetch is not kept: the next flow tries again. Any other failure keeps it.
    shared.keys.catch(() => {
      if (cached === shared) cached = undefined;
    });
    return shared;
  };
  idTokenVerifiers.set(config, async (idToken, signal) => {
    if (idToken === undefined) return undefined;
    const context = requestContext(config);
    // oidc:3.1.3.7:alg: the same algorithms the claims check accepts; a MAC cannot prove anything to a third party.
    const allowed = idTokenAlgorithms(context.server, context.client).filter((a): a is Alg => isAlg(a) && !a.startsWith('HS'));
    try {
      await verifyJws(idToken, async (header) => {
        // A fetch cancelled a moment ago (its last waiter left) is never reused.
        const reusable = cached?.controller.signal.aborted === false ? cached : undefined;
        let found = candidates(await keysFor(reusable ?? fetchShared(context), signal), header);
        // dg:idtoken:jwks-refetch: an unknown key may be a rotation: fetch again, once per flow
        if (found.length === 0 && reusable !== undefined) found = candidates(await keysFor(fetchShared(context), signal), header);
        if (found.length !== 1) throw new ClientError('no single JWKS key matches the ID token', { code: 'OAUTH_KEY_SELECTION_FAILED' });
        return importJwk(found[0]!, header.alg);
      }, allowed);
    } catch (error) {
      // The token was issued: polling again cannot help, so every failure but an abort ends the flow.
      if (signal?.aborted) throw error;
      return error as Error;
    }
    return undefined;
  });
}
