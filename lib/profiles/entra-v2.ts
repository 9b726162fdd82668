/**
 * Microsoft Entra ID, v2.0 endpoints (`/oauth2/v2.0/devicecode`). A denial is
 * `authorization_declined` rather than RFC 8628's `access_denied`. The device authorization
 * response carries an extra `message` (instructions for the user): an extension member the core
 * keeps as it is, so it needs no translation. Discovery works for a tenant given by its ID.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
 * @module
 */

import { mapError, translatingProfile, type Profile } from './profile.ts';

/**
 * The Entra v2 profile: `authorization_declined` becomes `access_denied` (RFC 8628 §3.5).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export const entraV2: Profile = /* @__PURE__ */ translatingProfile({
  response(body) {
    // dg:profiles:entra-v2: the same refusal, under RFC 8628 §3.5's name.
    mapError(body, { authorization_declined: 'access_denied' });
    return body;
  },
});
