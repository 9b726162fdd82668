/**
 * Google ("OAuth 2.0 for TV and Limited-Input Device Applications"). The device authorization
 * response names the verification URI `verification_url`. Google answers a pending poll with
 * HTTP 428, which the core already reads by its `error` code, and wants the client secret on the
 * poll, which ClientSecretPost (the default when a secret is given) sends on every request.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/limited-input-device
 * @module
 */

import type { ServerMetadata } from '../oauth/metadata.ts';
import { rename, translatingProfile, type Profile } from './profile.ts';

/**
 * The Google profile: `verification_url` becomes `verification_uri` (RFC 8628 §3.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export const google: Profile = /* @__PURE__ */ translatingProfile(
  {
    response(body, { poll }) {
      // dg:profiles:google: RFC 8628 §3.2 calls it verification_uri.
      if (!poll) rename(body, 'verification_url', 'verification_uri');
      return body;
    },
  },
  {
    issuer: 'https://accounts.google.com',
    metadata: (): ServerMetadata => ({
      issuer: 'https://accounts.google.com',
      device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
      token_endpoint: 'https://oauth2.googleapis.com/token',
    }),
  },
);
