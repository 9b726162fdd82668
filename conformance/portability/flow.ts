// A whole device flow using only lib/ and web-standard APIs, against a fake server behind
// customFetch: discovery, Basic client auth, device authorization, pending, slow_down, token.
// check.sh runs it unchanged on Node, Bun, Deno and workerd to show that lib/ is portable.
import {
  ClientSecretBasic,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
} from '../../lib/index.js';

const ISSUER = 'https://as.example.test';

/** Runs the flow and returns a one-line summary; throws on any deviation. */
export async function runPortableFlow(): Promise<string> {
  const answers = ['authorization_pending', 'slow_down'];
  const seen: string[] = [];
  const fetch: CustomFetch = async (url, init) => {
    const json = (body: unknown, status = 200): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device` });
    }
    if (init.headers['authorization'] !== `Basic ${btoa('client%3A1:s%C3%A9cret+%2B')}`) return json({ error: 'invalid_client' }, 401);
    if (url === `${ISSUER}/device`) {
      return json({ device_code: 'dc+&%=/', user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/activate`, expires_in: 60, interval: 0.01 });
    }
    seen.push(new URLSearchParams(init.body ?? '').get('device_code') ?? '');
    const error = answers.shift();
    return error === undefined ? json({ access_token: 'at', token_type: 'Bearer', expires_in: 60 }) : json({ error }, 400);
  };
  const config = await discovery(new URL(ISSUER), 'client:1', 'sécret +', ClientSecretBasic(), { [customFetch]: fetch });
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
  // slow_down adds 5 s; a fake clock keeps the check fast and shows the injected clock works everywhere.
  let now = Date.now();
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  if (token.access_token !== 'at' || token.token_type !== 'bearer' || seen.length !== 3 || seen.some((code) => code !== 'dc+&%=/')) {
    throw new Error(`unexpected result: ${JSON.stringify({ token, seen })}`);
  }
  return `OK ${seen.length} polls, token_type ${token.token_type}, expiresIn ${String(token.expiresIn())}`;
}
