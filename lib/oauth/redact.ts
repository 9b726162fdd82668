/**
 * Secrets (client_secret, device_code, tokens, assertions) must never reach an error message,
 * a log line or a serialized error, even when a server echoes them back.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2 (device_code is a bearer secret)
 * @module
 */

import { formEncode } from './form.ts';

const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of a secret in `text`, raw, form-encoded and percent-encoded,
 * because servers echo request bodies back in `error_description`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2 (device_code is a bearer secret)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3 (access tokens are kept confidential)
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    // dg:security:secret-redaction dg:security:echoed-secret-redaction rfc8628:5.2:device-code-secret rfc6749:10.3:access-token-confidential rfc6749:10.4:refresh-token-confidential: "Access token credentials (as well as any confidential access token attributes) MUST be kept confidential in transit and storage"; every occurrence of a secret is replaced, raw and encoded.
    out = out.split(secret).join(REDACTED);
    const encoded = formEncode(secret);
    // The URL spelling too (e.g. in an error_uri query): RFC 3986 writes a space as %20, not '+'.
    for (const spelling of [encoded, encoded.replace(/\+/g, '%20')]) {
      if (spelling !== secret) out = out.split(spelling).join(REDACTED);
    }
  }
  return out;
}

/**
 * Redacts every string inside a parsed JSON value, returning a fresh copy.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3
 */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (value !== null && typeof value === 'object') {
    // Keys are redacted too: a server may echo a secret as a member name.
    // dg:security:proto-pollution dg:security:echoed-secret-redaction: Object.fromEntries defines properties, so a "__proto__" key can never reach a prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key, secrets), redactDeep(item, secrets)]));
  }
  return value;
}
