/**
 * What a provider profile is, and the one translation helper every profile uses. A profile
 * rewrites the provider's wire format into RFC 8628 terms and back; it never decides anything.
 * The polling machine, the classifier and every safety rule see the translated answer exactly as
 * they would see a conforming server's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 * @module
 */

import { customFetch, MAX_RESPONSE_BYTES, type CustomFetch, type CustomFetchOptions } from '../http/http.ts';
import type { Configuration } from '../oauth/configuration.ts';
import type { ServerMetadata } from '../oauth/metadata.ts';

/**
 * A customFetch wrapper: takes the fetch in use and returns one that speaks RFC 8628 to the
 * library and the provider's dialect to the provider.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export type ProfileFetch = (fetch: CustomFetch) => CustomFetch;

/**
 * One provider's profile. Every member is optional: a provider that needs no translation has an
 * empty profile.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export interface Profile {
  /** The wire translation, as a customFetch wrapper. */
  readonly fetch?: ProfileFetch;
  /**
   * openid-client-style configuration mutators: pass them as discovery's `execute` option, or
   * run each on a Configuration you built. They install {@link Profile.fetch} around the
   * Configuration's own fetch.
   */
  readonly execute?: Array<(config: Configuration) => void>;
  /** The provider's usual issuer, when it has one. */
  readonly issuer?: string;
  /** Server metadata for a provider whose discovery is missing or unusable, from its issuer. */
  readonly metadata?: (issuer: URL) => ServerMetadata;
}

/**
 * A request as a profile sees it: the form the library built, and whether it is a token poll.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export interface WireRequest {
  readonly form: URLSearchParams;
  /** True for the device access token request (RFC 8628 §3.4), false for the device authorization request. */
  readonly poll: boolean;
}

/**
 * The two halves of a translation. `request` returns the body to send (a form or a JSON object);
 * `response` rewrites a parsed JSON object answer in place or returns a new one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export interface Translation {
  request?: (request: WireRequest) => URLSearchParams | Record<string, unknown>;
  response?: (body: Record<string, unknown>, request: WireRequest) => Record<string, unknown>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A Response, also from another realm or fetch implementation (as the core accepts them). */
function isResponse(value: unknown): value is Response {
  return value instanceof Response || Object.prototype.toString.call(value) === '[object Response]';
}

/** Reads at most MAX_RESPONSE_BYTES + 1 bytes: an oversized body goes on as it came, for the core to refuse. */
async function readBody(response: Response, signal: AbortSignal): Promise<{ bytes: Uint8Array<ArrayBuffer>; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body!.getReader();
  // The core gives up on a request at its timeout or abort; a body that ignores the signal stops here too.
  const stop = (): void => void reader.cancel().catch(() => {});
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      stop();
      break;
    }
  }
  signal.removeEventListener('abort', stop);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, complete: size <= MAX_RESPONSE_BYTES };
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not JSON: the core reads it and decides
  }
}

async function translateResponse(response: Response, translation: Translation, request: WireRequest, signal: AbortSignal): Promise<Response> {
  // A redirect, an empty body or an informational status is the core's to judge, untouched.
  if (response.status < 200 || (response.status >= 300 && response.status < 400) || response.body === null) return response;
  const { bytes, complete } = await readBody(response, signal);
  const original = complete ? parseObject(bytes) : undefined;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  let body: BodyInit = bytes;
  if (original !== undefined && translation.response !== undefined) {
    const translated = translation.response({ ...original }, request);
    // dg:profiles:translate-only: an error the provider sent is never dropped, so a failure stays a failure.
    if (original['error'] !== undefined && translated['error'] === undefined) translated['error'] = original['error'];
    body = JSON.stringify(translated);
    headers.set('content-type', 'application/json');
  }
  // dg:profiles:translate-only: the status stays the provider's, whatever the body says.
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function translateRequest(options: CustomFetchOptions, translation: Translation, request: WireRequest): CustomFetchOptions {
  if (translation.request === undefined) return options;
  const body = translation.request(request);
  if (body instanceof URLSearchParams) return { ...options, body: body.toString() };
  return { ...options, headers: { ...options.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * Builds a customFetch wrapper from a {@link Translation}. Only POSTs (the device authorization
 * request and the token poll) are translated; discovery's GETs pass through untouched.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export function translating(translation: Translation): ProfileFetch {
  return (inner) => async (url, options) => {
    if (options.method !== 'POST') return inner(url, options);
    const form = new URLSearchParams(options.body ?? '');
    const request: WireRequest = { form, poll: form.get('grant_type') === DEVICE_GRANT };
    const response = await inner(url, translateRequest(options, translation, request));
    // A fetch that resolved to something else is the core's to refuse.
    return isResponse(response) ? translateResponse(response, translation, request, options.signal) : response;
  };
}

const installed = new WeakMap<CustomFetch, ProfileFetch>();

/**
 * A configuration mutator that installs `wrap` around the Configuration's fetch (or the global
 * fetch). Running it twice on one Configuration wraps once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export function useFetch(wrap: ProfileFetch): (config: Configuration) => void {
  return (config) => {
    const current = config[customFetch];
    if (current !== undefined && installed.get(current) === wrap) return;
    const wrapped = wrap(current ?? ((url, options) => (fetch as CustomFetch)(url, options)));
    installed.set(wrapped, wrap);
    config[customFetch] = wrapped;
  };
}

/**
 * A profile made of a translation: its fetch wrapper, and the mutator that installs it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 */
export function translatingProfile(translation: Translation, extra: Omit<Profile, 'fetch' | 'execute'> = {}): Profile {
  const wrap = translating(translation);
  return { ...extra, fetch: wrap, execute: [useFetch(wrap)] };
}

/**
 * Renames a member when the standard one is absent (a provider's synonym).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function rename(body: Record<string, unknown>, from: string, to: string): void {
  if (body[to] === undefined && body[from] !== undefined) body[to] = body[from];
  delete body[from];
}

/**
 * Maps a provider's error code to the RFC 8628 §3.5 one with the same meaning.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function mapError(body: Record<string, unknown>, codes: Readonly<Record<string, string>>): void {
  const code = body['error'];
  if (typeof code === 'string' && Object.hasOwn(codes, code)) body['error'] = codes[code];
}
