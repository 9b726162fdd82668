/**
 * Keycloak. A confidential client authenticates at the device authorization endpoint, which
 * RFC 8628 §3.1 asks of every client and the core does on every request. Nothing to translate.
 *
 * @see https://github.com/keycloak/keycloak-community/blob/main/design/oauth2-device-authorization-grant.md
 * @module
 */

import type { Profile } from './profile.ts';

/**
 * The Keycloak profile: empty, because client authentication at the device endpoint is RFC 8628 §3.1.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const keycloak: Profile = {};
