/**
 * base64url (RFC 4648 §5, no padding), as JWS uses it (RFC 7515 §2), written on btoa/atob
 * and TextEncoder so that it runs wherever the web platform does: no Buffer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-2
 * @module
 */

import { ClientError } from '../errors.ts';

// btoa works on "binary strings": one char per byte. Chunks keep the spread argument list short.
const CHUNK = 0x8000;

/**
 * Encodes bytes, or a string as its UTF-8 bytes, as unpadded base64url.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-2
 */
export function encodeBase64url(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// Only the base64url alphabet, and never a length that leaves 6 stray bits (length % 4 === 1).
const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url. Anything else (padding, `+`, `/`, whitespace, an impossible
 * length) is a typed `OAUTH_PARSE_ERROR`, never a raw DOMException.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-2
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  // dg:jose:base64url-strict: RFC 7515 §2 base64url is "with all trailing '=' characters omitted"
  if (typeof text !== 'string' || !ALPHABET.test(text) || text.length % 4 === 1) {
    throw new ClientError('invalid base64url', { code: 'OAUTH_PARSE_ERROR' });
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Decodes unpadded base64url to a UTF-8 string; invalid UTF-8 is an `OAUTH_PARSE_ERROR`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-2
 */
export function decodeBase64urlText(text: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64url(text));
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError('invalid UTF-8', { code: 'OAUTH_PARSE_ERROR' });
  }
}
