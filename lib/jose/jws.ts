/**
 * Compact JWS (RFC 7515 §7.1): sign and verify on crypto.subtle. One signature, a protected
 * header only, no unencoded payloads, no `crit` extensions, and never `alg: none`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 * @module
 */

import { ClientError } from '../errors.ts';
import { algorithmOf, assertAlg, assertCryptoKey, invalidKey, sameAlg, signatureParams, unsupportedAlgorithm, type Alg } from './algorithms.ts';
import { decodeBase64url, decodeBase64urlText, encodeBase64url } from './base64url.ts';

/**
 * A JOSE header. `alg` is always one of {@link Alg}; the other members pass through.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-4.1
 */
export interface JwsHeader {
  alg: Alg;
  kid?: string;
  typ?: string;
  jwk?: JsonWebKey;
  [member: string]: unknown;
}

/**
 * Finds the verification key for a header (by its `kid`, say). May be async (a JWKS fetch).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-6
 */
export type KeyResolver = (header: JwsHeader) => CryptoKey | Promise<CryptoKey>;

/**
 * A verified JWS: its header and its payload bytes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export interface VerifiedJws {
  header: JwsHeader;
  payload: Uint8Array;
}

/**
 * A parsed, unverified compact JWS.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export interface DecodedJws {
  header: JwsHeader;
  payload: Uint8Array;
  signature: Uint8Array<ArrayBuffer>;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): the bytes that were signed. */
  signingInput: Uint8Array<ArrayBuffer>;
}

function parseError(message: string): ClientError {
  // dg:jose:typed-errors: a malformed JWS, header or claims set is a ClientError with a stable code
  return new ClientError(message, { code: 'OAUTH_PARSE_ERROR' });
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw parseError('JWS member is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw parseError('JWS member is not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Parses a compact JWS without verifying it. The header must be a JSON object with a supported
 * `alg` and no `crit`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export function decodeJws(jws: string): DecodedJws {
  // dg:jose:compact-form: RFC 7515 §7.1 three base64url parts joined by '.'
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3) throw parseError('not a compact JWS');
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
  const header = parseObject(decodeBase64urlText(encodedHeader));
  // dg:jose:none-refused: `none` (or any alg we do not implement) is refused before any key is used
  assertAlg(header['alg']);
  // dg:jose:crit-refused: RFC 7515 §4.1.11 extensions we do not understand "MUST" make the JWS invalid; we understand none
  if ('crit' in header) throw unsupportedAlgorithm();
  return {
    header: header as JwsHeader,
    payload: decodeBase64url(encodedPayload),
    signature: decodeBase64url(encodedSignature),
    signingInput: new TextEncoder().encode(`${encodedHeader}.${encodedPayload}`),
  };
}

/**
 * Decodes a JWT's claims set (the JWS payload as a JSON object) without verifying it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 */
export function jwtClaims(payload: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw parseError('JWT claims are not UTF-8');
  }
  return parseObject(text);
}

async function subtle<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // A key of the wrong type, usage or algorithm: crypto.subtle throws a DOMException or a TypeError.
    throw invalidKey('key cannot be used for this JWS algorithm', error);
  }
}

function checkKeyFor(key: CryptoKey, alg: Alg): void {
  // dg:jose:key-alg-match: the key's own algorithm decides; a header cannot make an RS256 key sign HS256
  // dg:jose:ed25519-names: an Ed25519 key signs and verifies under either name
  if (!sameAlg(algorithmOf(key), alg)) throw invalidKey('key does not match the JWS algorithm');
}

/**
 * Signs an already-encoded header and payload: the compact JWS of exactly these bytes. The
 * header must name the key's `alg`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export async function signEncodedJws(encodedHeader: string, encodedPayload: string, key: CryptoKey): Promise<string> {
  const alg = assertAlg(parseObject(decodeBase64urlText(encodedHeader))['alg']);
  assertCryptoKey(key);
  checkKeyFor(key, alg);
  const input = new TextEncoder().encode(`${encodedHeader}.${encodedPayload}`);
  // dg:jose:sign: RFC 7515 §5.1 signature over ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
  const signature = await subtle(() => crypto.subtle.sign(signatureParams(alg), key, input));
  return `${encodedHeader}.${encodedPayload}.${encodeBase64url(new Uint8Array(signature))}`;
}

/**
 * Signs `payload` (a JSON object, or raw bytes) with `key`. The header's `alg` defaults to the
 * key's ({@link algorithmOf}); when given it must match the key.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export function signJws(
  header: Omit<JwsHeader, 'alg'> & { alg?: Alg },
  payload: Record<string, unknown> | Uint8Array,
  key: CryptoKey,
): Promise<string> {
  try {
    const full = { ...header, alg: header.alg ?? algorithmOf(key) };
    const bytes = payload instanceof Uint8Array ? payload : new TextEncoder().encode(JSON.stringify(payload));
    return signEncodedJws(encodeBase64url(JSON.stringify(full)), encodeBase64url(bytes), key);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Verifies a compact JWS: its `alg` must be in `allowedAlgs` (never `none`), must match the
 * key, and the signature must hold. `key` may be a resolver that picks it from the header.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export async function verifyJws(jws: string, key: CryptoKey | KeyResolver, allowedAlgs: readonly Alg[]): Promise<VerifiedJws> {
  const decoded = decodeJws(jws);
  const { alg } = decoded.header;
  // dg:jose:alg-allowlist: the caller names the algorithms it accepts; a header cannot widen that list
  if (!allowedAlgs.includes(alg)) throw unsupportedAlgorithm();
  const resolved = assertCryptoKey(typeof key === 'function' ? await key(decoded.header) : key);
  checkKeyFor(resolved, alg);
  // dg:jose:verify: RFC 7515 §5.2 step 8, the signature is validated over the signing input
  const valid = await subtle(() => crypto.subtle.verify(signatureParams(alg), resolved, decoded.signature, decoded.signingInput));
  if (!valid) throw new ClientError('JWS signature verification failed', { code: 'OAUTH_JWS_SIGNATURE_INVALID' });
  return { header: decoded.header, payload: decoded.payload };
}
