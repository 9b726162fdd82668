// The state every endpoint reads: settings, registered clients, grants, tokens, keys and faults.
import type { DPoPServerState } from './dpop.js';
import type { FaultQueues } from './faults.js';
import type { IdTokenSigner } from './tokens.js';
import type { Grant, RefreshGrant, RegisteredClient } from './types.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface Settings {
  /** Seconds, as sent in the device authorization response. */
  interval: number;
  sendInterval: boolean;
  expiresIn: number;
  tolerance: number;
  verificationUriComplete: boolean;
  metadataOverrides: Record<string, unknown>;
  scopesSupported: string[] | undefined;
  strictBasicEncoding: boolean;
  accessTokenExpiresIn: number;
  deviceCodeFactory: () => string;
  userCodeFactory: () => string;
}

export interface ServerContext {
  settings: Settings;
  now: () => number;
  clients: Map<string, RegisteredClient>;
  grants: Map<string, Grant>;
  /** Normalized user_code → device_code. */
  userCodes: Map<string, string>;
  refreshTokens: Map<string, RefreshGrant>;
  signer: IdTokenSigner;
  faults: FaultQueues;
  forcedSlowDowns: number;
  dpop: DPoPServerState;
}

/** The issuer, its path (no trailing '/') and the endpoint URLs derived from it. */
export interface Endpoints {
  issuer: string;
  path: string;
  device: string;
  token: string;
  jwks: string;
  verification: string;
}

export function endpointsFor(issuer: string): Endpoints {
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    path: new URL(issuer).pathname.replace(/\/+$/, ''),
    device: `${base}/device_authorization`,
    token: `${base}/token`,
    jwks: `${base}/jwks`,
    verification: `${base}/device`,
  };
}
