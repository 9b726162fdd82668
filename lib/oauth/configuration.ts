/**
 * `Configuration`: the server metadata, the client, its authentication, the fetch in use and the
 * timeout. Every request reads its settings from here; nothing else holds them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @module
 */

import { ClientSecretPost, None, type ClientAuth } from './client-auth.ts';
import { ClientError, argumentError, type ErrorCode } from '../errors.ts';
import { customFetch, type CustomFetch, type HttpSettings } from '../http/http.ts';
import type { ClientMetadata, ServerMetadata } from './metadata.ts';

interface Internals {
  server: ServerMetadata;
  client: ClientMetadata;
  auth: ClientAuth;
  timeout: number;
  fetch: CustomFetch | undefined;
  allowInsecureRequests: boolean;
}

const internals = new WeakMap<Configuration, Internals>();

/**
 * A deep copy with every array and plain object frozen, so that neither the caller's objects nor
 * what serverMetadata() and clientMetadata() return can change the configuration (dg:compat:configuration-constructor).
 */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy = {};
  for (const key of Reflect.ownKeys(value)) {
    if (!Object.prototype.propertyIsEnumerable.call(value, key)) continue;
    const item = frozenCopy((value as Record<PropertyKey, unknown>)[key]);
    Object.defineProperty(copy, key, { value: item, enumerable: true }); // defines: a "__proto__" key stays data
  }
  return Object.freeze(copy) as T;
}

type EndpointName = 'token_endpoint' | 'device_authorization_endpoint';

const ENDPOINTS: EndpointName[] = ['token_endpoint', 'device_authorization_endpoint'];

/** Schemes that never name a network endpoint: refused at once rather than at the first request. */
const NOT_NETWORK = new Set(['javascript:', 'data:', 'file:', 'blob:', 'about:']);

function badMetadata(name: string, rule: string, code: ErrorCode = 'OAUTH_INVALID_SERVER_METADATA'): ClientError {
  return new ClientError(`authorization server metadata "${name}" must ${rule}`, { code });
}

/**
 * Parses an endpoint member. dg:security:endpoint-userinfo: an endpoint with credentials in it
 * (https://u:p@host/token), or with a javascript:, data:, file:, blob: or about: scheme, throws
 * here, so a Configuration refuses it when it is made, not at the first request (fetch would throw
 * on userinfo, and polling would retry it). A value that is no absolute URL, or that has a
 * fragment, gives undefined: {@link requireEndpoint} refuses it where it is needed. Other schemes
 * are left to the request's check.
 */
function parseEndpoint(name: string, value: unknown): URL | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  // dg:security:endpoint-userinfo: no scheme that is not a network endpoint.
  if (NOT_NETWORK.has(url.protocol)) throw badMetadata(name, 'be an http(s) URL', 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN');
  // dg:security:endpoint-userinfo: no userinfo.
  if (url.username !== '' || url.password !== '') throw badMetadata(name, 'not contain credentials');
  // rfc6749:3.2:no-fragment rfc6749:3.2:keep-query: "The endpoint URI MUST NOT include a fragment component."; not even an empty one. A query component is kept as it is.
  return value.includes('#') ? undefined : url;
}

/**
 * An endpoint member as a URL, or OAUTH_INVALID_SERVER_METADATA when it is no absolute URL or has
 * a fragment (and the errors of a forbidden scheme or userinfo). Internal; discovery checks the
 * document with it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (no fragment)
 */
export function requireEndpoint(name: string, value: unknown): URL {
  const url = parseEndpoint(name, value);
  // rfc6749:3.2:no-fragment: "The endpoint URI MUST NOT include a fragment component."
  if (url === undefined) throw badMetadata(name, 'be an absolute URL without a fragment');
  return url;
}

