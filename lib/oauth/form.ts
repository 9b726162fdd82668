/**
 * `application/x-www-form-urlencoded` encoding as RFC 6749 Appendix B defines it: UTF-8 first,
 * then every octet outside the unreserved set becomes `%HH`, and space becomes `+`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 * @module
 */

const encoder = new TextEncoder();
// What encodeURIComponent writes differently from App. B: it leaves !'()* as they are and writes space as %20.
const NOT_APP_B = /[!'()*]|%20/;
const NOT_APP_B_ALL = /[!'()*]|%20/g;
const HEX = '0123456789ABCDEF';

/** Octets left as they are: ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 unreserved). */
function isUnreserved(octet: number): boolean {
  return (
    (octet >= 0x30 && octet <= 0x39) ||
    (octet >= 0x41 && octet <= 0x5a) ||
    (octet >= 0x61 && octet <= 0x7a) ||
    octet === 0x2d ||
    octet === 0x2e ||
    octet === 0x5f ||
    octet === 0x7e
  );
}

/**
 * Encodes one name or value. Lone surrogates become U+FFFD (TextEncoder's rule) instead of
 * throwing as `encodeURIComponent` would.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function formEncode(value: string): string {
  // Fast path: encodeURIComponent is the same UTF-8 percent-encoding, but leaves !'()* alone and
  // writes space as %20. It throws on lone surrogates, which the octet loop below handles.
  try {
    // rfc6749:B:form-encoding rfc6749:2.3.1:basic-form-encode rfc8628:3.4:device-code: "names and values MUST be encoded using the UTF-8 character encoding scheme [RFC3629] first"; encodeURIComponent is that percent-encoding, corrected to App. B's '+' and !'()*.
    const encoded = encodeURIComponent(value);
    return NOT_APP_B.test(encoded) ? encoded.replace(NOT_APP_B_ALL, (c) => (c === '%20' ? '+' : '%' + c.charCodeAt(0).toString(16).toUpperCase())) : encoded;
  } catch {
    return encodeOctets(value);
  }
}

function encodeOctets(value: string): string {
  let out = '';
  // rfc6749:B:form-encoding: "names and values MUST be encoded using the UTF-8 character encoding scheme [RFC3629] first"; then each octet outside the unreserved set is escaped, space as '+'.
  for (const octet of encoder.encode(value)) {
    if (isUnreserved(octet)) out += String.fromCharCode(octet);
    else if (octet === 0x20) out += '+'; // RFC 6749 App. B: space is "+"
    else out += '%' + HEX[octet >> 4] + HEX[octet & 15];
  }
  return out;
}

/**
 * Serializes form parameters in order, one `name=value` pair per entry, joined with `&`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function formBody(params: URLSearchParams): string {
  const pairs: string[] = [];
  // rfc8628:3.1:post-form rfc6749:B:form-encoding rfc8628:3.4:device-code rfc8707:2:multiple: "per Appendix B of [RFC6749], with a character encoding of UTF-8"; one pair per entry, so a repeated resource stays separate values.
  for (const [name, value] of params) pairs.push(formEncode(name) + '=' + formEncode(value));
  return pairs.join('&');
}
