// dg:profiles:hint and discovery: where strict RFC behaviour meets a known provider's deviation,
// the typed error names the profile that translates it (one table, lib/oauth/profile-hint.ts);
// discovery works with a profile's `execute`; a provider without usable discovery fails typed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretPost,
  None,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  profiles,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { classify } from '../support/discovery-side.js';
import { scriptedConfig, json } from '../support/harness.js';
import { fixtures } from './fixtures/index.js';
import { providerServer } from './provider-server.js';

const fixture = (name: string) => fixtures.find((f) => f.name === name)!;

async function deviceError(body: unknown, status = 200): Promise<ClientError> {
  const { config } = scriptedConfig(() => json(body, status));
  return initiateDeviceAuthorization(config).then(
    () => assert.fail('expected a typed error'),
    (error: unknown) => {
      assert.ok(error instanceof ClientError);
      return error;
    },
  );
}

test('dg:profiles:hint a device answer in a known provider\'s dialect names its profile in the typed error', async () => {
  const google = await deviceError({ device_code: 'd', user_code: 'u', verification_url: 'https://www.google.com/device', expires_in: 1800, interval: 5 });
  assert.equal(google.code, 'OAUTH_INVALID_RESPONSE');
  assert.match(google.message, /"verification_uri".*; this server sends verification_url: use the google \(or entra-v1\) profile \(device-grant\/profiles\)$/);
  const aws = await deviceError({ deviceCode: 'd', userCode: 'u', verificationUri: 'https://device.sso.us-east-1.amazonaws.com/', expiresIn: 600, interval: 1 });
  assert.match(aws.message, /this server sends deviceCode: use the aws-sso profile/);
  const twitch = await deviceError({ status: 400, message: 'missing scopes' }, 400);
  assert.equal(twitch.code, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assert.match(twitch.message, /this server sends status message: use the twitch profile/);
});

test('dg:profiles:hint a token answer as {status, message} names the twitch profile; answers of no known dialect get no hint', async () => {
  const pending = await classify(json({ status: 400, message: 'authorization_pending' }, 400));
  assert.equal(pending.kind, 'terminal', 'without the profile a Twitch pending poll ends the flow, typed');
  assert.match(String((pending as { error: Error }).error.message), /use the twitch profile/);
  for (const [status, body] of [[403, '{"message":"Forbidden"}'], [500, '<html>oops</html>'], [400, '{"status":400}']] as const) {
    const outcome = await classify(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
    assert.ok(outcome.kind === 'terminal' || outcome.kind === 'transient');
    assert.doesNotMatch(outcome.error.message, /profile/, body);
  }
  const plain = await deviceError({ device_code: 'd', user_code: 'u', expires_in: 600 });
  assert.doesNotMatch(plain.message, /profile/);
});

test('dg:profiles:hint dg:profiles:entra-v1 v1 discovery names sts.windows.net as issuer: refused (RFC 8414 §3.3), and the error names the entra-v1 profile, whose metadata builds the configuration instead', async () => {
  const v1 = fixture('entra-v1');
  const clock = createFakeClock({ autoAdvance: true });
  const server = providerServer(v1, 'approve', clock);
  const refused = await discovery(new URL(v1.issuer), 'c', undefined, None(), { [customFetch]: server.fetch }).catch((error: unknown) => error);
  assert.ok(refused instanceof ClientError);
  assert.equal(refused.code, 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED');
  assert.match(refused.message, /this server sends https:\/\/sts\.windows\.net\/: use the entra-v1 profile/);
  assert.equal(profiles['entra-v1'].metadata?.(new URL(v1.issuer)).issuer, (v1.discovery?.reply.body as { issuer: string }).issuer);
});

test('dg:profiles:google discovery with execute: profiles.google.execute, then the flow ends in a token with no early poll', async () => {
  const g = fixture('google');
  const clock = createFakeClock({ autoAdvance: true });
  const server = providerServer(g, 'approve', clock);
  const config = await discovery(new URL(g.issuer), 'c', g.client.secret, ClientSecretPost(), { execute: profiles.google.execute ?? [], [customFetch]: server.fetch });
  const device = await initiateDeviceAuthorization(config, g.parameters, { now: clock.now });
  assert.equal(device.verification_uri, 'https://www.google.com/device');
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  assert.equal(token.access_token, 'ya29.a0AfH6SMBx-example');
  assert.deepEqual(server.early, []);
});

test('dg:profiles:without providers without usable discovery fail typed: no document (github, aws-sso, twitch), or one without a device endpoint (salesforce)', async () => {
  for (const name of ['github', 'aws-sso', 'twitch']) {
    const f = fixture(name);
    const server = providerServer(f, 'approve', createFakeClock({ autoAdvance: true }));
    const error = await discovery(new URL(f.issuer), 'c', undefined, None(), { [customFetch]: server.fetch }).catch((e: unknown) => e);
    assert.ok(error instanceof Error && !(error instanceof TypeError), name);
    assert.ok(['OAUTH_RESPONSE_BODY_ERROR', 'OAUTH_RESPONSE_IS_NOT_CONFORM'].includes((error as ClientError).code), `${name}: ${(error as ClientError).code}`);
  }
  const sf = fixture('salesforce');
  const server = providerServer(sf, 'approve', createFakeClock({ autoAdvance: true }));
  const config = await discovery(new URL(sf.issuer), 'c', undefined, None(), { [customFetch]: server.fetch });
  await assert.rejects(initiateDeviceAuthorization(config), { code: 'OAUTH_MISSING_SERVER_METADATA' });
  assert.equal(server.requests.filter((r) => r.kind !== 'discovery').length, 0, 'nothing was sent to a guessed endpoint');
});

test('dg:profiles:without dg:profiles:entra-v2 the /common tenant\'s discovery names the literal issuer .../{tenantid}/v2.0: refused with a typed error, before any flow request', async () => {
  const common = 'https://login.microsoftonline.com/common/v2.0';
  const fetch = async () => json({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0', token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' });
  await assert.rejects(discovery(new URL(common), 'c', undefined, None(), { execute: profiles['entra-v2'].execute ?? [], [customFetch]: fetch }), { code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' });
});
