/**
 * Opt-in ID token signature verification with the server's JWKS, as openid-client v6's
 * `enableNonRepudiationChecks(config)`. An ID token from the token endpoint over TLS needs no
 * signature check (OIDC Core §3.1.3.7 (6)); a caller that wants one to keep as proof turns this
 * on. The JWKS is fetched through the library's HTTP layer (size cap, timeout, https only), cached
 * per Configuration for at most 10 minutes, and fetched again for a token that names an unknown key
 * at most once per flow and once per 30 s. Only this file pulls lib/jose into a flow, so a bundle
 * without it carries no JWS code.
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

/**
 * The oldest JWKS a flow still trusts, counted from the start of the fetch that brought it: a key
 * the server removed (retired or compromised) stops verifying this long after, at the latest.
 * jose's remote JWK Set uses the same figure.
 */
const JWKS_MAX_AGE_MS = 10 * 60_000;

/**
 * No fetch for an unknown key within this long after the last JWKS fetch started: a JWKS that
 * fresh would most likely come back the same, and tokens with made-up kids must not make the
 * client hammer the jwks_uri. jose's remote JWK Set uses the same figure.
 */
const JWKS_COOLDOWN_MS = 30_000;

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
  /** When the fetch started, on the clock of the flow that started it. */
  startedAt: number;
}

function startJwksFetch(context: RequestContext, startedAt: number): SharedJwks {
  const controller = new AbortController();
  // The fetch runs on its own signal, not on the first flow's: another flow's abort must not fail this one.
  const shared: SharedJwks = { keys: fetchJwks(context, controller.signal), controller, waiters: 0, settled: false, startedAt };
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
 * The JWKS is fetched when a flow first needs it and shared by the Configuration's flows (flows
 * that need it at the same time wait on one request, cancelled if they all give up). It is trusted
 * for 10 minutes from the start of that fetch; the first flow after that fetches it again, so a key
 * the server removed stops verifying within 10 minutes. A token whose key is not in the JWKS (a
 * rotation) makes the flow fetch it again, at most once per flow and only if the last fetch started
 * 30 s or more ago; otherwise the flow ends with `OAUTH_KEY_SELECTION_FAILED`, so tokens with
 * made-up kids cannot make the client hammer the jwks_uri. A fetch that fails is not kept. Time is
 * read from the flow's clock (the `now` option of the poll or the refresh); a clock that went back
 * counts the JWKS as expired.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys
 */
export function enableNonRepudiationChecks(config: Configuration): void {
  if (!(config instanceof Configuration)) throw argumentError('"config" must be an instance of Configuration', 'ERR_INVALID_ARG_TYPE');
  // dg:idtoken:jwks-cache: one JWKS per Configuration, shared by its flows
  let cached: SharedJwks | undefined;
  // dg:idtoken:jwks-cache-cooldown: when the last fetch started, kept also when that fetch failed
  let lastStart = -Infinity;
  const fetchShared = (context: RequestContext, at: number): SharedJwks => {
    const shared = startJwksFetch(context, at);
    cached = shared;
    lastStart = at;
    // A failed or cancelled fetch is not kept: the next flow tries again. Any other failure keeps it.
    shared.keys.catch(() => {
      if (cached === shared) cached = undefined;
    });
    return shared;
  };
  // dg:idtoken:jwks-cache-max-age: the cached JWKS, unless cancelled, 10 minutes old, or from a clock ahead of this one
  const fresh = (at: number): SharedJwks | undefined => {
    // A fetch cancelled a moment ago (its last waiter left) is never reused.
    if (cached === undefined || cached.controller.signal.aborted) return undefined;
    const age = at - cached.startedAt;
    return age >= 0 && age < JWKS_MAX_AGE_MS ? cached : undefined;
  };
  idTokenVerifiers.set(config, async (idToken, signal, now) => {
    if (idToken === undefined) return undefined;
    const context = requestContext(config);
    // oidc:3.1.3.7:alg: the same algorithms the claims check accepts; a MAC cannot prove anything to a third party.
    const allowed = idTokenAlgorithms(context.server, context.client).filter((a): a is Alg => isAlg(a) && !a.startsWith('HS'));
    const lookup = async (shared: SharedJwks, header: JwsHeader): Promise<JsonWebKey[]> => candidates(await keysFor(shared, signal), header);
    try {
      await verifyJws(idToken, async (header) => {
        // dg:idtoken:jwks-cache-max-age dg:idtoken:jwks-cache-cooldown: time is the flow's clock (its `now` option), as for the claims
        const started = now();
        const reusable = fresh(started);
        let found = await lookup(reusable ?? fetchShared(context, started), header);
        // dg:idtoken:jwks-refetch: an unknown key may be a rotation: fetch again, once per flow (never after this flow's own fetch)
        if (found.length === 0 && reusable !== undefined) {
          const at = now();
          const newer = fresh(at);
          // dg:idtoken:jwks-refetch: another flow fetched again since this one looked: its answer serves this flow too
          if (newer !== undefined && newer !== reusable) found = await lookup(newer, header);
          // dg:idtoken:jwks-cache-cooldown: no fetch for an unknown key within 30 s of the last fetch (a clock that went back waits too)
          else if (at - lastStart >= JWKS_COOLDOWN_MS) found = await lookup(fetchShared(context, at), header);
        }
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
