/**
 * JSON Web Keys (RFC 7517): import to a CryptoKey for a JWS algorithm, export a public key, and
 * the RFC 7638 thumbprint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 * @module
 */

import { algorithmOf, assertAlg, assertCryptoKey, invalidKey, keyParams, sameAlg, type Alg } from './algorithms.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
  OKP: ['crv', 'kty', 'x'],
};

// The private members of every key type (RFC 7518 §6, RFC 8037 §2).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const EC_ALGS: Record<string, Alg> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JWS algorithm for a JWK: its `alg` member, else the one its curve implies (EC, OKP).
 * RSA and oct keys without `alg` are ambiguous: the caller must name the algorithm.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4.4
 */
export function jwkAlgorithm(jwk: JsonWebKey): Alg {
  if (!isObject(jwk)) throw invalidKey('JWK must be an object');
  if (jwk.alg !== undefined) return assertAlg(jwk.alg);
  if (jwk.kty === 'EC') return assertAlg(EC_ALGS[String(jwk.crv)]);
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw invalidKey('JWK needs an "alg" member');
}

/**
 * Imports a JWK for one JWS algorithm (`alg`, else {@link jwkAlgorithm}). A private JWK gives a
 * signing key, a public one a verifying key. A malformed JWK is a typed `OAUTH_INVALID_KEY`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 */
export async function importJwk(jwk: JsonWebKey, alg?: Alg, extractable = false): Promise<CryptoKey> {
  // dg:jose:jwk-import: the alg is the one given, else the JWK's alg, else its curve
  const algorithm = alg === undefined ? jwkAlgorithm(jwk) : assertAlg(alg);
  if (!isObject(jwk)) throw invalidKey('JWK must be an object');
  // dg:jose:jwk-alg-match: RFC 7517 §4.4 a JWK's own "alg" restricts the key to that algorithm
  // dg:jose:ed25519-names: a JWK of alg "EdDSA" imports for "Ed25519" and the other way round
  if (jwk.alg !== undefined && !sameAlg(jwk.alg, algorithm)) throw invalidKey('JWK "alg" does not match');
  // dg:jose:jwk-import: a private JWK gives a signing key, a public one a verifying key
  const usages: KeyUsage[] = jwk.kty === 'oct' ? ['sign', 'verify'] : jwk.d !== undefined ? ['sign'] : ['verify'];
  try {
    // WebCrypto itself checks kty, crv, use, key_ops and ext against this import.
    return await crypto.subtle.importKey('jwk', jwk, keyParams(algorithm), extractable, usages);
  } catch (error) {
    // dg:jose:jwk-import: a JWK crypto.subtle refuses is OAUTH_INVALID_KEY
    throw invalidKey('malformed JWK', error);
  }
}

/**
 * The modulus length in bits of an RSA JWK (from its `n`, leading zero octets ignored); 0 when
 * `n` is missing or not base64url. Lets a JWK Set's short keys be left out before any import.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1.1
 */
export function jwkModulusLength(jwk: JsonWebKey): number {
  let n: Uint8Array;
  try {
    n = decodeBase64url(jwk.n as string);
  } catch {
    return 0;
  }
  let start = 0;
  while (n[start] === 0) start++;
  const first = n[start];
  // dg:jose:rsa-2048: the bits of the big-endian modulus, from its first non-zero octet
  return first === undefined ? 0 : (n.length - start) * 8 - (Math.clz32(first) - 24);
}

/**
 * The public JWK of a key: only the public members (`kty`, `crv`, `x`, `y`, `n`, `e`), never a
 * private one. The key must be extractable (a CryptoKeyPair's public key always is).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 */
export async function exportPublicJwk(key: CryptoKey): Promise<JsonWebKey> {
  assertCryptoKey(key);
  // dg:jose:public-export: a secret (HMAC) key has no public half to export
  if (key.type === 'secret') throw invalidKey('a secret key has no public JWK');
  let jwk: JsonWebKey;
  try {
    jwk = await crypto.subtle.exportKey('jwk', key);
  } catch (error) {
    throw invalidKey('key is not extractable', error);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (!PRIVATE_MEMBERS.includes(name) && name !== 'key_ops' && name !== 'ext' && name !== 'alg') out[name] = value;
  }
  return out as JsonWebKey;
}

/**
 * Exports a private key as a JWK with its `alg` (for storing a generated key, say).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 */
export async function exportPrivateJwk(key: CryptoKey): Promise<JsonWebKey> {
  const alg = algorithmOf(key);
  try {
    const { key_ops: _ops, ext: _ext, ...jwk } = await crypto.subtle.exportKey('jwk', key);
    return { ...jwk, alg };
  } catch (error) {
    throw invalidKey('key is not extractable', error);
  }
}

/**
 * The RFC 7638 JWK thumbprint: SHA-256 over the key type's required members, in lexicographic
 * order, with no whitespace, then base64url.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
export async function calculateJwkThumbprint(jwk: JsonWebKey): Promise<string> {
  if (!isObject(jwk)) throw invalidKey('JWK must be an object');
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw invalidKey('unsupported JWK "kty"');
  const subset: Record<string, unknown> = {};
  for (const name of members) {
    const value = (jwk as Record<string, unknown>)[name];
    if (typeof value !== 'string') throw invalidKey('JWK lacks a required member');
    // dg:jose:thumbprint: RFC 7638 §3.2 only the required members, lexicographic, no whitespace
    subset[name] = value;
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(subset)));
  return encodeBase64url(new Uint8Array(digest));
}

/**
 * Generates a key pair (or, for HS*, a secret key in both members) for a JWS algorithm. RSA keys
 * are 2048 bits with e = 65537. The private key is not extractable unless asked.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export async function generateKeyPair(alg: Alg, options: { extractable?: boolean } = {}): Promise<CryptoKeyPair> {
  const params = { ...keyParams(assertAlg(alg)), modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const extractable = options.extractable === true;
  if (alg.startsWith('HS')) {
    const secret = (await crypto.subtle.generateKey(params as HmacKeyGenParams, extractable, ['sign', 'verify'])) as CryptoKey;
    return { privateKey: secret, publicKey: secret };
  }
  const pair = (await crypto.subtle.generateKey(params, extractable, ['sign', 'verify'])) as CryptoKeyPair;
  return pair;
}
