/**
 * The shapes of authorization server and client metadata, as openid-client v6 names them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (authorization server metadata)
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-4 (device_authorization_endpoint)
 * @module
 */

/**
 * Client metadata key: seconds added to the local clock to get the assumed current time, as openid-client's clockSkew (server time minus local time).
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/variables/clockSkew.md
 */
export const clockSkew: unique symbol = Symbol('device-grant.clockSkew');
/**
 * Client metadata key for the tolerance in seconds when checking ID token times (default 30).
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/variables/clockTolerance.md
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation (leeway for clock skew)
 */
export const clockTolerance: unique symbol = Symbol('device-grant.clockTolerance');

/**
 * The client's clock settings in seconds: `skew` from {@link clockSkew} (0 by default), `tolerance`
 * from {@link clockTolerance} (30 by default). A value that is not a finite number is taken as the
 * default, as openid-client reads them: a NaN leeway would make every time check pass.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation (leeway for clock skew)
 */
export function clockOf(client: ClientMetadata): { skew: number; tolerance: number } {
  const skew = client[clockSkew];
  const tolerance = client[clockTolerance];
  // dg:idtoken:expectations oidc:3.1.3.7:clock-tolerance: a skew or tolerance that is not a finite number is the default, so NaN cannot switch the time checks off.
  return { skew: Number.isFinite(skew) ? (skew as number) : 0, tolerance: Number.isFinite(tolerance) ? (tolerance as number) : 30 };
}

/**
 * Authorization server metadata (RFC 8414 §2, RFC 8628 §4). Unknown members are kept.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface ServerMetadata {
  /** The issuer identifier (RFC 8414 §2). */
  readonly issuer: string;
  /** The token endpoint (RFC 8414 §2). */
  readonly token_endpoint?: string;
  /** The device authorization endpoint (RFC 8628 §4). */
  readonly device_authorization_endpoint?: string;
  /** The JWK Set document (RFC 8414 §2). */
  readonly jwks_uri?: string;
  /** Supported grant types (RFC 8414 §2). */
  readonly grant_types_supported?: readonly string[];
  /** Supported client authentication methods (RFC 8414 §2). */
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  readonly [metadata: string]: unknown;
}

/**
 * Client metadata. `client_secret` is never returned by `Configuration.clientMetadata()`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2 (client metadata)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 (client_secret)
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/ClientMetadata.md
 */
export interface ClientMetadata {
  /** The client identifier (RFC 6749 §2.2). */
  client_id: string;
  /** The client secret (RFC 6749 §2.3.1). */
  client_secret?: string;
  /** Seconds, see {@link clockSkew}. */
  [clockSkew]?: number;
  /** Seconds, see {@link clockTolerance}. */
  [clockTolerance]?: number;
  [metadata: string]: unknown;
}
