/**
 * The one place where fetch is called. It sends plain init objects (no `Request`), never
 * follows redirects, caps the response size, applies the per-request timeout with a timer that
 * is cleared when the request settles, and turns every transport fault into a typed error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (TLS for every request)
 * @module
 */

import { ClientError } from './errors.js';

/** Options passed to a {@link CustomFetch}: always a plain object, never a `Request`. */
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

/** The key under which a `Configuration` (or discovery options) holds a {@link CustomFetch}. */
export const customFetch: unique symbol = Symbol('device-grant.customFetch');

/** A fetch replacement, installed as `config[customFetch]` (openid-client v6's shape). */
export type CustomFetch = (url: string, options: CustomFetchOptions) => Promise<Response>;

/** What a request needs from the configuration. */
export interface HttpSettings {
  fetch: CustomFetch | undefined;
  /** Seconds. */
  timeout: number;
  allowInsecureRequests: boolean;
  /** The clock that stamps `receivedAt`; `Date.now` unless a caller injects one. */
  now?: () => number;
}

/** One outgoing request. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** A response whose body has been read in full. */
export interface HttpResponse {
  response: Response;
  text: string;
  /** When the body finished arriving (ms since the epoch, from the injected clock). */
  receivedAt: number;
}

/** Response bodies larger than this (1 MiB) are refused. */
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

/** The typed error for an aborted signal: a TimeoutError reason is a timeout, anything else an abort. */
export function abortError(reason: unknown): ClientError {
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new ClientError('operation timed out', { code: 'OAUTH_TIMEOUT', cause: reason });
  }
  return new ClientError('operation aborted', { code: 'OAUTH_ABORT', cause: reason });
}

/** Sends one request and reads its body, within the timeout and the caller's signal. */
export async function send(settings: HttpSettings, request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  checkProtocol(request.url, settings.allowInsecureRequests);
  if (signal?.aborted) throw abortError(signal.reason);

  const controller = new AbortController();
  let timedOut = false;
  // Never AbortSignal.timeout(): it cannot be cancelled and keeps memory alive until it fires.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeout * 1000);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort);
  const failure = (cause: unknown): ClientError => {
    if (signal?.aborted) return abortError(signal.reason);
    if (timedOut) return new ClientError('request timed out', { code: 'OAUTH_TIMEOUT', cause });
    if (cause instanceof ClientError) return cause;
    return new ClientError('network request failed', { code: 'OAUTH_NETWORK_ERROR', cause });
  };
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(failure(undefined)));
  });
  aborted.catch(() => {}); // observed by the races below; never unhandled

  try {
    // Native fetch accepts this shape; the cast only widens `body: undefined` for GET.
    const fetchImpl: CustomFetch = settings.fetch ?? (fetch as CustomFetch);
    const pending = Promise.resolve().then(() =>
      fetchImpl(request.url.href, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: controller.signal,
      }),
    );
    pending.catch(() => {}); // a fetch that settles after we gave up must not go unhandled
    const response = await Promise.race([pending, aborted]).catch((cause: unknown) => {
      throw failure(cause);
    });
    if (!(response instanceof Response)) {
      throw new ClientError('fetch did not resolve to a Response', { code: 'OAUTH_INVALID_RESPONSE' });
    }
    // redirect: 'manual' gives a 3xx (or, in browsers, an opaque redirect with status 0).
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => {});
      throw new ClientError('unexpected HTTP redirect response; redirects are not followed', {
        code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
        cause: response,
      });
    }
    const text = await Promise.race([readCapped(response), aborted]).catch((cause: unknown) => {
      throw failure(cause);
    });
    return { response, text, receivedAt: settings.now === undefined ? Date.now() : settings.now() };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function tooLarge(): ClientError {
  return new ClientError(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`, { code: 'OAUTH_RESPONSE_TOO_LARGE' });
}

/** Reads the body as UTF-8, refusing it as soon as it passes the cap. */
async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}
