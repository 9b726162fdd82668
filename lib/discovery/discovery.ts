/**
 * Discovery of authorization server metadata (RFC 8414, OpenID Connect Discovery), the issuer
 * check, and validation of the endpoints this library uses. It builds a {@link Configuration};
 * requests never depend on it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @module
 */

import type { ClientAuth } from '../oauth/client-auth.ts';
import { Configuration, allowInsecureRequests, requestContext, requireEndpoint } from '../oauth/configuration.ts';
import { ClientError, argumentError, typedError } from '../errors.ts';
import { customFetch, send, type CustomFetch, type HttpResponse, type HttpSettings } from '../http/http.ts';
import { readJsonObject, type JsonObject } from '../http/json.ts';
import { checkSignal } from '../http/signal.ts';
import type { ClientMetadata, ServerMetadata } from '../oauth/metadata.ts';
import { errorFromBody } from '../oauth/oauth-error.ts';
import { profileHint } from '../oauth/profile-hint.ts';

/**
 * Options of {@link discovery}, as openid-client v6 names them, plus `insertThenAppend`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/DiscoveryRequestOptions.md
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
  // rfc8414:3.1:trailing-slash: "any terminating "/" MUST be removed before inserting "/.well-known/" and the well-known URI suffix"
  const path = issuer.pathname.replace(/\/$/, ''); // a bare "/" too
  // rfc8414:3:well-known-insert: "inserting a well-known URI string into the authorization server's issuer identifier between the host component and the path component, if any."
  return new URL(issuer.origin + WELL_KNOWN + suffix + path);
}

/** OpenID Connect Discovery 1.0 §4: append the well-known segment to the issuer. */
function appended(issuer: URL): URL {
  // dg:compat:discovery-oidc-default: /.well-known/openid-configuration appended to the path, with no doubled slash.
  return new URL(issuer.origin + issuer.pathname.replace(/\/$/, '') + WELL_KNOWN + 'openid-configuration');
}

/**
 * The metadata URLs to try, in order, and the issuers the answer may name (one, except for an
 * appended OIDC URL given as-is).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3 (the inserted location)
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-5 (the OpenID appended location, and trying both)
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export function discoveryUrls(server: URL, algorithm: 'oidc' | 'oauth2', insertThenAppend: boolean): { urls: URL[]; issuers: URL[] } {
  // dg:compat:discovery-well-known-as-given: a URL that already holds /.well-known/ is fetched as given, and the issuer check is against the issuer it stands for.
  if (server.pathname.includes(WELL_KNOWN)) return { urls: [server], issuers: issuersOfWellKnown(server) };
  // rfc8414:3:well-known-insert rfc8414:3:suffix-declared: "An OAuth 2.0 application using this specification MUST specify what well-known URI suffix it will use for this purpose."; 'oauth2' inserts /.well-known/oauth-authorization-server.
  if (algorithm === 'oauth2') return { urls: [inserted(server, 'oauth-authorization-server')], issuers: [server] };
  const hasPath = server.pathname !== '/';
  // rfc8414:5:oidc-fallback dg:compat:discovery-oidc-default: "applications should first apply the transformation defined in this specification and attempt to retrieve the authorization server metadata from the resulting location"; opt-in, as openid-client appends by default.
  const urls = insertThenAppend && hasPath ? [inserted(server, 'openid-configuration'), appended(server)] : [appended(server)];
  return { urls, issuers: [server] };
}

/** Fetches one metadata document; a fault that allows trying the next location is returned, not thrown. */
async function fetchMetadata(url: URL, settings: HttpSettings, signal: AbortSignal | undefined): Promise<JsonObject | Error> {
  let http: HttpResponse;
  try {
    // rfc8414:3.1:get rfc8414:3:https dg:tolerance:accept-json: "An authorization server metadata document MUST be queried using an HTTP "GET" request at the previously specified path."; a GET with no body and Accept: application/json, over https unless the caller opted in.
    http = await send(settings, { method: 'GET', url, headers: { accept: 'application/json' } }, signal);
  } catch (error) {
    const code = (error as ClientError).code;
    // A refused redirect (OAUTH_RESPONSE_IS_NOT_CONFORM) is a non-200 status: the next location may still answer.
    // rfc8414:5:oidc-fallback: "only if the retrieval from that location fails should they fall back"; an abort, a forbidden protocol or an oversized body is thrown instead.
    if (!signal?.aborted && ['OAUTH_NETWORK_ERROR', 'OAUTH_TIMEOUT', 'OAUTH_RESPONSE_IS_NOT_CONFORM'].includes(code)) return error as ClientError;
    throw error; // an abort, a forbidden protocol, an oversized body: trying elsewhere would not help
  }
  try {
    // rfc8414:3.2:status-200-json: "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the "application/json" content type"
    return http.response.status === 200 ? readJsonObject(http.response, http.text) : errorFromBody(http, []);
  } catch (error) {
    // dg:security:answer-firewall: a raw error of the reading becomes a typed one (and the next location is tried).
    return typedError(error);
  }
}

