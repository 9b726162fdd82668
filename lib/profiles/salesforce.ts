/**
 * Salesforce. There is no device authorization endpoint: the device authorization request is a
 * POST to the token endpoint with `response_type=device_code`, and the poll uses
 * `grant_type=device` with the device code as `code`. The answer has no `expires_in`, and
 * Salesforce documents no lifetime for the codes: the profile assumes {@link SALESFORCE_CODE_LIFETIME}
 * seconds so that the flow always ends (a longer-lived code is cut short, never polled early).
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_device_flow.htm
 * @module
 */

import type { ServerMetadata } from '../oauth/metadata.ts';
import { translatingProfile, type Profile } from './profile.ts';

/**
 * Seconds the Salesforce profile gives the codes, since Salesforce sends no `expires_in`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export const SALESFORCE_CODE_LIFETIME = 600;

/**
 * The Salesforce profile: RFC 8628 requests become Salesforce's token-endpoint dialect, and a
 * missing `expires_in` gets {@link SALESFORCE_CODE_LIFETIME}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const salesforce: Profile = /* @__PURE__ */ translatingProfile(
  {
    request({ form, poll }) {
      const sent = new URLSearchParams(form);
      if (poll) {
        // dg:profiles:salesforce: grant_type=device, and the device code as `code`.
        sent.set('grant_type', 'device');
        sent.set('code', sent.get('device_code') as string);
        sent.delete('device_code');
      } else {
        // dg:profiles:salesforce: the device authorization request is a response_type at the token endpoint.
        sent.set('response_type', 'device_code');
      }
      return sent;
    },
    response(body, { poll }) {
      // dg:profiles:salesforce: RFC 8628 §3.2 requires expires_in; a bound keeps the flow finite.
      if (!poll && body['device_code'] !== undefined && body['expires_in'] === undefined) body['expires_in'] = SALESFORCE_CODE_LIFETIME;
      return body;
    },
  },
  {
    issuer: 'https://login.salesforce.com',
    // dg:profiles:salesforce: both requests go to the token endpoint (login, test or My Domain host).
    metadata: (issuer: URL): ServerMetadata => ({
      issuer: issuer.origin,
      device_authorization_endpoint: `${issuer.origin}/services/oauth2/token`,
      token_endpoint: `${issuer.origin}/services/oauth2/token`,
    }),
  },
);
