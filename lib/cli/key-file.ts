/**
 * Reads the signing key of `--auth private_key_jwt --key FILE`: a PEM private key (PKCS#8, or
 * PKCS#1 / SEC 1) or a private JWK in JSON. Node-only. The key's text never reaches an error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @module
 */

import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ClientError } from '../errors.ts';
import type { Alg } from '../jose/algorithms.ts';
import { importJwk } from '../jose/jwk.ts';
import type { PrivateKey } from '../oauth/jwt-client-auth.ts';

function badKey(): ClientError {
  // No cause: parser messages could quote the file.
  return new ClientError('--key must name a readable PEM private key or private JWK file', { code: 'OAUTH_INVALID_KEY' });
}

/**
 * Loads the key for PrivateKeyJwt: its alg is the JWK's `alg`, else the one its curve implies,
 * else RS256 for RSA; its kid, when the JWK has one, goes in the assertion header.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function loadSigningKey(path: string): Promise<PrivateKey> {
  let jwk: JsonWebKey & { kid?: unknown };
  try {
    // dg:cli:jwt-auth: a PEM private key or a private JWK; an unreadable or unusable file is OAUTH_INVALID_KEY, without its content
    const text = await readFile(path, 'utf8');
    jwk = text.trimStart().startsWith('{') ? (JSON.parse(text) as JsonWebKey) : (createPrivateKey(text).export({ format: 'jwk' }) as JsonWebKey);
  } catch {
    throw badKey();
  }
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string') throw badKey();
  // dg:cli:jwt-auth: an RSA key without alg means RS256; the JWK's kid goes in the header
  const alg = jwk.alg === undefined && jwk.kty === 'RSA' ? 'RS256' : (jwk.alg as Alg | undefined);
  const key = await importJwk(jwk, alg);
  return typeof jwk.kid === 'string' && jwk.kid !== '' ? { key, kid: jwk.kid } : { key };
}
