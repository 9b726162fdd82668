/**
 * Auth0. A pending poll is HTTP 403 `authorization_pending` and a too-fast one HTTP 429
 * `slow_down`: the core reads both by their `error` code whatever the status. Auth0 sends
 * `expired_token` once and `invalid_grant` after that; the machine stops polling at the first
 * `expired_token` (RFC 8628 §3.5), so it never meets the second. Nothing to translate.
 *
 * @see https://auth0.com/docs/quickstart/native/device/interactive
 * @module
 */

import type { Profile } from './profile.ts';

/**
 * The Auth0 profile: empty, because the core already handles Auth0 as the RFC says.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export const auth0: Profile = {};
