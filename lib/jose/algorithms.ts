/**
 * The JWS algorithms this library signs and verifies (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864 §2),
 * mapped to crypto.subtle parameters. `none` is not among them and never will be.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 * @module
 */

import { ClientError } from '../errors.ts';

/**
 * A JWS `alg` value this library supports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export type Alg =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519'
  | 'HS256' | 'HS384' | 'HS512';

/**
 * Every supported `alg`, asymmetric ones first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export const SUPPORTED_ALGS: readonly Alg[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'HS256', 'HS384', 'HS512',
] as const);

/**
 * RFC 7518 §3.3 and §3.5: the shortest RSA modulus, in bits, that RS* and PS* may use.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
 */
export const MIN_RSA_BITS = 2048;

// The two names of an Ed25519 signature: RFC 8037's polymorphic "EdDSA", RFC 9864's fully-specified "Ed25519".
const ED25519_NAMES: readonly unknown[] = ['EdDSA', 'Ed25519'];

/**
 * True when `a` and `b` name the same signature algorithm: equal, or the two names of Ed25519
 * ("EdDSA" and "Ed25519"), which both mean an OKP key on the Ed25519 curve here.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9864#section-2.2
 */
export function sameAlg(a: unknown, b: unknown): boolean {
  // dg:jose:ed25519-names: "EdDSA" and "Ed25519" are one algorithm on one key type (OKP, crv Ed25519)
  return a === b || (ED25519_NAMES.includes(a) && ED25519_NAMES.includes(b));
}

/**
 * The name to sign with: `alg` itself, except for an Ed25519 key, whose name follows the server's
 * list: "EdDSA" when it lists "EdDSA" but not "Ed25519", else "Ed25519" (RFC 9864's name, what
 * openid-client emits).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9864#section-2.2
 */
export function ed25519Name(alg: Alg, listed: unknown): Alg {
  if (!ED25519_NAMES.includes(alg)) return alg;
  // dg:jose:ed25519-names: a server that lists only the polymorphic "EdDSA" gets that name; any other gets "Ed25519"
  return Array.isArray(listed) && listed.includes('EdDSA') && !listed.includes('Ed25519') ? 'EdDSA' : 'Ed25519';
}

const CURVES: Record<string, Alg> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/**
 * The typed error for an algorithm this library does not support, `none` included.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export function unsupportedAlgorithm(): ClientError {
  // dg:jose:typed-errors: an unsupported algorithm, none included, is a ClientError with a stable code
  return new ClientError('unsupported JWS algorithm', { code: 'OAUTH_UNSUPPORTED_ALGORITHM' });
}

/**
 * The typed error for a key that is malformed or unusable for the operation.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 */
export function invalidKey(message: string, cause?: unknown): ClientError {
  // dg:jose:typed-errors: a bad key is a ClientError with a stable code, the platform's error kept as cause
  return new ClientError(message, cause === undefined ? { code: 'OAUTH_INVALID_KEY' } : { code: 'OAUTH_INVALID_KEY', cause });
}

/**
 * True when `value` is a supported `alg`. `none` never is.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export function isAlg(value: unknown): value is Alg {
  return typeof value === 'string' && (SUPPORTED_ALGS as readonly string[]).includes(value);
}

/**
 * Checks that `value` is a supported `alg`, else throws `OAUTH_UNSUPPORTED_ALGORITHM`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.6
 */
export function assertAlg(value: unknown): Alg {
  // dg:jose:none-refused: RFC 7518 §3.6 unsecured JWS must be explicitly allowed; we never allow it
  // rfc9449:11.6:no-none: "the algorithm none MUST NOT be allowed": it is no supported alg, so DPoP keys never sign with it
  if (!isAlg(value)) throw unsupportedAlgorithm();
  return value;
}

function hashOf(alg: Alg): string {
  return `SHA-${alg.slice(2)}`;
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey === 'function' && key instanceof CryptoKey;
}

/**
 * Checks that `key` is a CryptoKey, else throws `OAUTH_INVALID_KEY`.
 *
 * @see https://www.w3.org/TR/WebCryptoAPI/#cryptokey-interface
 */
export function assertCryptoKey(key: unknown): CryptoKey {
  if (!isCryptoKey(key)) throw invalidKey('key must be a CryptoKey');
  return key;
}

/**
 * The JWS `alg` that a CryptoKey implies: from its algorithm name and its hash or curve.
 * RSA keys carry their hash; RSASSA-PKCS1-v1_5 means RS*, RSA-PSS means PS*; an RSA key shorter
 * than {@link MIN_RSA_BITS} is `OAUTH_INVALID_KEY`. An Ed25519 key gives "EdDSA" (see {@link sameAlg}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export function algorithmOf(key: CryptoKey): Alg {
  const algorithm = assertCryptoKey(key).algorithm as KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string; modulusLength?: number };
  const bits = algorithm.hash?.name?.replace('SHA-', '');
  let alg: string | undefined;
  // dg:jose:algorithms: a CryptoKey's alg follows from its algorithm and its hash or curve; any other key is unsupported
  switch (algorithm.name) {
    case 'HMAC': alg = `HS${bits}`; break;
    case 'RSASSA-PKCS1-v1_5': alg = `RS${bits}`; break;
    case 'RSA-PSS': alg = `PS${bits}`; break;
    case 'ECDSA': alg = CURVES[String(algorithm.namedCurve)]; break;
    case 'Ed25519': alg = 'EdDSA'; break;
  }
  const checked = assertAlg(alg);
  // dg:jose:rsa-2048: RFC 7518 §3.3, §3.5 "A key of size 2048 bits or larger MUST be used with these algorithms": for signing and verifying
  if ((algorithm.modulusLength ?? MIN_RSA_BITS) < MIN_RSA_BITS) throw invalidKey('RSA keys must be at least 2048 bits long');
  return checked;
}

/**
 * The crypto.subtle parameters to sign or verify with `alg`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export function signatureParams(alg: Alg): Algorithm | RsaPssParams | EcdsaParams {
  // dg:jose:algorithms: the crypto.subtle signature parameters of each supported alg
  switch (alg.slice(0, 2)) {
    case 'RS': return { name: 'RSASSA-PKCS1-v1_5' };
    // dg:jose:ps-salt: RFC 7518 §3.5 "The size of the salt value is the same size as the hash function output"
    case 'PS': return { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 };
    case 'ES': return { name: 'ECDSA', hash: hashOf(alg) };
    case 'HS': return { name: 'HMAC' };
    default: return { name: 'Ed25519' };
  }
}

/**
 * The crypto.subtle parameters to import (or generate) a key for `alg`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export function keyParams(alg: Alg): Algorithm | RsaHashedImportParams | EcKeyImportParams | HmacImportParams {
  // dg:jose:algorithms: the crypto.subtle import parameters of each supported alg (RSA hash, EC curve, HMAC hash, Ed25519)
  switch (alg.slice(0, 2)) {
    case 'RS': return { name: 'RSASSA-PKCS1-v1_5', hash: hashOf(alg) };
    case 'PS': return { name: 'RSA-PSS', hash: hashOf(alg) };
    case 'ES': return { name: 'ECDSA', namedCurve: alg === 'ES512' ? 'P-521' : `P-${alg.slice(2)}` };
    case 'HS': return { name: 'HMAC', hash: hashOf(alg) };
    default: return { name: 'Ed25519' };
  }
}
