/**
 * AWS IAM Identity Center (SSO OIDC): StartDeviceAuthorization and CreateToken. Requests are
 * JSON with camelCase members (clientId, clientSecret, startUrl; grantType, deviceCode, scope
 * as a list) and answers are camelCase (deviceCode, userCode, verificationUri, expiresIn;
 * accessToken, tokenType). Errors already carry RFC 6749 `error` and `error_description`.
 * There is no discovery document. The client ID and secret come from RegisterClient, and the
 * start URL is passed as the parameter `start_url`.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/Welcome.html
 * @module
 */

import type { ServerMetadata } from '../oauth/metadata.ts';
import { translatingProfile, type Profile } from './profile.ts';

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The AWS SSO OIDC profile: form parameters become a camelCase JSON body, camelCase answers
 * become RFC 8628 / RFC 6749 members.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const awsSso: Profile = /* @__PURE__ */ translatingProfile(
  {
    request({ form }) {
      // dg:profiles:aws-sso: the same parameters, as a JSON object with camelCase names.
      const body: Record<string, unknown> = {};
      for (const [name, value] of form) body[camel(name)] = name === 'scope' ? value.split(' ') : value;
      return body;
    },
    response(body) {
      // dg:profiles:aws-sso: camelCase members under their RFC names (error members are snake_case already).
      const result: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(body)) result[snake(name)] = value;
      return result;
    },
  },
  {
    // dg:profiles:aws-sso: no discovery document: the regional endpoints, from https://oidc.{region}.amazonaws.com.
    metadata: (issuer: URL): ServerMetadata => ({
      issuer: issuer.origin,
      device_authorization_endpoint: `${issuer.origin}/device_authorization`,
      token_endpoint: `${issuer.origin}/token`,
    }),
  },
);
