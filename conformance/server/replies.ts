// Building HTTP replies: JSON (RFC 6749 §5.1/§5.2), HTML, and form bodies (RFC 6749 App. B).
import type { HttpReply } from './types.js';

// RFC 6749 §5.1: responses carrying tokens or credentials are not cached.
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
    body: JSON.stringify(body),
  };
}

/** RFC 6749 §5.2 error response; 400 unless told otherwise. */
export function oauthError(
  error: string,
  description?: string,
  status = 400,
  headers: Record<string, string> = {},
): HttpReply {
  // §5.2: error_description is ASCII without '"' and '\'; ours are written that way.
  const body = description === undefined ? { error } : { error, error_description: description };
  return jsonReply(status, body, headers);
}

export function htmlReply(status: number, html: string): HttpReply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...NO_STORE,
      // Self-contained page: no scripts, no external assets, not framable.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    },
    body: html,
  };
}

export function methodNotAllowed(allow: string): HttpReply {
  return oauthError('invalid_request', `use ${allow}`, 405, { allow });
}

export const notFound = (): HttpReply => jsonReply(404, { error: 'not_found' });
