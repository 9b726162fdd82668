/**
 * Okta. No deviation is documented: it is the control of the profile tests.
 *
 * @see https://developer.okta.com/docs/guides/device-authorization-grant/main/
 * @module
 */

import type { Profile } from './profile.ts';

/**
 * The Okta profile: empty.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
// dg:profiles:okta: Okta follows RFC 8628: the control, nothing to translate.
export const okta: Profile = {};
