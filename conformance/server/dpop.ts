// DPoP at the token endpoint (RFC 9449), server side: proof verification (typ, alg, jwk, signature,
// htm, htu, iat window, jti replay, nonce), nonce demands (400 body or 401 challenge, on the first
// request or on every one), and token binding (cnf.jkt, token_type DPoP). Written on node:crypto,
// independently of the library's own JOSE code, so that one cannot hide the other's mistakes.
import { constants, createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { HttpReply, ServerRequest } from './types.js';
import { oauthError } from './replies.js';

/** How the server treats DPoP. Everything is off unless set. */
export interface DPoPServerOptions {
  /**
   * 'none': no nonce (the default); 'required': a proof without the current nonce gets
   * use_dpop_nonce with a DPoP-Nonce header (so the very first one does); 'loop': every proof gets
   * use_dpop_nonce with a brand-new nonce (a misbehaving server).
   */
  nonce?: 'none' | 'required' | 'loop';
  /** How a nonce is demanded: a 400 use_dpop_nonce body (default) or a 401 `WWW-Authenticate: DPoP` challenge. */
  nonceStyle?: 'body' | 'challenge';
  /** With nonce 'required': a new nonce after every accepted proof, sent with its answer; only the newest is accepted. */
  rotate?: boolean;
  /** Send the current nonce with the device authorization response too. */
  nonceAtDeviceEndpoint?: boolean;
  /** Refuse token requests without a DPoP proof. */
  required?: boolean;
  /** Issue Bearer tokens even to a proof (a server that declines to bind). */
  bearer?: boolean;
  /** Seconds a proof's iat may be away from now (default 60). */
  iatWindow?: number;
}

/** What the server remembers about DPoP, for tests to inspect. */
export interface DPoPServerState {
  options: DPoPServerOptions;
  /** The nonce currently accepted, when nonces are on. */
  nonce: string | undefined;
  /** Every jti seen in a proof whose signature held (replays are refused). */
  jtis: Set<string>;
  /** access_token → the RFC 7638 thumbprint it is bound to (cnf.jkt). */
  boundTokens: Map<string, string>;
  /** Proofs accepted and nonce demands sent. */
  accepted: number;
  nonceDemands: number;
}

export function createDPoPState(options: DPoPServerOptions = {}): DPoPServerState {
  const nonce = options.nonce === 'required' || options.nonce === 'loop' ? newNonce() : undefined;
  return { options, nonce, jtis: new Set(), boundTokens: new Map(), accepted: 0, nonceDemands: 0 };
}

// RFC 9449 §8: "Nonce values MUST be unpredictable."
const newNonce = (): string => randomBytes(16).toString('base64url');

const ALGS: Record<string, { hash: string | null; kind: 'ec' | 'rsa' | 'pss' | 'ed' }> = {
  ES256: { hash: 'sha256', kind: 'ec' },
  ES384: { hash: 'sha384', kind: 'ec' },
  ES512: { hash: 'sha512', kind: 'ec' },
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  EdDSA: { hash: null, kind: 'ed' },
  Ed25519: { hash: null, kind: 'ed' }, // RFC 9864 §2.2: the fully-specified name of EdDSA on Ed25519
};

/** The algorithms published as dpop_signing_alg_values_supported. */
export const DPOP_ALGS: string[] = Object.keys(ALGS);

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const THUMBPRINT_MEMBERS: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };

/** RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk['kty'])] ?? [];
  const subset = Object.fromEntries(members.map((name) => [name, jwk[name]]));
  return createHash('sha256').update(JSON.stringify(subset)).digest('base64url');
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type ProofCheck = { ok: true; jkt: string } | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

/** RFC 9449 §4.3: checks one proof for a POST to `htu`; a signature-valid proof's jti is used up. */
export function checkProof(state: DPoPServerState, jwt: string, htu: string, now: number): ProofCheck {
  const bad = (description: string): ProofCheck => ({ ok: false, error: 'invalid_dpop_proof', description });
  const parts = jwt.split('.');
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (parts.length !== 3 || header === undefined || payload === undefined) return bad('not a JWT');
  if (header['typ'] !== 'dpop+jwt') return bad('typ must be dpop+jwt'); // §4.3 (4)
  const alg = ALGS[String(header['alg'])]; // §4.3 (5): asymmetric, not none
  if (alg === undefined) return bad('unsupported alg');
  const jwk = header['jwk'] as Record<string, unknown> | undefined;
  if (jwk === null || typeof jwk !== 'object' || PRIVATE_MEMBERS.some((name) => name in jwk)) return bad('jwk must be a public key');
  let signatureOk: boolean;
  try {
    const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    const options =
      alg.kind === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const }
      : alg.kind === 'pss' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : key;
    signatureOk = verify(alg.hash, data, options, signature); // §4.3 (6)
  } catch {
    return bad('jwk is not a usable key');
  }
  if (!signatureOk) return bad('bad signature');
  if (payload['htm'] !== 'POST') return bad('htm mismatch'); // §4.3 (8)
  if (payload['htu'] !== htu) return bad('htu mismatch'); // §4.3 (9)
  const iat = payload['iat'];
  const window = state.options.iatWindow ?? 60;
  if (typeof iat !== 'number' || Math.abs(iat - now / 1000) > window) return bad('iat outside the window'); // §4.3 (11)
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti.length < 12 || state.jtis.has(jti)) return bad('jti missing or replayed'); // §11.1
  state.jtis.add(jti);
  const { nonce } = state.options;
  if (nonce === 'loop') {
    state.nonce = newNonce();
    return { ok: false, error: 'use_dpop_nonce', description: 'a new nonce is required' };
  }
  // §4.3 (10), §8: the nonce must be the one the server gave last.
  if (nonce === 'required' && payload['nonce'] !== state.nonce) {
    return { ok: false, error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof' };
  }
  state.accepted += 1;
  if (nonce === 'required' && state.options.rotate === true) state.nonce = newNonce();
  return { ok: true, jkt: jwkThumbprint(jwk) };
}

/**
 * The DPoP outcome of a token request: no proof (`jkt` undefined), a valid proof (its key's
 * thumbprint), or the error reply to send.
 */
export function tokenRequestProof(state: DPoPServerState, request: ServerRequest, htu: string, now: number): { jkt: string | undefined } | { reply: HttpReply } {
  const proof = request.headers['dpop'];
  if (proof === undefined) {
    return state.options.required === true ? { reply: oauthError('invalid_dpop_proof', 'a DPoP proof is required') } : { jkt: undefined };
  }
  // RFC 9449 §4.3 (1): exactly one DPoP header (node joins repeated ones with ', ').
  if (proof.includes(',')) return { reply: oauthError('invalid_dpop_proof', 'more than one DPoP header') };
  const check = checkProof(state, proof, htu, now);
  if (check.ok) return { jkt: check.jkt };
  if (check.error === 'invalid_dpop_proof') return { reply: oauthError(check.error, check.description) };
  state.nonceDemands += 1;
  if (state.options.nonceStyle === 'challenge') {
    // RFC 9449 §9 style: 401 with a DPoP challenge carrying the error.
    const challenge = `DPoP error="use_dpop_nonce", error_description="${check.description}", algs="${DPOP_ALGS.join(' ')}"`;
    return { reply: withNonce(state, { status: 401, headers: { 'www-authenticate': challenge, 'cache-control': 'no-store' }, body: '' }) };
  }
  return { reply: withNonce(state, oauthError('use_dpop_nonce', check.description)) };
}

/** Adds the current nonce, when there is one, as the DPoP-Nonce header (RFC 9449 §8). */
export function withNonce(state: DPoPServerState, reply: HttpReply): HttpReply {
  if (state.nonce === undefined) return reply;
  return { ...reply, headers: { ...reply.headers, 'dpop-nonce': state.nonce } };
}
