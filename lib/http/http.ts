/**
 * The one place where fetch is called. It sends plain init objects (no `Request`), never
 * follows redirects, caps the response size, applies the per-request timeout with a timer that
 * is cleared when the request settles, and turns every transport fault into a typed error.
 *
 * @see https://fetch.spec.whatwg.org/#fetch-method (fetch, with `redirect: 'manual'`)
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (TLS for every request)
 * @module
 */

import { ClientError, withResponse } from '../errors.ts';
import { race } from './timers.ts';

/**
 * Options passed to a {@link CustomFetch}: always a plain object, never a `Request`.
 *
 * @see https://fetch.spec.whatwg.org/#requestinit
 * @see https://github.com/panva/openid-client/blob/main/docs/interfaces/CustomFetchOptions.md
 */
export interface CustomFetchOptions {
  /** `'GET'` or `'POST'`. */
  method: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /**
   * The form-encoded body of a POST; undefined for a GET. Always one of these two: a subset of
   * openid-client's `FetchBody`, so a customFetch written for openid-client accepts it as it is.
   */
  body: string | undefined;
  /** Always `'manual'`: redirects are refused, never followed. */
  redirect: 'manual';
  /** Aborts on the caller's signal and on the request timeout. */
  signal: AbortSignal;
}

/**
 * The key under which a `Configuration` (or discovery options) holds a {@link CustomFetch}.
 *
 * @example
 * ```ts
 * import { customFetch, discovery, type CustomFetch } from 'device-grant';
 *
 * // Log each request's method and URL (never its body or headers: they may carry secrets).
 * const logged: CustomFetch = (url, options) => {
 *   console.log(options.method, url);
 *   // body is undefined on a GET; RequestInit wants null there under exactOptionalPropertyTypes.
 *   return fetch(url, { ...options, body: options.body ?? null });
 * };
 * const config = await discovery(new URL('https://auth.example.com'), 'my-tv-app', undefined, undefined, {
 *   [customFetch]: logged, // the discovery request, and the configuration it returns
 * });
 * config[customFetch] = logged; // or set it on any Configuration
 * ```
 * @see https://github.com/panva/openid-client/blob/main/docs/variables/customFetch.md
 */
export const customFetch: unique symbol = Symbol('device-grant.customFetch');

/**
 * A fetch replacement, installed as `config[customFetch]` (openid-client v6's shape).
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/type-aliases/CustomFetch.md
 * @see https://fetch.spec.whatwg.org/#fetch-method
 */
export type CustomFetch = (url: string, options: CustomFetchOptions) => Promise<Response>;

/**
 * What a request needs from the configuration.
 *
 * @see spec/design.md ("The request path": fetch, timeout and the allowInsecureRequests waiver)
 */
export interface HttpSettings {
  fetch: CustomFetch | undefined;
  /** Seconds. */
  timeout: number;
  allowInsecureRequests: boolean;
  /** The clock that stamps `receivedAt`; `Date.now` unless a caller injects one. */
  now?: () => number;
  /** Told of a request given up on (timeout, abort) with a promise that settles when its fetch does. */
  onUnsettled?: (settled: Promise<void>) => void;
}

/**
 * One outgoing request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3 (GET and POST)
 */
interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A response whose body has been read in full.
 *
 * @see https://fetch.spec.whatwg.org/#response-class
 */
export interface HttpResponse {
  response: Response;
  text: string;
  /** When the body finished arriving (ms since the epoch, from the injected clock). */
  receivedAt: number;
}

/**
 * Response bodies larger than this (1 MiB) are refused.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.6 (Content-Length, checked before the body is read)
 * @see spec/design.md ("Security defaults": bodies are capped in size)
 */
export const MAX_RESPONSE_BYTES: number = 1024 * 1024;

/**
 * Refuses any scheme but https, and http too unless the caller opted in with
 * `allowInsecureRequests`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (TLS for every request)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.8 (no credentials in the clear)
 */
