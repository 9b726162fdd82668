/**
 * The DPoP handle (RFC 9449), with openid-client v6's `getDPoPHandle(config, keyPair)`: it signs
 * a proof for every request, keeps the last nonce of each server origin, recognises a
 * `use_dpop_nonce` demand, and checks that the token it got is DPoP-bound. The request code
 * reaches it only through the `DPoPHandle` interface (lib/oauth/dpop-handle.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449
 * @module
 */

import { ClientError, WWWAuthenticateChallengeError, argumentError } from '../errors.ts';
import { ed25519Name, type Alg } from '../jose/algorithms.ts';
import { calculateJwkThumbprint, exportPublicJwk } from '../jose/jwk.ts';
import { requestContext, type Configuration } from '../oauth/configuration.ts';
import type { DPoPHandle } from '../oauth/dpop-handle.ts';
import { modifyAssertion, type ModifyAssertionFunction, type ModifyAssertionOptions } from '../oauth/jwt-client-auth.ts';
import { clockOf, type ClientMetadata } from '../oauth/metadata.ts';
import type { TokenEndpointResponse } from '../oauth/token-response.ts';
import { checkKeyPair } from './key-pair.ts';
import { signProof } from './proof.ts';

// RFC 9449 §8.1: nonce = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E.
const NONCE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

class Handle implements DPoPHandle {
  readonly #alg: Alg;
  readonly #keyPair: CryptoKeyPair;
  readonly #client: ClientMetadata;
  readonly #modify: ModifyAssertionFunction | undefined;
  /** The public JWK, exported once, on first use. */
  #jwk: Promise<JsonWebKey> | undefined;
  /** The last nonce of each server origin (RFC 9449 §8, §9). */
  readonly #nonces = new Map<string, string>();

  constructor(alg: Alg, keyPair: CryptoKeyPair, client: ClientMetadata, modify: ModifyAssertionFunction | undefined) {
    this.#alg = alg;
    this.#keyPair = keyPair;
    this.#client = client;
    this.#modify = modify;
  }

  #publicJwk(): Promise<JsonWebKey> {
    // rfc9449:4.2:jwk-public: the jwk "MUST NOT contain a private key": only public members are exported
    this.#jwk ??= exportPublicJwk(this.#keyPair.publicKey);
    return this.#jwk;
  }

  async proof(htm: string, htu: URL, now: () => number = Date.now): Promise<string> {
    const iat = Math.floor(now() / 1000) + clockOf(this.#client).skew;
    // rfc9449:8.2:use-new-nonce rfc9449:9:nonce-per-server: the nonce last supplied by this origin goes in every later proof
    const nonce = this.#nonces.get(htu.origin);
    const jwk = await this.#publicJwk();
    return signProof({ alg: this.#alg, jwk, privateKey: this.#keyPair.privateKey, htm, htu, iat, nonce, modify: this.#modify });
  }

  observe(url: URL, response: Response): void {
    const nonce = response.headers.get('dpop-nonce');
    // dg:dpop:nonce-every-response rfc9449:8.1:nonce-syntax: kept per origin, from any answer; a malformed value is ignored
    if (nonce !== null && NONCE.test(nonce)) this.#nonces.set(url.origin, nonce);
  }

  isNonceDemand(error: Error): boolean {
    // rfc9449:8:nonce-retry dg:dpop:nonce-challenge: use_dpop_nonce in a 400 body, or in a 401 DPoP challenge (RFC 9449 §9)
    if ((error as { error?: unknown }).error === 'use_dpop_nonce') return true;
    return (
      error instanceof WWWAuthenticateChallengeError &&
      error.cause.some((challenge) => challenge.scheme === 'dpop' && challenge.parameters['error'] === 'use_dpop_nonce')
    );
  }

  checkBound(token: TokenEndpointResponse): void {
    // rfc9449:5:token-type-dpop: "The client MUST discard the response" when protection is deemed important: here, always
    if (token.token_type !== 'dpop') {
      throw new ClientError('DPoP was used but the access token is not DPoP-bound ("token_type" is not DPoP)', {
        code: 'OAUTH_UNSUPPORTED_TOKEN_TYPE',
      });
    }
  }

  async thumbprint(): Promise<string> {
    return calculateJwkThumbprint(await this.#publicJwk());
  }
}

/**
 * Options of {@link getDPoPHandle}, as openid-client's `ModifyAssertionOptions`: `[modifyAssertion]`
 * may change each proof's header and claims just before it is signed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export type DPoPHandleOptions = ModifyAssertionOptions;

/**
 * A DPoP handle around a key pair, for `pollDeviceAuthorizationGrant`, `refreshTokenGrant` and
 * `initiateDeviceAuthorization` (for `dpop_jkt`). The pair is checked now: a malformed pair, or an
 * RSA key under 2048 bits, is `OAUTH_INVALID_KEY`, a symmetric or unknown algorithm
 * `OAUTH_UNSUPPORTED_ALGORITHM`. An Ed25519 pair signs its proofs as "Ed25519", or as "EdDSA" when
 * that is the only one of the two names in the server's `dpop_signing_alg_values_supported`.
 *
 * @param keyPair From `randomDPoPKeyPair()` or any asymmetric signing CryptoKeyPair.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 */
export function getDPoPHandle(config: Configuration, keyPair: CryptoKeyPair, options?: DPoPHandleOptions): DPoPHandle {
  const { client, server } = requestContext(config);
  const modify = options?.[modifyAssertion];
  if (modify !== undefined && typeof modify !== 'function') {
    throw argumentError('"options[modifyAssertion]" must be a function', 'ERR_INVALID_ARG_TYPE');
  }
  // dg:dpop:api: getDPoPHandle(config, keyPair, options?) gives the handle the poll, resume, refresh and initiate take as options.DPoP
  // dg:jose:rsa-2048: checkKeyPair refuses an RSA pair under 2048 bits (OAUTH_INVALID_KEY), here, before any request
  // dg:dpop:ed25519-name: an Ed25519 pair's proofs say "Ed25519", or "EdDSA" for a server that lists only that name
  const alg = ed25519Name(checkKeyPair(keyPair), server['dpop_signing_alg_values_supported']);
  return new Handle(alg, keyPair, client, modify);
}
