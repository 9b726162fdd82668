// Helpers for the JWT client authentication tests (RFC 7523): a conformance server that knows a
// private_key_jwt or client_secret_jwt client, a Configuration using the given ClientAuth, and
// readers for the assertions the server received.
import { Configuration, customFetch, initiateDeviceAuthorization, type ClientAuth, type CustomFetch, type DeviceAuthorizationResponse } from '../../lib/index.js';
import { exportPublicJwk, generateKeyPair } from '../../lib/jose/jwk.js';
import { decodeJws, jwtClaims, type JwsHeader } from '../../lib/jose/jws.js';
import type { Alg } from '../../lib/jose/algorithms.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import type { AuthorizationServerOptions, RecordedRequest } from '../server/types.js';
import { createFakeClock } from './fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, type Harness } from './harness.js';
import { inProcessFetch } from './in-process-fetch.js';

export type JwtMethod = 'private_key_jwt' | 'client_secret_jwt';

export interface JwtHarness extends Harness {
  /** The assertions the server received, in order. */
  assertions(): Array<{ endpoint: RecordedRequest['endpoint']; header: JwsHeader; claims: Record<string, unknown>; jwt: string; form: URLSearchParams }>;
}

/** A key pair for private_key_jwt, and its public JWK with a kid, as the server registers it. */
export async function clientKey(alg: Alg = 'ES256', kid = 'client-key-1'): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, publicKey, jwk: { ...(await exportPublicJwk(publicKey)), kid } };
}

/**
 * An in-process server with one JWT client, its clock started at the real time (assertions carry
 * the wall clock's iat and exp), and a Configuration that authenticates with `auth`.
 */
export function jwtHarness(
  method: JwtMethod,
  auth: ClientAuth,
  options: { jwks?: Array<Record<string, unknown>>; issuer?: string; server?: Omit<AuthorizationServerOptions, 'now' | 'issuer' | 'clients'>; metadata?: Record<string, unknown> } = {},
): JwtHarness {
  const issuer = options.issuer ?? ISSUER;
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const client = method === 'private_key_jwt' ? { clientId: CLIENT_ID, authMethod: method, jwks: options.jwks ?? [] } : { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, authMethod: method };
  let counter = 0;
  const server = createAuthorizationServer({ tolerance: 0, interval: 1, deviceCodeFactory: () => `dc-${++counter}`, ...options.server, issuer, now: clock.now, clients: [client] });
  const fetch = inProcessFetch(server) as CustomFetch;
  const config = new Configuration(
    {
      issuer,
      token_endpoint: `${issuer}/token`,
      device_authorization_endpoint: `${issuer}/device_authorization`,
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'],
      ...options.metadata,
    },
    CLIENT_ID,
    method === 'client_secret_jwt' ? { client_secret: CLIENT_SECRET } : undefined,
    auth,
  );
  config[customFetch] = fetch;
  const assertions: JwtHarness['assertions'] = () =>
    server.requests
      .filter((r) => r.form.some(([name]) => name === 'client_assertion'))
      .map((r) => {
        const form = new URLSearchParams(r.form);
        const jwt = form.get('client_assertion') ?? '';
        const decoded = decodeJws(jwt);
        return { endpoint: r.endpoint, header: decoded.header, claims: jwtClaims(decoded.payload), jwt, form };
      });
  return { server, clock, fetch, config, assertions };
}

/** Starts a device authorization with the harness's configuration. */
export function initiate(h: Harness): Promise<DeviceAuthorizationResponse> {
  return initiateDeviceAuthorization(h.config, { scope: 'openid' });
}
