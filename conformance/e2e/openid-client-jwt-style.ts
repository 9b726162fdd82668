// A device-flow login that authenticates with private_key_jwt or client_secret_jwt, written only
// against openid-client v6's documented API: discovery() with a ClientAuth from PrivateKeyJwt() or
// ClientSecretJwt(), enableNonRepudiationChecks(), initiateDeviceAuthorization() and
// pollDeviceAuthorizationGrant(). The only change from an openid-client program is the import
// specifier.
import * as client from 'device-grant';

export type JwtAuth = { method: 'private_key_jwt'; key: CryptoKey; kid: string } | { method: 'client_secret_jwt'; secret: string };

export interface JwtLogin {
  accessToken: string;
  subject: string | undefined;
}

/** Logs in; `approve` is handed the user_code to act the user out. */
export async function deviceLoginWithJwt(server: URL, clientId: string, auth: JwtAuth, approve: (userCode: string) => void): Promise<JwtLogin> {
  const clientAuth = auth.method === 'private_key_jwt' ? client.PrivateKeyJwt({ key: auth.key, kid: auth.kid }) : client.ClientSecretJwt(auth.secret);
  const config = await client.discovery(server, clientId, undefined, clientAuth, { execute: [client.allowInsecureRequests] });
  // Also check the ID token's signature against the server's JWKS.
  client.enableNonRepudiationChecks(config);
  const response = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
  approve(response.user_code);
  const tokens = await client.pollDeviceAuthorizationGrant(config, response);
  return { accessToken: tokens.access_token, subject: tokens.claims()?.sub };
}
