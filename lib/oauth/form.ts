/**
 * `application/x-www-form-urlencoded` encoding as RFC 6749 Appendix B defines it: UTF-8 first,
 * then every octet outside the unreserved set becomes `%HH`, and space becomes `+`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 * @module
 */

// In `u` mode a valid surrogate pair is one code point, so this matches only lone surrogates,
// the one input on which encodeURIComponent throws.
const LONE_SURROGATE = /\p{Cs}/gu;
// What encodeURIComponent writes differently from App. B: it leaves !'()* as they are and writes space as %20.
const NOT_APP_B = /[!'()*]|%20/g;

/**
 * Encodes one name or value. Lone surrogates become U+FFFD (TextEncoder's rule) instead of
 * throwing as `encodeURIComponent` would.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function formEncode(value: string): string {
  // rfc6749:B:form-encoding rfc6749:2.3.1:basic-form-encode rfc8628:3.4:device-code: "names and values MUST be encoded using the UTF-8 character encoding scheme [RFC3629] first"; encodeURIComponent is that percent-encoding (unreserved kept, %HH in upper case), corrected to App. B's '+' and !'()*.
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(NOT_APP_B, (c) => (c === '%20' ? '+' : '%' + c.charCodeAt(0).toString(16).toUpperCase()));
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