function checkProtocol(url: URL, allowInsecureRequests: boolean): void {
  // rfc9449:1:https: DPoP "MUST always be used in conjunction with HTTPS": DPoP requests take this same check, after the proof is signed and before anything is sent
  if (url.protocol === 'https:') return;
  // rfc8628:3.1:tls rfc6749:10.3:access-token-tls rfc6749:10.8:no-cleartext rfc8414:3:https dg:security:https-only: "All requests from the device MUST use the Transport Layer Security (TLS) protocol"; plain http is refused unless the caller opted in.
  if (url.protocol === 'http:') {
    // dg:security:insecure-opt-in: allowInsecureRequests is the caller's explicit waiver, for http only.
    if (allowInsecureRequests) return;
    throw new ClientError('only requests to HTTPS are allowed', { code: 'OAUTH_HTTP_REQUEST_FORBIDDEN' });
  }
  // dg:security:https-only dg:security:insecure-opt-in: any scheme other than http and https stays refused, opt-in or not.
  throw new ClientError('only HTTP and HTTPS requests are allowed', { code: 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN' });
}

/**
 * A Response, also from another fetch implementation (the undici package, polyfills) or realm:
 * their classes are not the global Response, so the brand is read from the tag every Response
 * carries (`Response.prototype[Symbol.toStringTag]`), not from `instanceof`.
 */
function isResponse(value: unknown): value is Response {
  // instanceof first: workerd's Response has no "[object Response]" tag (dg:runtime:other-runtimes);
  // the tag admits a Response of another realm (a polyfill, a vm context).
  return value instanceof Response || (typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Response');
}

/** The body reader of a request in flight, so that giving up on the request also stops the read. */
interface InFlight {
  reader?: ReadableStreamDefaultReader<Uint8Array>;
}

/** Fetches and reads the body. Settles on its own schedule; `send` may have given up on it already. */
async function exchange(settings: HttpSettings, request: HttpRequest, signal: AbortSignal, inFlight: InFlight): Promise<HttpResponse> {
  // dg:compat:customfetch-shape: config[customFetch] replaces fetch; native fetch accepts this shape, and the cast only widens `body: undefined` for GET.
  const fetchImpl: CustomFetch = settings.fetch ?? (fetch as CustomFetch);
  // rfc6749:3.2:keep-query dg:security:no-redirects dg:compat:customfetch-shape: "which MUST be retained when adding additional query parameters"; the URL goes out as given, with a plain init object and redirect: 'manual'.
  const response = await fetchImpl(request.url.href, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal,
  });
  if (!isResponse(response)) {
    throw new ClientError('fetch did not resolve to a Response', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  // rfc8414:3.2:status-200-json dg:security:no-redirects: "A successful response MUST use the 200 OK HTTP status code"; redirect: 'manual' gives a 3xx (or, in browsers, an opaque redirect with status 0), which is refused and never followed.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    discard(response.body);
    // dg:security:no-response-in-cause: the Response stays off `cause`.
    throw withResponse(new ClientError('redirect responses are not followed', { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' }), response);
  }
  const text = await readCapped(response, signal, inFlight);
  return { response, text, receivedAt: settings.now === undefined ? Date.now() : settings.now() };
}

/**
 * Sends one request and reads its body, within the timeout and the caller's signal. Whichever
 * comes first wins: the answer, the timeout, or the abort, even when a custom fetch ignores its
 * signal. Every transport fault becomes a typed error.
 *
 * @see https://fetch.spec.whatwg.org/#fetch-method
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4 (a 3xx is refused, never followed)
 */
export async function send(settings: HttpSettings, request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  // rfc8628:3.1:tls rfc6749:10.3:access-token-tls rfc6749:10.8:no-cleartext rfc8414:3:https dg:security:https-only: "Access token credentials MUST only be transmitted using TLS"; checked before fetch is called.
  checkProtocol(request.url, settings.allowInsecureRequests);
  const inFlight: InFlight = {};
  let running: Promise<unknown> | undefined;
  try {
    // dg:compat:timeout-default: the configuration's timeout (seconds) bounds the whole exchange, ending in OAUTH_TIMEOUT.
    return await race((aborted) => (running = exchange(settings, request, aborted, inFlight)), settings.timeout * 1000, signal);
  } catch (cause) {
    discard(inFlight.reader); // a body that ignores the signal stops here
    // dg:polling:single-flight: a fetch that ignores its signal may still be running; say when it ends.
    if (running !== undefined) settings.onUnsettled?.(running.then(noop, noop));
    if (cause instanceof ClientError) throw cause;
    throw new ClientError('network request failed', { code: 'OAUTH_NETWORK_ERROR', cause });
  }
}

function noop(): void {}

/** Drops a body unread; a cancel that fails has nothing left to tell. */
function discard(body: { cancel(): Promise<void> } | null | undefined): void {
  void body?.cancel().catch(noop);
}

function tooLarge(): ClientError {
  return new ClientError(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`, { code: 'OAUTH_RESPONSE_TOO_LARGE' });
}

/** Reads the body as UTF-8, refusing it as soon as it passes the cap; the reader is left in `inFlight`. */
async function readCapped(response: Response, signal: AbortSignal, inFlight: InFlight): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  // dg:security:body-size-cap: a declared Content-Length over the cap is refused before the body is read.
  if (declared > MAX_RESPONSE_BYTES) {
    discard(response.body);
    throw tooLarge();
  }
  if (response.body === null) return '';
  // `send` gave up (abort or timeout) before this body arrived: drop it unread. The signal's
  // reason is the ClientError that `send` was rejected with already.
  if (signal.aborted) {
    discard(response.body);
    throw signal.reason;
  }
  const reader = response.body.getReader();
  inFlight.reader = reader;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // dg:security:body-size-cap: a body that passes the cap while streaming is cancelled.
    if (size > MAX_RESPONSE_BYTES) {
      discard(reader);
      throw tooLarge();
    }
    chunks.push(value);
  }
  // One decode over the whole body, so a multi-byte character split across chunks stays whole;
  // the shared decoder for the usual single chunk (cheaper than a Blob).
  return chunks.length === 1 ? utf8.decode(chunks[0]) : new Blob(chunks).text();
}

const utf8 = new TextDecoder();
