/**
 * DPoP key pairs: generating one (openid-client v6's `randomDPoPKeyPair`) and checking one that
 * a caller brings. Only asymmetric signature algorithms are allowed (RFC 9449 §4.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 * @module
 */

import { argumentError } from '../errors.ts';
import { algorithmOf, assertAlg, invalidKey, keyParams, unsupportedAlgorithm, type Alg } from '../jose/algorithms.ts';

/**
 * Options of {@link randomDPoPKeyPair}, as in openid-client v6.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export interface GenerateKeyPairOptions {
  /** Whether the private key may be exported. Default `false`. */
  extractable?: boolean;
  /** RSA only: the modulus length in bits. Default 2048. */
  modulusLength?: number;
}

/**
 * True for an asymmetric signature algorithm: never `none`, never an HMAC.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function isAsymmetric(alg: Alg): boolean {
  return !alg.startsWith('HS');
}

/**
 * Generates a key pair for DPoP proofs. `alg` defaults to ES256; `none` and symmetric
 * algorithms are refused with `OAUTH_UNSUPPORTED_ALGORITHM`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function randomDPoPKeyPair(alg: string = 'ES256', options: GenerateKeyPairOptions = {}): Promise<CryptoKeyPair> {
  // rfc9449:11.6:no-none: "the algorithm none MUST NOT be allowed": assertAlg knows no none
  const checked = assertAlg(alg);
  // rfc9449:4.2:alg-asymmetric: "It MUST NOT be none or an identifier for a symmetric algorithm"
  // rfc9449:11.6:asymmetric-only: "Implementers MUST ensure that only asymmetric digital signature algorithms" are used: no HMAC key is generated
  if (!isAsymmetric(checked)) throw unsupportedAlgorithm();
  // dg:dpop:api: randomDPoPKeyPair defaults to ES256 and a non-extractable private key; RSA moduli of at least 2048 bits
  const { extractable = false, modulusLength = 2048 } = options ?? {};
  // RSA keys below 2048 bits are weak; above 16384 OpenSSL refuses (or takes minutes).
  if (typeof extractable !== 'boolean' || !(Number.isSafeInteger(modulusLength) && modulusLength >= 2048 && modulusLength <= 16384)) {
    throw argumentError('"extractable" must be a boolean and "modulusLength" an integer from 2048 to 16384', 'ERR_INVALID_ARG_VALUE');
  }
  const rsa = checked.startsWith('RS') || checked.startsWith('PS');
  const params = rsa ? { ...keyParams(checked), modulusLength, publicExponent: new Uint8Array([1, 0, 1]) } : keyParams(checked);
  try {
    return (await crypto.subtle.generateKey(params, extractable, ['sign', 'verify'])) as CryptoKeyPair;
    /* c8 ignore start -- reached only on a runtime without the algorithm (Ed25519 in older browsers), never on Node 20+ */
  } catch {
    throw unsupportedAlgorithm();
  }
  /* c8 ignore stop */
}

/**
 * Checks a caller's key pair: a private signing key and its public key, with an asymmetric
 * algorithm. Returns that algorithm. A malformed pair is `OAUTH_INVALID_KEY`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function checkKeyPair(keyPair: CryptoKeyPair): Alg {
  const pair = keyPair as Partial<CryptoKeyPair> | null;
  // dg:dpop:bad-key: a malformed key pair is OAUTH_INVALID_KEY at getDPoPHandle, before any request
  if (pair === null || typeof pair !== 'object') throw invalidKey('"keyPair" must be a CryptoKeyPair');
  const { privateKey, publicKey } = pair;
  const alg = algorithmOf(privateKey as CryptoKey);
  // rfc9449:4.2:alg-asymmetric: "It MUST NOT be none or an identifier for a symmetric algorithm"
  // rfc9449:11.6:asymmetric-only: "Implementers MUST ensure that only asymmetric digital signature algorithms" are used: a caller's HMAC key pair is refused
  if (!isAsymmetric(alg)) throw unsupportedAlgorithm();
  if (privateKey?.type !== 'private' || !privateKey.usages.includes('sign')) throw invalidKey('"keyPair.privateKey" must be a private signing key');
  // The public key goes into every proof as a JWK, so it must be exportable.
  // dg:dpop:bad-key: a public key of another algorithm, or one that cannot be exported, is OAUTH_INVALID_KEY
  if (algorithmOf(publicKey as CryptoKey) !== alg || publicKey?.type !== 'public' || !publicKey.extractable) {
    throw invalidKey('"keyPair.publicKey" must be the extractable public key of the same algorithm');
  }
  return alg;
}
