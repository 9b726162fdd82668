// A DPoP-bound device login and a refresh written only against openid-client v6's documented API:
// discovery(), randomDPoPKeyPair(), getDPoPHandle(), initiateDeviceAuthorization(),
// pollDeviceAuthorizationGrant(config, response, parameters, { DPoP }), refreshTokenGrant(config,
// refreshToken, parameters, { DPoP }), plus allowInsecureRequests for a plain-http test server.
// The only change from an openid-client program is the import specifier ('device-grant').
import * as client from 'device-grant';

export interface DPoPSession {
  tokenType: string;
  accessToken: string;
  refreshToken: string | undefined;
  subject: string | undefined;
  /** Refreshes with the same DPoP key, as openid-client does. */
  refresh(): Promise<{ tokenType: string; accessToken: string; subject: string | undefined }>;
}

/** Logs in with the device flow and a fresh DPoP key; `prompt` shows the user code. */
export async function dpopDeviceLogin(server: URL, clientId: string, scope: string, prompt: (userCode: string) => void): Promise<DPoPSession> {
  const config = await client.discovery(server, clientId, undefined, undefined, {
    execute: [client.allowInsecureRequests],
  });
  const keyPair = await client.randomDPoPKeyPair();
  const DPoP = client.getDPoPHandle(config, keyPair);

  const response = await client.initiateDeviceAuthorization(config, { scope });
  prompt(response.user_code);
  const tokens = await client.pollDeviceAuthorizationGrant(config, response, undefined, { DPoP });

  let refreshToken = tokens.refresh_token;
  return {
    tokenType: tokens.token_type,
    accessToken: tokens.access_token,
    refreshToken,
    subject: tokens.claims()?.sub,
    async refresh() {
      const options: client.DPoPOptions = { DPoP };
      const refreshed = await client.refreshTokenGrant(config, refreshToken!, undefined, options);
      refreshToken = refreshed.refresh_token ?? refreshToken;
      return { tokenType: refreshed.token_type, accessToken: refreshed.access_token, subject: refreshed.claims()?.sub };
    },
  };
}
