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
export const okta: Profile = {};