function checkMetadata(metadata: JsonObject, expectedIssuers: URL[]): ServerMetadata {
  const issuer = metadata['issuer'];
  // rfc8414:2:issuer-required rfc6749:10.14:validate-input dg:security:wrong-types-rejected: "issuer REQUIRED."
  if (typeof issuer !== 'string') {
    throw new ClientError('authorization server metadata "issuer" must be a string', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  // rfc8414:3.3:issuer-match rfc8414:6.2:issuer-prefix rfc8414:2:issuer-shape rfc8414:4:json-unescape rfc8414:4:no-normalization rfc8414:4:code-point-equality: "The "issuer" value returned MUST be identical to the authorization server's issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata."; compared by URL href, as openid-client does: JSON escapes are gone once parsed, and no Unicode normalization is applied.
  const href = URL.canParse(issuer) ? new URL(issuer).href : undefined;
  if (!expectedIssuers.some((expected) => expected.href === href)) {
    // rfc8414:3.3:mismatch-unused: "If these values are not identical, the data contained in the response MUST NOT be used."
    // dg:profiles:hint dg:profiles:without: Entra v1 names sts.windows.net, not the URL it serves from.
    throw new ClientError(`"issuer" property does not match the expected value${profileHint(metadata)}`, { code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' });
  }
  // rfc8414:2:token-endpoint-required rfc8628:4:device-endpoint-optional rfc6749:10.14:validate-input: "This is REQUIRED unless only the implicit grant type is supported."; device_authorization_endpoint, when present, is a URL too.
  // rfc6749:3.2:no-fragment: "The endpoint URI MUST NOT include a fragment component."
  requireEndpoint('token_endpoint', metadata['token_endpoint']);
  const device = metadata['device_authorization_endpoint'];
  if (device !== undefined) requireEndpoint('device_authorization_endpoint', device);
  // rfc8414:3.2:other-members rfc8414:3.2:empty-arrays: "Other claims MAY also be returned."; every member is kept, unknown ones and empty arrays included.
  return metadata as ServerMetadata;
}

/** Gives a Configuration the timeout and customFetch of the options, through their checking setters. */
function configure(config: Configuration, options: DiscoveryRequestOptions): Configuration {
  if (options.timeout !== undefined) config.timeout = options.timeout;
  config[customFetch] = options[customFetch];
  return config;
}

/**
 * Discovers the authorization server's metadata and returns a {@link Configuration}, with
 * openid-client v6's signature. Falls back to the next location only on a network error, a
 * non-200 or a non-JSON answer, never on an issuer mismatch.
 *
 * @example
 * ```ts
 * import { ClientSecretBasic, discovery } from 'device-grant';
 *
 * // A public client passes only its client_id; this confidential one authenticates with Basic.
 * const config = await discovery(new URL('https://auth.example.com'), 'my-tv-app', 'my-client-secret', ClientSecretBasic());
 * console.log(config.serverMetadata().device_authorization_endpoint);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://github.com/panva/openid-client/blob/main/docs/functions/discovery.md
 */
export async function discovery(
  server: URL,
  clientId: string,
  metadata?: Partial<ClientMetadata> | string,
  clientAuth?: ClientAuth,
  options?: DiscoveryRequestOptions,
): Promise<Configuration> {
  // dg:compat:discovery-signature dg:compat:arg-errors: server must be a URL instance, as in openid-client.
  if (!(server instanceof URL)) throw argumentError('"server" must be an instance of URL', 'ERR_INVALID_ARG_TYPE');
  // The href, because an empty '?' or '#' is still a component though URL reports search and hash
  // as ''; elsewhere in an href both are percent-encoded.
  // rfc8414:2:issuer-shape: "a URL that uses the "https" scheme and has no query or fragment components"
  if (/[?#]/.test(server.href)) {
    throw argumentError('"server" must not have a query or a fragment', 'ERR_INVALID_ARG_VALUE');
  }
  // dg:security:endpoint-userinfo: credentials in the issuer URL would be sent nowhere useful.
  if (server.username !== '' || server.password !== '') {
    throw argumentError('"server" must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  }
  const opts = options ?? {};
  // dg:compat:signal-argument: a bad signal is refused before any request or timer could hold it.
  checkSignal(opts.signal);
  // Checked by the very setters that will receive them (a throwaway Configuration, so the checks live
  // in one place); its request settings then serve the discovery request itself.
  // dg:compat:arg-errors: every argument is checked before any request is sent.
  const probe = configure(new Configuration({ issuer: server.href }, clientId, metadata, clientAuth), opts);
  if (opts.execute !== undefined && !(Array.isArray(opts.execute) && opts.execute.every((fn) => typeof fn === 'function'))) {
    throw argumentError('"options.execute" must be an array of functions', 'ERR_INVALID_ARG_TYPE');
  }
  // dg:security:insecure-opt-in rfc8414:3:https: "This path MUST use the "https" scheme."; http only with execute: [allowInsecureRequests].
  if (opts.execute?.includes(allowInsecureRequests)) allowInsecureRequests(probe);
  const { http } = requestContext(probe);
  // rfc8414:3:suffix-declared dg:compat:discovery-oidc-default: "An OAuth 2.0 application using this specification MUST specify what well-known URI suffix it will use for this purpose."; options.algorithm states it, 'oidc' by default as in openid-client.
  const { urls, issuers } = discoveryUrls(server, opts.algorithm ?? 'oidc', opts.insertThenAppend === true);
  let found: JsonObject | Error = await fetchMetadata(urls[0]!, http, opts.signal);
  // rfc8414:5:oidc-fallback: "only if the retrieval from that location fails should they fall back"
  if (found instanceof Error && urls[1] !== undefined) found = await fetchMetadata(urls[1], http, opts.signal);
  if (found instanceof Error) throw found;
  // rfc8414:3.3:mismatch-unused dg:compat:discovery-signature: "If these values are not identical, the data contained in the response MUST NOT be used."; a Configuration exists only for a document that passed every check.
  let checked: ServerMetadata;
  try {
    checked = checkMetadata(found, issuers);
  } catch (error) {
    // dg:security:answer-firewall: whatever the document holds, the caller gets a typed error.
    throw typedError(error);
  }
  const config = configure(new Configuration(checked, clientId, metadata, clientAuth), opts);
  for (const fn of opts.execute ?? []) fn(config);
  return config;
}
