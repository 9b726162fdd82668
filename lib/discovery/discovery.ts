/**
 * Discovery of authorization server metadata (RFC 8414, OpenID Connect Discovery), the issuer
 * check, and validation of the endpoints this library uses. It builds a {@link Configuration};
 * requests never depend on it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @module
 */

import type { ClientAuth } from '../oauth/client-auth.ts';
import { Configuration, allowInsecureRequests } from '../oauth/configuration.ts';
import { ClientError, argumentError } from '../errors.ts';
import { customFetch, send, type CustomFetch, type HttpResponse } from '../http/http.ts';
import { isJsonMediaType, parseJsonObject, type JsonObject } from '../http/json.ts';
import type { ClientMetadata, ServerMetadata } from '../oauth/metadata.ts';
import { errorFromResponse, tryReadOAuthError } from '../oauth/oauth-error.ts';

/**
 * Options of {@link discovery}, as openid-client v6 names them, plus `insertThenAppend`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export interface DiscoveryRequestOptions {
  /** `'oidc'` (default) appends `/.well-known/openid-configuration`; `'oauth2'` inserts `/.well-known/oauth-authorization-server` (RFC 8414 §3). */
  algorithm?: 'oidc' | 'oauth2';
  /** Functions run on the new Configuration, e.g. `[allowInsecureRequests]`. */
  execute?: Array<(config: Configuration) => void>;
  /** Seconds; also becomes the Configuration's timeout. Default 30. */
  timeout?: number;
  /** With `'oidc'` and an issuer that has a path: try the RFC 8414 §5 inserted location first, then the appended one. */
  insertThenAppend?: boolean;
  /** Aborts discovery. */
  signal?: AbortSignal;
  /** A fetch replacement, also installed on the Configuration. */
  [customFetch]?: CustomFetch;
}

const WELL_KNOWN = '/.well-known/';

/**
 * The issuers that a metadata URL given as-is may stand for: the RFC 8414 inserted form, or the
 * OIDC appended form, where an issuer with a trailing "/" lost it before appending.
 */
function issuersOfWellKnown(url: URL): URL[] {
  const path = url.pathname;
  if (!path.startsWith(WELL_KNOWN)) {
    const prefix = url.origin + path.slice(0, path.indexOf(WELL_KNOWN));
    return [new URL(prefix), new URL(prefix + '/')];
  }
  const afterSuffix = path.indexOf('/', WELL_KNOWN.length);
  return [new URL(url.origin + (afterSuffix === -1 ? '' : path.slice(afterSuffix)))];
}

/** RFC 8414 §3: insert the well-known segment between the host and the issuer's path, without its trailing "/". */
function inserted(issuer: URL, suffix: string): URL {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
  return new URL(issuer.origin + WELL_KNOWN + suffix + path);
}

/** OpenID Connect Discovery 1.0 §4: append the well-known segment to the issuer. */
function appended(issuer: URL): URL {
  return new URL(issuer.origin + issuer.pathname.replace(/\/$/, '') + WELL_KNOWN + 'openid-configuration');
}

