// Authorization server metadata (RFC 8414 §2, §3; RFC 8628 §4; OpenID Connect Discovery 1.0 §3, §4).
import { DEVICE_CODE_GRANT } from '../context.js';
import type { Endpoints, ServerContext } from '../context.js';
import { DPOP_ALGS } from '../dpop.js';
import { jsonReply } from '../replies.js';
import type { HttpReply } from '../types.js';

/**
 * True for both well-known locations of the metadata:
 * RFC 8414 §3 inserts the suffix between host and path (`/.well-known/oauth-authorization-server/<path>`),
 * OpenID Connect Discovery §4 appends it to the issuer (`<path>/.well-known/openid-configuration`).
 */
export function isDiscoveryPath(pathname: string, endpoints: Endpoints): boolean {
  return (
    pathname === `/.well-known/oauth-authorization-server${endpoints.path}` ||
    pathname === `${endpoints.path}/.well-known/openid-configuration`
  );
}

export function metadata(context: ServerContext, endpoints: Endpoints): Record<string, unknown> {
  const document: Record<string, unknown> = {
    issuer: endpoints.issuer, // RFC 8414 §3.3: identical to the issuer the client used
    device_authorization_endpoint: endpoints.device, // RFC 8628 §4
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: [DEVICE_CODE_GRANT, 'refresh_token'], // RFC 8628 §4
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'],
    // RFC 8414 §2: the algorithms accepted on client assertions (RFC 7523), for both JWT methods.
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'HS256', 'HS384', 'HS512'],
    // RFC 8414 §2: REQUIRED. No authorization endpoint here, so no response type is supported
    // (and authorization_endpoint is omitted, as no supported grant uses it).
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [context.signer.alg],
    ...(context.settings.scopesSupported ? { scopes_supported: context.settings.scopesSupported } : {}),
    dpop_signing_alg_values_supported: DPOP_ALGS, // RFC 9449 §5.1
  };
  // Tests break the document on purpose; an override of `undefined` removes the member.
  for (const [name, value] of Object.entries(context.settings.metadataOverrides)) {
    if (value === undefined) delete document[name];
    else document[name] = value;
  }
  return document;
}

export function discoveryReply(context: ServerContext, endpoints: Endpoints): HttpReply {
  return jsonReply(200, metadata(context, endpoints));
}
