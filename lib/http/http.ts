/**
 * The one place where fetch is called. It sends plain init objects (no `Request`), never
 * follows redirects, caps the response size, applies the per-request timeout with a timer that
 * is cleared when the request settles, and turns every transport fault into a typed error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (TLS for every request)
 * @module
 */

import { ClientError, withResponse } from '../errors.ts';
import { race } from './timers.ts';

/**
 * Options passed to a {@link CustomFetch}: always a plain object, never a `Request`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export interface CustomFetchOptions {
  /** `'GET'` or `'POST'`. */
  method: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The form-encoded body of a POST. */
  body: string | undefined;
  /** Always `'manual'`: redirects are refused, never followed. */
  redirect: 'manual';
  /** Aborts on the caller's signal and on the request timeout. */
  signal: AbortSignal;
}

/**
 * The key under which a `Configuration` (or discovery options) holds a {@link CustomFetch}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const customFetch: unique symbol = Symbol('device-grant.customFetch');

/**
 * A fetch replacement, installed as `config[customFetch]` (openid-client v6's shape).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export type CustomFetch = (url: string, options: CustomFetchOptions) => Promise<Response>;

/**
 * What a request needs from the configuration.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
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
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A response whose body has been read in full.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
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
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const MAX_RESPONSE_BYTES: number = 1024 * 1024;

/**
 * Refuses any scheme but https, and http too unless the caller opted in with
 * `allowInsecureRequests`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export function checkProtocol(url: URL, allowInsecureRequests: boolean): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (allowInsecureRequests) return;
    throw new ClientError('only requests to HTTPS are allowed', { code: 'OAUTH_HTTP_REQUEST_FORBIDDEN' });
  }
  throw new ClientError('only HTTP and HTTPS requests are allowed', { code: 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN' });
}

/**
 * A Response, also from another fetch implementation (the undici package, polyfills): their
 * classes are not the global Response, so `instanceof` alone would refuse them.
 */
function isResponse(value: unknown): value is Response {
  return value instanceof Response || (typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Response');
}

/** The body reader of a request in flight, so that giving up on the request also stops the read. */
interface InFlight {
  reader?: ReadableStreamDefaultReader<Uint8Array>;
}

/** Fetches and reads the body. Settles on its own schedule; `send` may have given up on it already. */
async function exchange(fetchImpl: CustomFetch, request: HttpRequest, signal: AbortSignal, inFlight: InFlight): Promise<{ response: Response; text: string }> {
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
  // redirect: 'manual' gives a 3xx (or, in browsers, an opaque redirect with status 0).
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    void response.body?.cancel().catch(() => {});
    // dg:security:no-response-in-cause: the Response stays off `cause`.
    throw withResponse(new ClientError('unexpected HTTP redirect response; redirects are not followed', { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' }), response);
  }
  return { response, text: await readCapped(response, signal, inFlight) };
}

/**
 * Sends one request and reads its body, within the timeout and the caller's signal. Whichever
 * comes first wins: the answer, the timeout, or the abort, even when a custom fetch ignores its
 * signal. Every transport fault becomes a typed error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function send(settings: HttpSettings, request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  checkProtocol(request.url, settings.allowInsecureRequests);
  const inFlight: InFlight = {};
  // Native fetch accepts this shape; the cast only widens `body: undefined` for GET.
  const fetchImpl: CustomFetch = settings.fetch ?? (fetch as CustomFetch);
  let running: Promise<unknown> | undefined;
  try {
    const { response, text } = await race((aborted) => (running = exchange(fetchImpl, request, aborted, inFlight)), settings.timeout * 1000, signal);
    return { response, text, receivedAt: settings.now === undefined ? Date.now() : settings.now() };
  } catch (cause) {
    void inFlight.reader?.cancel().catch(() => {}); // a body that ignores the signal stops here
    // dg:polling:single-flight: a fetch that ignores its signal may still be running; say when it ends.
    if (running !== undefined) settings.onUnsettled?.(running.then(noop, noop));
    if (cause instanceof ClientError) throw cause;
    throw new ClientError('network request failed', { code: 'OAUTH_NETWORK_ERROR', cause });
  }
}

function noop(): void {}

function tooLarge(): ClientError {
  return new ClientError(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`, { code: 'OAUTH_RESPONSE_TOO_LARGE' });
}

/** Reads the body as UTF-8, refusing it as soon as it passes the cap; the reader is left in `inFlight`. */
async function readCapped(response: Response, signal: AbortSignal, inFlight: InFlight): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return '';
  // `send` gave up (abort or timeout) before this body arrived: drop it unread.
  if (signal.aborted) {
    void response.body.cancel().catch(() => {});
    throw new ClientError('operation aborted', { code: 'OAUTH_ABORT' });
  }
  const reader = response.body.getReader();
  inFlight.reader = reader;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  // One decode at the end, so a multi-byte character split across chunks stays whole.
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return utf8.decode(all);
}

const utf8 = new TextDecoder();
