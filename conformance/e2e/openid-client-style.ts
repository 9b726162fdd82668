// A device-flow login written only against openid-client v6's documented device-flow API:
// discovery(), initiateDeviceAuthorization(), pollDeviceAuthorizationGrant(), ResponseBodyError
// and ClientError, plus allowInsecureRequests for a plain-http test server. The only change from
// an openid-client program is the import specifier: the package name 'device-grant' instead of
// 'openid-client'. It uses nothing that openid-client does not document (no onPoll, no clock).
import * as client from 'device-grant';

/** What the user has to be told. */
export interface UserPrompt {
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string | undefined;
}

export type LoginOutcome =
  | { status: 'authorized'; accessToken: string; tokenType: string; expiresIn: number | undefined; subject: string | undefined; scope: string | undefined }
  | { status: 'denied'; description: string | undefined }
  | { status: 'expired'; via: 'server' | 'client' }
  | { status: 'failed'; code: string; message: string };

/**
 * Logs in with the device flow: discovers the server, asks for a device code, shows it (through
 * `prompt`) and polls until the user has decided or the code expired.
 */
export async function deviceLogin(server: URL, clientId: string, scope: string, prompt: (code: UserPrompt) => void): Promise<LoginOutcome> {
  const config = await client.discovery(server, clientId, undefined, undefined, {
    execute: [client.allowInsecureRequests],
  });

  const response = await client.initiateDeviceAuthorization(config, { scope });
  const { user_code, verification_uri, verification_uri_complete } = response;
  prompt({ user_code, verification_uri, verification_uri_complete });

  try {
    const tokens = await client.pollDeviceAuthorizationGrant(config, response);
    return {
      status: 'authorized',
      accessToken: tokens.access_token,
      tokenType: tokens.token_type,
      expiresIn: tokens.expiresIn(),
      subject: tokens.claims()?.sub,
      scope: tokens.scope,
    };
  } catch (err) {
    if (err instanceof client.ResponseBodyError) {
      if (err.error === 'access_denied') return { status: 'denied', description: err.error_description };
      if (err.error === 'expired_token') return { status: 'expired', via: 'server' };
      return { status: 'failed', code: err.error, message: err.message };
    }
    if (err instanceof client.ClientError) {
      if (err.code === 'OAUTH_TIMEOUT') return { status: 'expired', via: 'client' };
      return { status: 'failed', code: err.code, message: err.message };
    }
    throw err;
  }
}
