/**
 * JWT client assertions (RFC 7523 §2.2, §3): `private_key_jwt` and `client_secret_jwt`, with
 * openid-client v6's signatures. A new assertion is signed for every request. This file is the
 * only one that imports lib/jose for client authentication, so an application that does not use
 * these methods does not bundle JWS code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @module
 */

import { argumentError } from '../errors.ts';
import { algorithmOf, assertCryptoKey, ed25519Name, invalidKey, sameAlg, unsupportedAlgorithm, type Alg } from '../jose/algorithms.ts';
import { encodeBase64url } from '../jose/base64url.ts';
import { signJws, type JwsHeader } from '../jose/jws.ts';
import { secretOf, type ClientAuth } from './client-auth.ts';
import { clockOf, type ClientMetadata, type ServerMetadata } from './metadata.ts';

/**
 * Options key of {@link ModifyAssertionOptions}: a function that may change the assertion's
 * header and claims just before it is signed. Same role as openid-client v6's `modifyAssertion`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export const modifyAssertion: unique symbol = Symbol('device-grant.modifyAssertion');

/**
 * Changes an assertion's header and claims in place, before signing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export type ModifyAssertionFunction = (header: Record<string, unknown>, payload: Record<string, unknown>) => void;

/**
 * Options of {@link PrivateKeyJwt} and {@link ClientSecretJwt}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export interface ModifyAssertionOptions {
  [modifyAssertion]?: ModifyAssertionFunction;
}

/**
 * A private key with the `kid` to put in the assertion header, as openid-client's `PrivateKey`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-4.1.4
 */
export interface PrivateKey {
  key: CryptoKey;
  kid?: string;
}

/**
 * RFC 7523 §2.2: the `client_assertion_type` of a JWT bearer client assertion.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Seconds an assertion stays valid: long enough for one request, short enough not to be worth stealing. */
const LIFETIME = 60;

function assertionClaims(as: ServerMetadata, client: ClientMetadata): Record<string, unknown> {
  // A ClientAuth has no clock of its own to be handed: the wall clock, shifted by the client's clockSkew.
  const now = Math.floor(Date.now() / 1000) + clockOf(client).skew;
  // dg:clientauth:fresh-assertion: every request gets a new assertion, with a new jti and iat
  const jti = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return {
    // rfc7523:3:iss: "The JWT MUST contain an "iss" (issuer) claim that contains a unique identifier for the entity that issued the JWT."
    iss: client.client_id,
    // rfc7523:3:sub-client-id: "the subject MUST be the "client_id" of the OAuth client"
    // rfc7523:3:sub: "The JWT MUST contain a "sub" (subject) claim identifying the principal that is the subject of the JWT."
    sub: client.client_id,
    // rfc7523:3:aud: the authorization server's issuer identifier names it as the intended audience
    aud: as.issuer,
    // rfc7523:3:exp: "The JWT MUST contain an "exp" (expiration time) claim that limits the time window during which the JWT can be used."
    exp: now + LIFETIME,
    // rfc7523:3:iat rfc7523:3:nbf: the time of issue, and not usable before it
    iat: now,
    nbf: now,
    // rfc7523:3:jti: a fresh unique identifier, so that a server can refuse a replay
    jti,
  };
}

function serverAlgs(as: ServerMetadata): readonly unknown[] | undefined {
  const algs = as['token_endpoint_auth_signing_alg_values_supported'];
  return Array.isArray(algs) ? algs : undefined;
}

async function assertion(
  as: ServerMetadata,
  client: ClientMetadata,
  body: URLSearchParams,
  header: Omit<JwsHeader, 'alg'> & { alg: Alg },
  key: CryptoKey,
  options: ModifyAssertionOptions | undefined,
): Promise<void> {
  const claims = assertionClaims(as, client);
  // dg:clientauth:modify-assertion: the caller may change the header and claims just before signing
  options?.[modifyAssertion]?.(header, claims);
  // rfc7523:3:signed: "The JWT MUST be digitally signed or have a Message Authentication Code (MAC) applied by the issuer."
  const jwt = await signJws(header, claims, key);
  body.set('client_id', client.client_id);
  // rfc7523:2.2:assertion-type: "The value of the "client_assertion_type" is "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"."
  body.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
  // rfc7523:2.2:single-jwt: "The assertion MUST contain a single JWT."
  body.set('client_assertion', jwt);
}

function checkOptions(options: ModifyAssertionOptions | undefined): void {
  const modify = options?.[modifyAssertion];
  if (modify !== undefined && typeof modify !== 'function') {
    throw argumentError('"options[modifyAssertion]" must be a function', 'ERR_INVALID_ARG_TYPE');
  }
}

/** The client's registered `token_endpoint_auth_signing_alg` (OIDC Registration §2), if any. */
function registeredAlg(client: ClientMetadata): unknown {
  return client['token_endpoint_auth_signing_alg'];
}

