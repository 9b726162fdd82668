// A consumer of the packed tarball: it imports `device-grant` by its package name, as a user
// would, and signs in against the demo authorization server whose issuer is argv[2] (started by
// ../check.sh), approving on the verification page over HTTP as a browser would.
import {
  Configuration,
  ResponseBodyError,
  allowInsecureRequests,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type DeviceAuthorizationResponse,
  type TokenEndpointResponse,
} from 'device-grant';
import { encodeQr } from 'device-grant/qr';

const issuer = process.argv[2];
if (issuer === undefined) throw new Error('usage: node flow.js ISSUER');

const config: Configuration = await discovery(new URL(issuer), 'demo-public', undefined, undefined, {
  execute: [allowInsecureRequests],
});
const device: DeviceAuthorizationResponse = await initiateDeviceAuthorization(config, { scope: 'openid' });

// The "user": approve on the verification page once the code is shown.
const approve = async (): Promise<void> => {
  const form = new URLSearchParams({ user_code: device.user_code, action: 'approve' });
  const response = await fetch(new URL('/device', issuer), { method: 'POST', body: form });
  await response.text();
  if (response.status !== 200) throw new Error(`approval failed: HTTP ${response.status}`);
};

let token: TokenEndpointResponse;
try {
  [token] = await Promise.all([pollDeviceAuthorizationGrant(config, device), approve()]);
} catch (error) {
  if (error instanceof ResponseBodyError) throw new Error(`refused: ${error.error}`);
  throw error;
}
if (typeof token.access_token !== 'string' || token.token_type !== 'bearer') throw new Error('no bearer token');
const qr = encodeQr(device.verification_uri_complete ?? device.verification_uri);
console.log(`OK token_type ${token.token_type}, QR version ${qr.version}`);
