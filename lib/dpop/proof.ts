/**
 * The DPoP proof JWT (RFC 9449 §4.2): its header and claims, signed with the private key. One
 * proof per request, never reused.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 * @module
 */

import type { Alg } from '../jose/algorithms.ts';
import { encodeBase64url } from '../jose/base64url.ts';
import { signJws } from '../jose/jws.ts';
import type { ModifyAssertionFunction } from '../oauth/jwt-client-auth.ts';

/**
 * What one proof is made of.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export interface ProofInput {
  alg: Alg;
  /** The public JWK, with public members only. */
  jwk: JsonWebKey;
  privateKey: CryptoKey;
  htm: string;
  htu: URL;
  /** Seconds since the epoch. */
  iat: number;
  nonce?: string | undefined;
  /** openid-client's modifyAssertion: changes the header and claims in place just before signing. */
  modify?: ModifyAssertionFunction | undefined;
}

/**
 * The `htu` of a request: its URI without query and fragment.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function htuOf(url: URL): string {
  // rfc9449:4.2:htu: "The HTTP target URI ... without query and fragment parts."
  return url.origin + url.pathname;
}

/**
 * A new jti: 128 random bits, base64url.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function newJti(): string {
  // rfc9449:4.2:jti: "at least 96 bits of pseudorandom data"
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Signs a DPoP proof JWT.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function signProof(input: ProofInput): Promise<string> {
  // rfc9449:4.2:header: typ "dpop+jwt", an asymmetric alg, and the public jwk
  const header = { typ: 'dpop+jwt', alg: input.alg, jwk: input.jwk };
  // rfc9449:4.2:claims: jti, htm, htu and iat in every proof
  const claims: Record<string, unknown> = { jti: newJti(), htm: input.htm, htu: htuOf(input.htu), iat: input.iat };
  // rfc9449:4.2:nonce: "the DPoP proof MUST also contain" the nonce the server provided
  if (input.nonce !== undefined) claims['nonce'] = input.nonce;
  input.modify?.(header, claims);
  return signJws(header, claims, input.privateKey);
}
