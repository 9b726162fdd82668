// A fetch that calls an AuthorizationServer's handler directly: no sockets, no event-loop turns.
// It builds real web Responses and mimics undici where a transport fault would show.
import type { AuthorizationServer, HttpReply } from '../server/types.js';
import { untilAborted } from './never-answers.js';

export type InProcessBody = string | URLSearchParams | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | null;

export interface InProcessFetchInit {
  method?: string | undefined;
  headers?: Record<string, string> | Headers | Array<[string, string]> | undefined;
  body?: InProcessBody | undefined;
  redirect?: string | undefined;
  signal?: AbortSignal | null | undefined;
}

export type InProcessFetch = (url: string | URL, init?: InProcessFetchInit) => Promise<Response>;

// Statuses whose Response must have a null body (Fetch standard "null body status").
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const MAX_REDIRECTS = 20;

function toResponse(reply: HttpReply, url: string): Response {
  if (reply.status < 200 || reply.status > 599) throw new TypeError('fetch failed'); // not representable
  const body = NULL_BODY.has(reply.status) ? null : reply.body;
  const response = new Response(body, { status: reply.status, headers: reply.headers });
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

/** Like fetch, but answered by `server.handle()`. `reset` rejects as undici does; `hang` waits for the signal. */
export function inProcessFetch(server: AuthorizationServer): InProcessFetch {
  return async function fetchInProcess(input, init = {}) {
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted(); // an already-aborted signal rejects with its reason
    let url = String(input);
    if (!URL.canParse(url)) throw new TypeError('Failed to parse URL');
    let method = (init.method ?? 'GET').toUpperCase();
    const headers = lowerCaseHeaders(init.headers);
    // Fetch standard: a GET or HEAD request cannot have a body.
    if ((method === 'GET' || method === 'HEAD') && init.body != null) throw new TypeError('Request with GET/HEAD method cannot have body.');
    let body = await bodyText(init.body, headers);

    for (let redirects = 0; ; redirects++) {
      const reply = await server.handle({ method, url, headers, body });
      signal?.throwIfAborted();
      if ('fault' in reply) {
        if (reply.fault === 'reset') throw new TypeError('fetch failed', { cause: new Error('other side closed') });
        return untilAborted(signal);
      }
      const location = reply.headers['location'];
      const isRedirect = [301, 302, 303, 307, 308].includes(reply.status) && location !== undefined;
      if (!isRedirect || init.redirect === 'manual') return toResponse(reply, url);
      if (init.redirect === 'error' || redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed');
      // Fetch standard "HTTP-redirect fetch": 303 (and 301/302 after POST) become a GET without a body.
      if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) {
        method = 'GET';
        body = '';
        delete headers['content-type'];
      }
      url = new URL(location, url).href;
    }
  };
}

function lowerCaseHeaders(init: InProcessFetchInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  const add = (value: string, name: string): void => {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  };
  if (init instanceof Headers) init.forEach(add);
  else for (const [name, value] of Array.isArray(init) ? init : Object.entries(init ?? {})) add(value, name);
  return headers;
}

/** The request body as text; sets the Content-Type fetch would add for strings and forms. */
async function bodyText(body: InProcessBody | undefined, headers: Record<string, string>): Promise<string> {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
    return body;
  }
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof ReadableStream) return new Response(body).text();
  const bytes = ArrayBuffer.isView(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(body);
  return new TextDecoder().decode(bytes);
}
