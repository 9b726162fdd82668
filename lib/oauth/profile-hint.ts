/**
 * One table of hints: a member that a known provider sends in place of the RFC's, and the
 * profile that translates it. Errors raised on such an answer end with the hint, so the strict
 * default tells the caller which opt-in profile fits.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @module
 */

import type { JsonObject } from '../http/json.ts';

// dg:profiles:hint: what the answer holds (each word a member, or the issuer's prefix) -> the profile.
const HINTS: ReadonlyArray<readonly [string, string]> = [
  ['verification_url', 'google (or entra-v1)'],
  ['deviceCode', 'aws-sso'],
  ['status message', 'twitch'],
  ['https://sts.windows.net/', 'entra-v1'],
];

/**
 * The hint for an answer, as a message suffix ("": no known provider's deviation).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function profileHint(body: JsonObject): string {
  const issuer = body['issuer'];
  for (const [sign, profile] of HINTS) {
    // dg:security:wrong-types-rejected: only a string issuer is read; an object one (whose toString may be anything) is no sign.
    if (sign.split(' ').every((word) => (word.includes('/') ? typeof issuer === 'string' && issuer.startsWith(word) : word in body))) {
      return `; this server sends ${sign}: use the ${profile} profile (device-grant/profiles)`;
    }
  }
  return '';
}
