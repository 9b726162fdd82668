// JWT client assertions at the server (RFC 7523 §2.2, §3): private_key_jwt and client_secret_jwt,
// checked with node:crypto, independently of lib/jose. Signature, iss = sub = client_id, aud,
// exp, iat, and a jti that is accepted once.
import { createHmac, createPublicKey, timingSafeEqual, verify, type JsonWebKey as NodeJwk } from 'node:crypto';
import type { FormParams } from './form.js';
import type { RegisteredClient } from './types.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionCheck {
  /** Identifiers the server accepts in `aud`: its issuer and its token endpoint URL (RFC 7523 §3). */
  audiences: string[];
  /** Server time, ms. */
  now: number;
  /** jti → exp (s) of assertions already accepted, for replay detection. */
  seen: Map<string, number>;
}

export type AssertionResult = { ok: true; client: RegisteredClient } | { ok: false; error: 'invalid_client' | 'invalid_request'; description: string };

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
// Seconds of clock difference tolerated on iat and exp.
const LEEWAY = 30;

function fail(description: string): AssertionResult {
  return { ok: false, error: 'invalid_client', description };
}

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function signatureHolds(client: RegisteredClient, header: Record<string, unknown>, input: string, signature: Buffer): boolean {
  const alg = String(header['alg']);
  const hash = HASH[alg.slice(2)];
  if (client.authMethod === 'client_secret_jwt') {
    if (!alg.startsWith('HS') || hash === undefined) return false;
    const mac = createHmac(hash, client.clientSecret ?? '').update(input).digest();
    return mac.length === signature.length && timingSafeEqual(mac, signature);
  }
  const candidates = (client.jwks ?? []).filter((jwk) => header['kid'] === undefined || jwk.kid === header['kid']);
  for (const jwk of candidates) {
    const key = createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
    const data = Buffer.from(input);
    // RFC 9864 §2.2: "Ed25519" is the fully-specified name of EdDSA on an Ed25519 key.
    if ((alg === 'EdDSA' || alg === 'Ed25519') && key.asymmetricKeyType === 'ed25519' && verify(null, data, key, signature)) return true;
    if (hash === undefined) continue;
    if (alg.startsWith('RS') && key.asymmetricKeyType === 'rsa' && verify(hash, data, key, signature)) return true;
    const pss = { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: Number(alg.slice(2)) / 8 };
    if (alg.startsWith('PS') && key.asymmetricKeyType === 'rsa' && verify(hash, data, pss, signature)) return true;
    if (alg.startsWith('ES') && key.asymmetricKeyType === 'ec' && verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)) return true;
  }
  return false;
}

/** Authenticates a request that carries client_assertion_type / client_assertion. */
export function authenticateAssertion(clients: ReadonlyMap<string, RegisteredClient>, params: FormParams, check: AssertionCheck): AssertionResult {
  // RFC 7523 §2.2: the assertion type is the JWT bearer URN.
  if (params.get('client_assertion_type') !== JWT_BEARER) return fail('unsupported client_assertion_type');
  const jwt = params.get('client_assertion') ?? '';
  const parts = jwt.split('.');
  const header = parts.length === 3 ? decode(parts[0]!) : undefined;
  const claims = parts.length === 3 ? decode(parts[1]!) : undefined;
  if (header === undefined || claims === undefined) return fail('client_assertion is not a compact JWS');
  // RFC 7523 §3 item 5: the JWT must be signed or MACed; `none` never authenticates anyone.
  if (typeof header['alg'] !== 'string' || header['alg'] === 'none') return fail('client_assertion is not signed');
  const clientId = claims['sub'];
  // RFC 7523 §3 item 2: sub is the client_id; iss is the client too for client authentication.
  if (typeof clientId !== 'string' || claims['iss'] !== clientId) return fail('iss and sub must both be the client_id');
  const bodyId = params.get('client_id');
  if (bodyId !== undefined && bodyId !== clientId) return { ok: false, error: 'invalid_request', description: 'client_id does not match the assertion' };
  const client = clients.get(clientId);
  if (!client || (client.authMethod !== 'private_key_jwt' && client.authMethod !== 'client_secret_jwt')) return fail('client authentication failed');
  if (!signatureHolds(client, header, `${parts[0]}.${parts[1]}`, Buffer.from(parts[2]!, 'base64url'))) return fail('client authentication failed');
  // RFC 7523 §3 item 3: aud identifies this server.
  const aud = claims['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => check.audiences.includes(a as string))) return fail('aud does not identify this server');
  const now = check.now / 1000;
  const exp = claims['exp'];
  // RFC 7523 §3 item 4: exp is required, and an expired JWT is refused.
  if (typeof exp !== 'number' || exp + LEEWAY <= now) return fail('client_assertion expired or without exp');
  const iat = claims['iat'];
  if (iat !== undefined && (typeof iat !== 'number' || iat - LEEWAY > now)) return fail('client_assertion issued in the future');
  // RFC 7523 §3 item 7: a server may keep used jti values and refuse a replay.
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti === '') return fail('client_assertion without jti');
  for (const [seenJti, seenExp] of check.seen) if (seenExp + LEEWAY <= now) check.seen.delete(seenJti);
  if (check.seen.has(`${clientId} ${jti}`)) return fail('client_assertion replayed');
  check.seen.set(`${clientId} ${jti}`, exp);
  return { ok: true, client };
}