/**
 * `private_key_jwt`: the client authenticates with a JWT it signs with its private key. The
 * algorithm is the key's (RS*, PS*, ES*, Ed25519); a registered `token_endpoint_auth_signing_alg`
 * must name it, else, when the server lists `token_endpoint_auth_signing_alg_values_supported`, it
 * must be among them. An Ed25519 key signs as "Ed25519", or "EdDSA" when that is the name the
 * client registered or the only one the server lists. RSA keys need at least 2048 bits.
 *
 * @param clientPrivateKey A private signing CryptoKey, or `{ key, kid }`.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export function PrivateKeyJwt(clientPrivateKey: CryptoKey | PrivateKey, options?: ModifyAssertionOptions): ClientAuth {
  const given = clientPrivateKey as Partial<PrivateKey> | undefined;
  const wrapped = typeof given === 'object' && given !== null && 'key' in given;
  // dg:clientauth:key-shapes: a private signing CryptoKey, or { key, kid } whose kid goes in the header; anything else is OAUTH_INVALID_KEY
  const key = assertCryptoKey(wrapped ? given.key : clientPrivateKey);
  const kid = wrapped ? given.kid : undefined;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw invalidKey('"kid" must be a non-empty string');
  // dg:clientauth:key-shapes: a public or secret key cannot sign a private_key_jwt assertion
  if (key.type !== 'private') throw invalidKey('private_key_jwt needs a private key');
  // dg:jose:rsa-2048: an RSA key under 2048 bits is OAUTH_INVALID_KEY here, when the method is built
  const keyAlg = algorithmOf(key);
  checkOptions(options);
  return async (as, client, body) => {
    const registered = registeredAlg(client);
    let alg: Alg;
    if (registered !== undefined) {
      // dg:clientauth:registered-alg: a registered token_endpoint_auth_signing_alg the key cannot sign with is OAUTH_INVALID_KEY, before any request
      if (!sameAlg(registered, keyAlg)) throw invalidKey('the private key does not fit the registered "token_endpoint_auth_signing_alg"');
      // dg:clientauth:registered-alg dg:clientauth:ed25519-name: the registered alg is the only one the server accepts (OIDC Registration §2): it is used as registered, "Ed25519" or "EdDSA" included
      alg = registered as Alg;
    } else {
      const allowed = serverAlgs(as);
      // dg:clientauth:ed25519-name: an Ed25519 key signs as "Ed25519", or "EdDSA" for a server that lists only that name
      alg = ed25519Name(keyAlg, allowed);
      // dg:clientauth:alg-choice: private_key_jwt signs with its key's alg, which must be among the algorithms the server lists (token_endpoint_auth_signing_alg_values_supported)
      if (allowed !== undefined && !allowed.includes(alg)) throw unsupportedAlgorithm();
    }
    const header: Omit<JwsHeader, 'alg'> & { alg: Alg } = kid === undefined ? { alg } : { alg, kid };
    await assertion(as, client, body, header, key, options);
  };
}

const HMAC_ALGS: readonly unknown[] = ['HS256', 'HS384', 'HS512'];

function hmacAlg(as: ServerMetadata, client: ClientMetadata): Alg {
  const registered = registeredAlg(client);
  if (registered !== undefined) {
    // dg:clientauth:hmac-alg: a registered non-HMAC token_endpoint_auth_signing_alg is OAUTH_UNSUPPORTED_ALGORITHM, before any request
    if (!HMAC_ALGS.includes(registered)) throw unsupportedAlgorithm();
    // dg:clientauth:hmac-alg: a registered HS256, HS384 or HS512 is used as registered (OIDC Registration §2)
    return registered as Alg;
  }
  const allowed = serverAlgs(as);
  // dg:clientauth:hmac-alg: HS256, as openid-client, when the server lists it or lists nothing
  if (allowed === undefined || allowed.includes('HS256')) return 'HS256';
  // dg:clientauth:hmac-alg: else the first HMAC alg the server lists; none listed is refused
  const alg = allowed.find((a) => HMAC_ALGS.includes(a));
  if (alg === undefined) throw unsupportedAlgorithm();
  return alg as Alg;
}

/**
 * `client_secret_jwt`: the client authenticates with a JWT MACed with its client secret. The
 * client's registered `token_endpoint_auth_signing_alg` when it is HS256, HS384 or HS512 (any
 * other registered alg is `OAUTH_UNSUPPORTED_ALGORITHM`); else HS256, as openid-client, unless the
 * server's `token_endpoint_auth_signing_alg_values_supported` lists HMAC algorithms without it, when
 * the first of them is used.
 *
 * @param clientSecret Defaults to the client metadata's `client_secret`.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export function ClientSecretJwt(clientSecret?: string, options?: ModifyAssertionOptions): ClientAuth {
  if (clientSecret !== undefined && typeof clientSecret !== 'string') {
    throw argumentError('"clientSecret" must be a string', 'ERR_INVALID_ARG_TYPE');
  }
  checkOptions(options);
  const keys = new Map<string, Promise<CryptoKey>>();
  return async (as, client, body) => {
    const secret = secretOf(clientSecret, client);
    const alg = hmacAlg(as, client);
    const cacheKey = `${alg}:${secret}`;
    let key = keys.get(cacheKey);
    if (key === undefined) {
      const params = { name: 'HMAC', hash: `SHA-${alg.slice(2)}` };
      key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), params, false, ['sign']);
      keys.set(cacheKey, key);
    }
    await assertion(as, client, body, { alg }, await key, options);
  };
}
