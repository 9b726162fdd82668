// Codes, tokens and signed ID tokens.
import { createHash, generateKeyPairSync, randomBytes, randomInt, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** RFC 8628 §5.2: a very high entropy device_code (256 bits, base64url). Also used for tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

// RFC 8628 §6.1: base-20 alphabet without vowels, 8 significant characters, a dash for readability.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export function randomUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** RFC 8628 §6.1: compare user codes case-insensitively, ignoring dashes and spaces. */
export function normalizeUserCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

export interface IdTokenSigner {
  readonly alg: 'ES256';
  readonly jwks: { keys: Array<Record<string, unknown>> };
  sign(claims: Record<string, unknown>): string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A fresh P-256 key pair per server; the public half is served at jwks_uri. */
export function createIdTokenSigner(): IdTokenSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638 JWK thumbprint as the key id: required members in lexicographic order.
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
  return {
    alg: 'ES256',
    jwks: { keys: [publicJwk] },
    sign: (claims) => signJws(privateKey, kid, claims),
  };
}

// RFC 7515 compact serialization; ES256 signatures are R || S (RFC 7518 §3.4), not DER.
function signJws(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}
