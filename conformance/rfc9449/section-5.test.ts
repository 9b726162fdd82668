// RFC 9449 §5 (DPoP access token request), §1 (HTTPS) and §10 (dpop_jkt): a device login and a
// refresh with a handle, against the in-process conformance server that verifies every proof and
// binds the tokens it issues.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  ResponseBodyError,
  customFetch,
  getDPoPHandle,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  randomDPoPKeyPair,
  refreshTokenGrant,
  resumeDeviceAuthorizationGrant,
} from '../../lib/index.js';
import { decodeProof, dpopHarness, dpopLogin } from '../support/dpop-side.js';
import { deviceBody, formOf, json, scriptedConfig } from '../support/harness.js';

test('rfc9449:5:proof-header rfc9449:5:token-type-dpop a DPoP device login sends a proof with every token request and gets a DPoP-bound token (cnf.jkt is the key thumbprint)', async () => {
  const h = await dpopHarness({ required: true });
  const login = await dpopLogin(h, { approveAfter: 2 });
  assert.ok(login.tokens, String(login.error));
  assert.equal(login.tokens.token_type, 'dpop');
  assert.equal(login.token.length, 2); // pending, then the token
  for (const request of login.token) assert.ok(request.headers['dpop'], 'every poll has a proof');
  assert.equal(h.server.dpop.boundTokens.get(login.tokens.access_token), await h.handle.thumbprint());
  assert.equal(login.tokens.claims()?.sub, 'alice');
  // The server would have refused a request without one: the same login without DPoP fails.
  const plain = await dpopHarness({ required: true });
  const device = await initiateDeviceAuthorization(plain.config, undefined, { now: plain.clock.now });
  await assert.rejects(
    pollDeviceAuthorizationGrant(plain.config, device, undefined, { now: plain.clock.now, sleep: plain.clock.sleep }),
    (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_dpop_proof',
  );
});

test('rfc9449:5:token-type-dpop with DPoP, a token that is not DPoP-bound (token_type Bearer) is discarded: OAUTH_UNSUPPORTED_TOKEN_TYPE, at the poll and at the refresh', async () => {
  const h = await dpopHarness({ bearer: true });
  const login = await dpopLogin(h);
  assert.ok(login.error instanceof ClientError);
  assert.equal(login.error.code, 'OAUTH_UNSUPPORTED_TOKEN_TYPE');
  const { config } = scriptedConfig(() => json({ access_token: 'at', token_type: 'Bearer' }));
  const handle = getDPoPHandle(config, h.keyPair);
  await assert.rejects(refreshTokenGrant(config, 'rt', undefined, { DPoP: handle }), (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_UNSUPPORTED_TOKEN_TYPE');
  // Without DPoP, a Bearer token is what the client expects.
  assert.equal((await refreshTokenGrant(config, 'rt')).token_type, 'bearer');
});

test('rfc9449:5:refresh-same-key rfc9449:5:proof-header a public client refreshes its DPoP-bound refresh token with a proof of the same key; another key or none is refused by the server', async () => {
  const h = await dpopHarness({ nonce: 'required' });
  const login = await dpopLogin(h, { scope: 'openid offline' });
  const refreshToken = login.tokens!.refresh_token!;
  const other = getDPoPHandle(h.config, await randomDPoPKeyPair());
  await assert.rejects(refreshTokenGrant(h.config, refreshToken, undefined, { DPoP: other, now: h.clock.now }), (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_dpop_proof');
  await assert.rejects(refreshTokenGrant(h.config, refreshToken, undefined, { now: h.clock.now }), (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_dpop_proof');
  const before = h.server.requests.length;
  const refreshed = await refreshTokenGrant(h.config, refreshToken, undefined, { DPoP: h.handle, now: h.clock.now, expectedSubject: 'alice' });
  assert.equal(refreshed.token_type, 'dpop');
  assert.equal(refreshed.claims()?.sub, 'alice');
  assert.equal(h.server.dpop.boundTokens.get(refreshed.access_token), await h.handle.thumbprint());
  // The handle already held the server's nonce: one request, no use_dpop_nonce round trip.
  const sent = h.server.requests.slice(before);
  assert.equal(sent.length, 1);
  assert.equal(formOf(sent[0]!.body).get('grant_type'), 'refresh_token');
  assert.equal(decodeProof(sent[0]!.headers['dpop']).claims['nonce'], h.server.dpop.nonce);
});

test('rfc9449:1:https DPoP requests go over HTTPS only: a plain http token endpoint is refused before anything is sent, unless allowInsecureRequests', async () => {
  const { fetch } = scriptedConfig(() => json({ access_token: 'at', token_type: 'DPoP' }));
  const config = new Configuration({ issuer: 'http://as.example', token_endpoint: 'http://as.example/token' }, 'client');
  config[customFetch] = fetch;
  const handle = getDPoPHandle(config, await randomDPoPKeyPair());
  await assert.rejects(refreshTokenGrant(config, 'rt', undefined, { DPoP: handle }), (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN');
  const device = { device_code: 'dc', user_code: 'U', verification_uri: 'https://as.example/device', expires_in: 600, interval: 1 };
  let now = 0;
  await assert.rejects(
    pollDeviceAuthorizationGrant(config, device, undefined, { DPoP: handle, now: () => now, sleep: async (ms) => void (now += ms) }),
    (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN',
  );
  assert.equal(fetch.calls.length, 0);
});

test('rfc9449:10:dpop-jkt with the DPoP option, initiateDeviceAuthorization sends dpop_jkt (the key thumbprint); the server then accepts polls only with that key', async () => {
  const h = await dpopHarness({});
  const login = await dpopLogin(h, { jkt: true });
  assert.ok(login.tokens);
  const deviceRequest = h.server.requests.find((r) => r.endpoint === 'device');
  assert.equal(formOf(deviceRequest?.body).get('dpop_jkt'), await h.handle.thumbprint());
  assert.equal(deviceRequest?.headers['dpop'], undefined, 'no proof is sent to the device authorization endpoint');
  // Bound codes, polled with another key: refused.
  const device = await initiateDeviceAuthorization(h.config, undefined, { DPoP: h.handle, now: h.clock.now });
  const other = getDPoPHandle(h.config, await randomDPoPKeyPair());
  await assert.rejects(
    pollDeviceAuthorizationGrant(h.config, device, undefined, { DPoP: other, now: h.clock.now, sleep: h.clock.sleep }),
    (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_dpop_proof',
  );
  // Without the option, no dpop_jkt.
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config);
  assert.equal(formOf(fetch.calls[0]?.init.body).get('dpop_jkt'), null);
});

test('dg:dpop:api rfc9449:5:proof-header resumeDeviceAuthorizationGrant takes the handle too: a resumed flow proves the key, retries the nonce demand and gets a DPoP-bound token', async () => {
  const h = await dpopHarness({ nonce: 'required', required: true });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  h.server.approve(device.user_code);
  const now = h.clock.now();
  const saved = { v: 1, phase: 'waiting', device_code: device.device_code, interval: 5, deadline: now + 600_000, wakeAt: now + 5000, failures: 0, polls: 0, backoffCap: 60 } as const;
  const tokens = await resumeDeviceAuthorizationGrant(h.config, saved, undefined, { DPoP: h.handle, now: h.clock.now, sleep: h.clock.sleep });
  assert.equal(tokens.token_type, 'dpop');
  assert.equal(h.server.dpop.boundTokens.get(tokens.access_token), await h.handle.thumbprint());
  assert.equal(h.server.requests.filter((r) => r.endpoint === 'token').length, 2); // the demand, then the retry
});
