/**
 * Microsoft Entra ID (Azure AD), v1 endpoints (`/oauth2/devicecode`, as ADAL used them). The
 * device authorization response names the verification URI `verification_url` and sends
 * `expires_in` and `interval` as strings; the poll sends the device code as `code` with
 * `grant_type=device_code`; expiry is `code_expired` and refusal `authorization_declined`. The
 * resource is named with `resource` (RFC 8707's parameter, passed by the caller on both
 * requests). The v1 discovery document names the issuer `https://sts.windows.net/{tenant}/`,
 * not the URL it is served from, so discovery refuses it (RFC 8414 §3.3): `metadata` builds the
 * configuration instead.
 *
 * @see https://github.com/AzureAD/azure-activedirectory-library-for-python/blob/dev/adal/constants.py
 * @module
 */

import { ClientError } from '../errors.ts';
import type { ServerMetadata } from '../oauth/metadata.ts';
import { mapError, rename, translatingProfile, type Profile } from './profile.ts';

/**
 * The Entra v1 profile: RFC 8628 on the library's side, ADAL's dialect on the wire.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export const entraV1: Profile = /* @__PURE__ */ translatingProfile(
  {
    request({ form, poll }) {
      if (!poll) return form;
      // dg:profiles:entra-v1: the v1 token endpoint wants grant_type=device_code and the code as `code`.
      const sent = new URLSearchParams(form);
      sent.set('grant_type', 'device_code');
      sent.set('code', sent.get('device_code') as string);
      sent.delete('device_code');
      return sent;
    },
    response(body, { poll }) {
      // dg:profiles:entra-v1: RFC 8628 §3.2 and §3.5 names for the same members and codes.
      if (!poll) rename(body, 'verification_url', 'verification_uri');
      mapError(body, { code_expired: 'expired_token', authorization_declined: 'access_denied' });
      return body;
    },
  },
  {
    metadata(issuer: URL): ServerMetadata {
      // https://login.microsoftonline.com/{tenant}: the tenant ID is the issuer's only path segment.
      const tenant = /^\/([^/]+)\/?$/.exec(issuer.pathname)?.[1];
      if (tenant === undefined) {
        throw new ClientError('the entra-v1 issuer must be https://login.microsoftonline.com/{tenant}', { code: 'OAUTH_INVALID_SERVER_METADATA' });
      }
      // dg:profiles:entra-v1: ID tokens name sts.windows.net as their issuer.
      return {
        issuer: `https://sts.windows.net/${tenant}/`,
        device_authorization_endpoint: `${issuer.origin}/${tenant}/oauth2/devicecode`,
        token_endpoint: `${issuer.origin}/${tenant}/oauth2/token`,
      };
    },
  },
);
