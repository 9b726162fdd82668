/**
 * Twitch. Both requests name the scopes `scopes`. Errors come as `{status, message}` with no
 * `error` member (a pending poll is HTTP 400 `{"status":400,"message":"authorization_pending"}`),
 * and the token response's `scope` is a JSON array.
 *
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 * @module
 */

import type { ServerMetadata } from '../oauth/metadata.ts';
import { translatingProfile, type Profile } from './profile.ts';

/** A message that is already an error code; any other message is a sentence. */
const CODE = /^[a-z_]+$/;

/**
 * The Twitch profile: `scope` is sent as `scopes`, `{status, message}` becomes an RFC 6749 §5.2
 * error, and a `scope` array becomes a space-delimited string.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const twitch: Profile = /* @__PURE__ */ translatingProfile(
  {
    request({ form }) {
      const sent = new URLSearchParams(form);
      const scope = sent.get('scope');
      // dg:profiles:twitch: Twitch's name for the scope parameter.
      if (scope !== null) {
        sent.set('scopes', scope);
        sent.delete('scope');
      }
      return sent;
    },
    response(body) {
      const message = body['message'];
      // dg:profiles:twitch: {status, message} is an error; a sentence ("invalid device code") is an invalid grant.
      if (body['error'] === undefined && typeof body['status'] === 'number' && typeof message === 'string') {
        body['error'] = CODE.test(message) ? message : 'invalid_grant';
        body['error_description'] = message;
      }
      // dg:profiles:twitch: RFC 6749 §3.3 scope is one space-delimited string.
      if (Array.isArray(body['scope'])) body['scope'] = body['scope'].join(' ');
      return body;
    },
  },
  {
    issuer: 'https://id.twitch.tv/oauth2',
    metadata: (): ServerMetadata => ({
      issuer: 'https://id.twitch.tv/oauth2',
      device_authorization_endpoint: 'https://id.twitch.tv/oauth2/device',
      token_endpoint: 'https://id.twitch.tv/oauth2/token',
    }),
  },
);
