/**
 * GitHub (OAuth apps and GitHub Apps, github.com and GitHub Enterprise Server). GitHub answers
 * polls with HTTP 200 and an `error` member, and `slow_down` with a new `interval`: the core
 * already reads both as RFC 8628 §3.5 says (dg:tolerance:error-in-200). It sends form encoding
 * unless asked for JSON: the core always sends `Accept: application/json`. What is left is the
 * comma-separated `scope` of the token response, and the endpoints, since GitHub publishes no
 * discovery document.
 *
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 * @module
 */

import type { ServerMetadata } from '../oauth/metadata.ts';
import { translatingProfile, type Profile } from './profile.ts';

/**
 * The GitHub profile: `scope` "repo,gist" becomes "repo gist" (RFC 6749 §3.3), and `metadata`
 * gives github.com's endpoints (or a GitHub Enterprise Server's, from its URL).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const github: Profile = /* @__PURE__ */ translatingProfile(
  {
    response(body) {
      // dg:profiles:github: RFC 6749 §3.3 scopes are space-delimited; GitHub joins them with commas.
      if (typeof body['scope'] === 'string') body['scope'] = body['scope'].split(',').filter(Boolean).join(' ');
      return body;
    },
  },
  {
    issuer: 'https://github.com',
    // dg:profiles:github: no discovery document, so the documented endpoints.
    metadata: (issuer: URL): ServerMetadata => ({
      issuer: issuer.origin,
      device_authorization_endpoint: `${issuer.origin}/login/device/code`,
      token_endpoint: `${issuer.origin}/login/oauth/access_token`,
    }),
  },
);
