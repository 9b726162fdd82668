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

export type IdTokenAlg = 'RS256' | 'ES256';

export interface IdTokenSigner {
  readonly alg: IdTokenAlg;
  readonly jwks: { keys: Array<Record<string, unknown>> };
  sign(claims: Record<string, unknown>): string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

// RFC 7638 JWK thumbprint as the key id: the required members in lexicographic order.
function thumbprint(members: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * One RSA and one P-256 key pair (per process); both public halves are served at jwks_uri, and ID
 * tokens are signed with the one `alg` names (RS256 by default, as OIDC Core makes it the default).
 */
export function createIdTokenSigner(alg: IdTokenAlg = 'RS256'): IdTokenSigner {
  return {
    alg,
    get jwks() {
      return { keys: serverKeys().keys };
    },
    sign: (claims) => {
      const { ec, rsa, ecKid, rsaKid } = serverKeys();
      return alg === 'ES256' ? signJws(ec, 'ES256', ecKid, claims) : signJws(rsa, 'RS256', rsaKid, claims);
    },
  };
}

interface ServerKeys {
  ec: KeyObject;
  rsa: KeyObject;
  ecKid: string;
  rsaKid: string;
  keys: Array<Record<string, unknown>>;
}

// Generated on first use and shared by the servers of one process: an RSA key takes a while to make.
let keys: ServerKeys | undefined;
function serverKeys(): ServerKeys {
  if (keys) return keys;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ecJwk = ec.publicKey.export({ format: 'jwk' });
  const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
  const ecKid = thumbprint({ crv: ecJwk.crv, kty: ecJwk.kty, x: ecJwk.x, y: ecJwk.y });
  const rsaKid = thumbprint({ e: rsaJwk.e, kty: rsaJwk.kty, n: rsaJwk.n });
  keys = {
    ec: ec.privateKey,
    rsa: rsa.privateKey,
    ecKid,
    rsaKid,
    keys: [
      { kty: rsaJwk.kty, n: rsaJwk.n, e: rsaJwk.e, kid: rsaKid, alg: 'RS256', use: 'sig' },
      { kty: ecJwk.kty, crv: ecJwk.crv, x: ecJwk.x, y: ecJwk.y, kid: ecKid, alg: 'ES256', use: 'sig' },
    ],
  };
  return keys;
}

// RFC 7515 compact serialization; ES256 signatures are R || S (RFC 7518 §3.4), not DER.
function signJws(key: KeyObject, alg: IdTokenAlg, kid: string, claims: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg, typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(signature)}`;
}