/**
 * The configuration of one client at one authorization server, as in openid-client v6.
 *
 * @example
 * ```ts
 * import { Configuration, None, initiateDeviceAuthorization } from 'device-grant';
 *
 * // Known endpoints: no discovery request.
 * const config = new Configuration(
 *   {
 *     issuer: 'https://auth.example.com',
 *     device_authorization_endpoint: 'https://auth.example.com/oauth/device',
 *     token_endpoint: 'https://auth.example.com/oauth/token',
 *   },
 *   'my-tv-app',
 *   undefined,
 *   None(),
 * );
 * config.timeout = 10; // seconds, for each request
 * const device = await initiateDeviceAuthorization(config);
 * ```
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/Configuration.md
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (the server metadata it holds)
 */
export class Configuration {
  /**
   * @param server Authorization server metadata; `issuer` is required.
   * @param clientId The client identifier.
   * @param metadata Client metadata, or the client secret as a string.
   * @param clientAuth Defaults to `ClientSecretPost()` when there is a secret, otherwise `None()`.
   */
  constructor(server: ServerMetadata, clientId: string, metadata?: Partial<ClientMetadata> | string, clientAuth?: ClientAuth) {
    // dg:compat:arg-errors: a bad argument throws a TypeError with ERR_INVALID_ARG_TYPE before anything is sent.
    if (server === null || typeof server !== 'object' || typeof server.issuer !== 'string') {
      throw argumentError('"server.issuer" must be a string', 'ERR_INVALID_ARG_TYPE');
    }
    if (typeof clientId !== 'string' || clientId.length === 0) {
      throw argumentError('"clientId" must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
    }
    if (clientAuth !== undefined && typeof clientAuth !== 'function') {
      throw argumentError('"clientAuth" must be a function', 'ERR_INVALID_ARG_TYPE');
    }
    // dg:compat:configuration-constructor: client metadata is an object, or a string taken as the client_secret.
    for (const name of ENDPOINTS) parseEndpoint(name, server[name]);
    const client: ClientMetadata = frozenCopy({ ...(typeof metadata === 'string' ? { client_secret: metadata } : metadata), client_id: clientId });
    // dg:compat:default-client-auth rfc8628:5.6:public-client: "they should be treated as public clients"; ClientSecretPost when there is a secret (openid-client's default), None otherwise.
    const auth = clientAuth ?? (typeof client.client_secret === 'string' ? ClientSecretPost() : None());
    // dg:compat:configuration-constructor dg:compat:timeout-default: frozen copies, so that the caller cannot change the configuration through its objects; the timeout defaults to 30 seconds.
    internals.set(this, {
      server: frozenCopy({ ...server }),
      client,
      auth,
      timeout: 30,
      fetch: undefined,
      allowInsecureRequests: false,
    });
  }

  /** The authorization server metadata. */
  serverMetadata(): Readonly<ServerMetadata> {
    return own(this).server;
  }

  /** The client metadata, without `client_secret`. */
  clientMetadata(): Readonly<Omit<ClientMetadata, 'client_secret'>> {
    const { client_secret: _secret, ...rest } = own(this).client;
    return Object.freeze(rest);
  }

  /** Per-request timeout in seconds (default 30). */
  get timeout(): number {
    return own(this).timeout;
  }

  set timeout(value: number) {
    // dg:compat:timeout-default dg:compat:arg-errors: the timeout is a positive number of seconds.
    if (typeof value !== 'number') throw argumentError('"timeout" must be a number of seconds', 'ERR_INVALID_ARG_TYPE');
    if (!Number.isFinite(value) || value <= 0) throw argumentError('"timeout" must be a positive number of seconds', 'ERR_INVALID_ARG_VALUE');
    own(this).timeout = value;
  }
}

/**
 * The fetch replacement, or undefined for the global fetch. Declared through interface merging
 * because `isolatedDeclarations` cannot emit computed class members.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/variables/customFetch.md
 */
export interface Configuration {
  [customFetch]: CustomFetch | undefined;
}

Object.defineProperty(Configuration.prototype, customFetch, {
  get(this: Configuration): CustomFetch | undefined {
    return own(this).fetch;
  },
  set(this: Configuration, value: CustomFetch | undefined) {
    // dg:compat:customfetch-shape dg:compat:arg-errors: config[customFetch] is a function, or undefined for the global fetch.
    if (value !== undefined && typeof value !== 'function') {
      throw argumentError('"customFetch" must be a function', 'ERR_INVALID_ARG_TYPE');
    }
    own(this).fetch = value;
  },
});

function own(config: Configuration): Internals {
  const found = internals.get(config);
  if (found === undefined) throw argumentError('"config" must be a Configuration', 'ERR_INVALID_ARG_TYPE');
  return found;
}

/**
 * Allows plain http for every request of this configuration, as openid-client's escape hatch
 * does. Use it as `execute: [allowInsecureRequests]` in discovery, or call it directly.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/functions/allowInsecureRequests.md
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (TLS is required: only for tests and closed networks)
 */
export function allowInsecureRequests(config: Configuration): void {
  // dg:security:insecure-opt-in: the caller's explicit waiver, for this configuration only.
  own(config).allowInsecureRequests = true;
}

/**
 * An ID token signature check for the flows of one Configuration: resolves to the error that ends
 * the flow, or to undefined (also when there is no ID token). `now` is the flow's clock (it dates
 * the cached JWKS). Installed by `enableNonRepudiationChecks`. Internal.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export type IdTokenVerifier = (idToken: string | undefined, signal: AbortSignal | undefined, now: () => number) => Promise<Error | undefined>;

/**
 * The installed ID token verifiers, by Configuration. Internal.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export const idTokenVerifiers: WeakMap<Configuration, IdTokenVerifier> = new WeakMap();

/**
 * What a request needs: the client, its authentication and the HTTP settings. Internal.
 *
 * @see spec/design.md ("The request path")
 */
export interface RequestContext {
  server: ServerMetadata;
  client: ClientMetadata;
  auth: ClientAuth;
  http: HttpSettings;
}

/**
 * Reads a configuration's request context. Internal: not exported from the package.
 *
 * @see spec/design.md ("The request path")
 */
export function requestContext(config: Configuration, now?: () => number): RequestContext {
  const state = own(config);
  const http: HttpSettings = { fetch: state.fetch, timeout: state.timeout, allowInsecureRequests: state.allowInsecureRequests };
  if (now !== undefined) http.now = now;
  return { server: state.server, client: state.client, auth: state.auth, http };
}

/**
 * Reads an endpoint from the server metadata as an absolute URL.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-4 (device_authorization_endpoint)
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (token_endpoint)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (no fragment; the query is kept)
 */
export function endpoint(server: ServerMetadata, name: EndpointName): URL {
  // The metadata is frozen, so its URLs are parsed once and shared by every flow (never mutated).
  const known = parsedEndpoints.get(server)?.[name];
  if (known !== undefined) return known;
  // rfc8628:4:device-endpoint-metadata rfc8628:3.4:token-endpoint: "URL of the authorization server's device authorization endpoint"; each request goes to the endpoint its metadata member names.
  const value = server[name];
  // rfc8628:4:device-endpoint-optional rfc8628:3.4:token-endpoint rfc8414:2:token-endpoint-required dg:profiles:without: "device_authorization_endpoint OPTIONAL."; without the member, the call fails with OAUTH_MISSING_SERVER_METADATA before any request, and no URL is guessed.
  if (value === undefined) {
    throw new ClientError(`authorization server metadata does not contain "${name}"`, { code: 'OAUTH_MISSING_SERVER_METADATA' });
  }
  const url = requireEndpoint(name, value);
  parsedEndpoints.set(server, { ...parsedEndpoints.get(server), [name]: url });
  return url;
}

const parsedEndpoints = new WeakMap<ServerMetadata, Partial<Record<EndpointName, URL>>>();
