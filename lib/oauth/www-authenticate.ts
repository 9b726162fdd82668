/**
 * Parsing of `WWW-Authenticate` challenges, so that a 401 `invalid_client` answer becomes a
 * typed error with the scheme and parameters the server sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (401 with WWW-Authenticate)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1 (challenge syntax)
 * @module
 */

import type { WWWAuthenticateChallenge } from '../errors.ts';

// Separators, a token, then optionally "=" and a token or quoted-string (RFC 9110 §5.6.2, §5.6.4).
const ITEM = /[\s,]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^\s,"]*))?/y;

/**
 * Parses a `WWW-Authenticate` value into challenges. A bare token starts a new challenge; a
 * `name=value` item is a parameter of the current one. Returns an empty list when nothing parses.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1 (challenge syntax)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (invalid_client with a 401)
 */
export function parseWWWAuthenticate(header: string): WWWAuthenticateChallenge[] {
  const challenges: WWWAuthenticateChallenge[] = [];
  ITEM.lastIndex = 0;
  // rfc6749:5.2:invalid-client-401 dg:compat:www-authenticate: "include the "WWW-Authenticate" response header field matching the authentication scheme used by the client"; a bare token starts a challenge, name=value items are its parameters.
  for (let match = ITEM.exec(header); match !== null; match = ITEM.exec(header)) {
    const [, name, rawValue] = match as unknown as [string, string, string | undefined];
    const current = challenges[challenges.length - 1];
    if (rawValue === undefined) {
      challenges.push({ scheme: name.toLowerCase(), parameters: {} });
    } else if (current !== undefined) {
      const value = rawValue.startsWith('"') ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1') : rawValue;
      Object.defineProperty(current.parameters, name.toLowerCase(), { value, enumerable: true, writable: true });
    }
  }
  return challenges;
}
