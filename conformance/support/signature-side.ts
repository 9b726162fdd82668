// Shared by the ID token signature tests (conformance/oidc/id-token-*.test.ts): the JWKS location
// the harness server answers, and a Configuration that announces it with RS256 and ES256.
import { Configuration, None, customFetch, type CustomFetch } from '../../lib/index.js';
import { CLIENT_ID, ISSUER, type Harness } from './harness.js';

export const JWKS = `${ISSUER}/jwks`;

/** A public client of the harness server whose metadata names the JWKS, with `fetch` as its customFetch. */
export function configFor(h: Harness, fetch: CustomFetch = h.fetch, metadata: Record<string, unknown> = {}): Configuration {
  const config = new Configuration({ ...h.config.serverMetadata(), jwks_uri: JWKS, id_token_signing_alg_values_supported: ['RS256', 'ES256'], ...metadata }, CLIENT_ID, undefined, None());
  config[customFetch] = fetch;
  return config;
}