/**
 * The metadata URLs to try, in order, and the issuers the answer may name (one, except for an
 * appended OIDC URL given as-is).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function discoveryUrls(server: URL, algorithm: 'oidc' | 'oauth2', insertThenAppend: boolean): { urls: URL[]; issuers: URL[] } {
  if (server.pathname.includes(WELL_KNOWN)) return { urls: [server], issuers: issuersOfWellKnown(server) };
  if (algorithm === 'oauth2') return { urls: [inserted(server, 'oauth-authorization-server')], issuers: [server] };
  const hasPath = server.pathname !== '/';
  // RFC 8414 §5: for openid-configuration, the inserted form first, then the appended one (opt-in).
  const urls = insertThenAppend && hasPath ? [inserted(server, 'openid-configuration'), appended(server)] : [appended(server)];
  return { urls, issuers: [server] };
}

/** Fetches one metadata document; a fault that allows trying the next location is returned, not thrown. */
async function fetchMetadata(url: URL, insecure: boolean, options: DiscoveryRequestOptions): Promise<JsonObject | Error> {
  let http: HttpResponse;
  try {
    http = await send(
      { fetch: options[customFetch], timeout: options.timeout ?? 30, allowInsecureRequests: insecure },
      { method: 'GET', url, headers: { accept: 'application/json' } },
      options.signal,
    );
  } catch (error) {
    const code = (error as ClientError).code;
    // A refused redirect (OAUTH_RESPONSE_IS_NOT_CONFORM) is a non-200 status: the next location may still answer.
    const retryable = code === 'OAUTH_NETWORK_ERROR' || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM';
    if (!options.signal?.aborted && retryable) return error as ClientError;
    throw error; // an abort, a forbidden protocol, an oversized body: trying elsewhere would not help
  }
  // RFC 8414 §3.2: only a 200 with a JSON object is metadata.
  if (http.response.status !== 200) return errorFromResponse(http, [], tryReadOAuthError(http, []));
  if (!isJsonMediaType(http.response.headers)) {
    return new ClientError('response content-type must be application/json', { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
  }
  try {
    return parseJsonObject(http.text);
  } catch (error) {
    return error as ClientError;
  }
}

function checkMetadata(metadata: JsonObject, expectedIssuers: URL[]): ServerMetadata {
  const issuer = metadata['issuer'];
  if (typeof issuer !== 'string') {
    throw new ClientError('authorization server metadata "issuer" must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  // RFC 8414 §3.3: the issuer must be the one the URL was built from; compared by URL href, as openid-client does.
  const href = URL.canParse(issuer) ? new URL(issuer).href : undefined;
  if (!expectedIssuers.some((expected) => expected.href === href)) {
    throw new ClientError('"issuer" property does not match the expected value', { code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' });
  }
  // RFC 8414 §2: token_endpoint is REQUIRED; RFC 8628 §4: device_authorization_endpoint, when present, is a URL.
  for (const name of ['token_endpoint', 'device_authorization_endpoint']) {
    const value = metadata[name];
    if (value === undefined && name === 'device_authorization_endpoint') continue;
    if (typeof value !== 'string' || !URL.canParse(value) || value.includes('#')) {
      // RFC 6749 §3.2: no fragment in an endpoint URI.
      throw new ClientError(`authorization server metadata "${name}" must be an absolute URL without a fragment`, {
        code: 'OAUTH_INVALID_SERVER_METADATA',
      });
    }
  }
  return metadata as ServerMetadata;
}

/**
 * Discovers the authorization server's metadata and returns a {@link Configuration}, with
 * openid-client v6's signature. Falls back to the next location only on a network error, a
 * non-200 or a non-JSON answer, never on an issuer mismatch.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export async function discovery(
  server: URL,
  clientId: string,
  metadata?: Partial<ClientMetadata> | string,
  clientAuth?: ClientAuth,
  options?: DiscoveryRequestOptions,
): Promise<Configuration> {
  if (!(server instanceof URL)) throw argumentError('"server" must be an instance of URL', 'ERR_INVALID_ARG_TYPE');
  // RFC 8414 §2: an issuer has no query and no fragment.
  // An empty '?' or '#' is still a component, though URL reports search and hash as ''.
  if (server.search !== '' || server.hash !== '' || /[?#]/.test(server.href)) {
    throw argumentError('"server" must not have a query or a fragment', 'ERR_INVALID_ARG_VALUE');
  }
  // dg:security:endpoint-userinfo: credentials in the issuer URL would be sent nowhere useful.
  if (server.username !== '' || server.password !== '') {
    throw argumentError('"server" must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  }
  const opts = options ?? {};
  // dg:compat:arg-errors: every argument is checked before any request is sent, by the very
  // setters that will receive it (a throwaway Configuration, so the checks live in one place).
  const probe = new Configuration({ issuer: server.href }, clientId, metadata, clientAuth);
  if (opts.timeout !== undefined) probe.timeout = opts.timeout;
  probe[customFetch] = opts[customFetch];
  if (opts.execute !== undefined && !(Array.isArray(opts.execute) && opts.execute.every((fn) => typeof fn === 'function'))) {
    throw argumentError('"options.execute" must be an array of functions', 'ERR_INVALID_ARG_TYPE');
  }
  const insecure = opts.execute?.includes(allowInsecureRequests) === true;
  const { urls, issuers } = discoveryUrls(server, opts.algorithm ?? 'oidc', opts.insertThenAppend === true);
  let found: JsonObject | Error = await fetchMetadata(urls[0]!, insecure, opts);
  if (found instanceof Error && urls[1] !== undefined) found = await fetchMetadata(urls[1], insecure, opts);
  if (found instanceof Error) throw found;
  const config = new Configuration(checkMetadata(found, issuers), clientId, metadata, clientAuth);
  if (opts.timeout !== undefined) config.timeout = opts.timeout;
  config[customFetch] = opts[customFetch];
  for (const fn of opts.execute ?? []) fn(config);
  return config;
}
