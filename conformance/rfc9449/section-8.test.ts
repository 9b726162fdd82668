// RFC 9449 §8 and §9: server-provided nonces. A use_dpop_nonce answer (400 body or 401 DPoP
// challenge) is retried once, at once, with the new nonce: the machine's retry_now, not a poll
// and not delayed by an interval. openid-client waits a whole interval here. A DPoP-Nonce is
// taken from every answer, kept per origin, and a server that demands a new nonce every time gets
// at most one immediate retry per poll, then the normal schedule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  getDPoPHandle,
  initialState,
  pollDeviceAuthorizationGrant,
  randomDPoPKeyPair,
  refreshTokenGrant,
  step,
} from '../../lib/index.js';
import { decodeProof, dpopHarness, dpopLogin, nonceOf } from '../support/dpop-side.js';
import { ISSUER, json, scriptedConfig } from '../support/harness.js';

const S = 1000;
const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

test('rfc9449:8:nonce-retry dg:dpop:nonce-retry-once rfc9449:4.2:nonce a nonce demanded on the first poll is answered by one immediate retry carrying it: no interval, not counted as a poll', async () => {
  const h = await dpopHarness({ nonce: 'required' });
  const login = await dpopLogin(h, { approveAfter: 3 });
  assert.ok(login.tokens, String(login.error));
  assert.equal(login.tokens.token_type, 'dpop');
  // 3 polls + 1 retry; the retry goes at the very instant of the demand.
  assert.equal(login.token.length, 4);
  assert.deepEqual(gaps(login.token.map((r) => r.time)), [0, 5 * S, 5 * S]);
  assert.deepEqual(login.token.map(nonceOf), [undefined, h.server.dpop.nonce, h.server.dpop.nonce, h.server.dpop.nonce]);
  assert.deepEqual(login.events.map((e) => e.attempt), [0, 1, 2]);
  assert.equal(h.server.dpop.nonceDemands, 1);
  // The server counted three polls (the rejected proof never reached the grant), so no slow_down.
  assert.equal([...h.server.grants.values()][0]?.pollCount, 3);
});

test('dg:dpop:nonce-challenge a 401 WWW-Authenticate DPoP error="use_dpop_nonce" challenge is a nonce demand like the 400 body, also behind another scheme', async () => {
  const h = await dpopHarness({ nonce: 'required', nonceStyle: 'challenge' });
  const login = await dpopLogin(h, { approveAfter: 2 });
  assert.ok(login.tokens, String(login.error));
  assert.equal(login.token.length, 3);
  assert.deepEqual(gaps(login.token.map((r) => r.time)), [0, 5 * S]);
  // A challenge list whose first scheme is Bearer; and a DPoP challenge with another error is terminal.
  const replies = [
    new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="as", DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n-1' } }),
    json({ access_token: 'at', token_type: 'DPoP' }),
  ];
  const { config, fetch } = scriptedConfig((_u, _i, index) => replies[index]!);
  const handle = getDPoPHandle(config, h.keyPair);
  assert.equal((await refreshTokenGrant(config, 'rt', undefined, { DPoP: handle })).token_type, 'dpop');
  assert.equal(decodeProof(fetch.calls[1]?.init.headers['dpop']).claims['nonce'], 'n-1');
  const other = scriptedConfig(() => new Response('', { status: 401, headers: { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' } }));
  await assert.rejects(refreshTokenGrant(other.config, 'rt', undefined, { DPoP: getDPoPHandle(other.config, h.keyPair) }), (e: unknown) => e instanceof WWWAuthenticateChallengeError);
  assert.equal(other.fetch.calls.length, 1);
});

test('rfc9449:8.2:use-new-nonce dg:dpop:nonce-every-response a nonce sent with a pending answer is used for the next poll: a server that rotates it after every request demands it only once', async () => {
  const h = await dpopHarness({ nonce: 'required', rotate: true });
  const login = await dpopLogin(h, { approveAfter: 4 });
  assert.ok(login.tokens, String(login.error));
  assert.equal(login.token.length, 5); // 4 polls + the first poll's retry
  assert.equal(h.server.dpop.nonceDemands, 1);
  const nonces = login.token.map(nonceOf).slice(1);
  assert.equal(new Set(nonces).size, nonces.length, 'a new nonce for every request');
});

test('dg:dpop:nonce-every-response a nonce sent with the device authorization response saves the first poll its retry', async () => {
  const h = await dpopHarness({ nonce: 'required', nonceAtDeviceEndpoint: true });
  const login = await dpopLogin(h, { approveAfter: 2, jkt: true });
  assert.ok(login.tokens, String(login.error));
  assert.equal(h.server.dpop.nonceDemands, 0);
  assert.equal(login.token.length, 2);
  assert.equal(nonceOf(login.token[0]!), h.server.dpop.nonce);
});

test('dg:dpop:nonce-loop a server that demands a new nonce on every request gets one immediate retry per poll, then the normal interval, until the code expires', async () => {
  const h = await dpopHarness({ nonce: 'loop' }, { expiresIn: 30 });
  const login = await dpopLogin(h, { approveAfter: 1 });
  assert.ok(login.error instanceof ClientError);
  assert.equal(login.error.code, 'OAUTH_TIMEOUT');
  assert.equal(login.error.error, 'expired_token');
  // The cause says why: the server's last use_dpop_nonce answer.
  assert.ok(login.error.cause instanceof ResponseBodyError && login.error.cause.error === 'use_dpop_nonce', String(login.error.cause));
  // Polls at 5, 10, 15, 20 and 25 s, each followed at once by its one retry: 10 requests, not more.
  const times = login.token.map((r) => r.time - login.token[0]!.time);
  assert.deepEqual(times, [0, 0, 5, 5, 10, 10, 15, 15, 20, 20].map((t) => t * S));
  assert.deepEqual(login.events.map((e) => e.attempt), [0, 1, 2, 3, 4, 5]);
  // The refresh grant: one retry, then the server's use_dpop_nonce error is thrown.
  const { config, fetch } = scriptedConfig(() => json({ error: 'use_dpop_nonce' }, 400, { 'dpop-nonce': `n-${Math.random()}` }));
  await assert.rejects(
    refreshTokenGrant(config, 'rt', undefined, { DPoP: getDPoPHandle(config, h.keyPair) }),
    (e: unknown) => e instanceof ResponseBodyError && e.error === 'use_dpop_nonce',
  );
  assert.equal(fetch.calls.length, 2);
});

test('rfc9449:8:nonce-retry dg:dpop:nonce-retry-once dg:dpop:nonce-loop the machine: the first use_dpop_nonce of a poll is resent at once (not a poll), a second one waits the normal interval, and one that arrives at the deadline ends the flow with it as the cause', () => {
  const start = initialState({ device_code: 'dc', interval: 5, expires_in: 10, receivedAt: 0 });
  const requesting = step(step(start, { type: 'start', now: 0 }).state, { type: 'timer', now: 5 * S });
  const cause = new Error('use_dpop_nonce');
  const retried = step(requesting.state, { type: 'response', now: 5 * S, outcome: { kind: 'use_dpop_nonce', error: cause } });
  assert.deepEqual(retried.command, { type: 'request' });
  assert.equal(retried.state.polls, requesting.state.polls, 'a retry is not a poll');
  const waited = step(retried.state, { type: 'response', now: 5 * S, outcome: { kind: 'use_dpop_nonce', error: cause } });
  assert.deepEqual(waited.command, { type: 'sleep', until: 10 * S });
  assert.equal(waited.state.interval, 5);
  const late = step(requesting.state, { type: 'response', now: 10 * S, outcome: { kind: 'use_dpop_nonce', error: cause } });
  assert.equal(late.command.type, 'fail');
  assert.equal(late.command.type === 'fail' && (late.command.error as ClientError).code, 'OAUTH_TIMEOUT');
  assert.equal(late.command.type === 'fail' && late.command.error.cause, cause);
});

test('rfc9449:8:nonce-retry without DPoP, a use_dpop_nonce answer is an ordinary terminal error: no retry', async () => {
  const { config, fetch } = scriptedConfig(() => json({ error: 'use_dpop_nonce' }, 400, { 'dpop-nonce': 'n-1' }));
  const device = { device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 1 };
  let now = 0;
  await assert.rejects(pollDeviceAuthorizationGrant(config, device, undefined, { now: () => now, sleep: async (ms) => void (now += ms) }), (e: unknown) => e instanceof ResponseBodyError && e.error === 'use_dpop_nonce');
  await assert.rejects(refreshTokenGrant(config, 'rt'), (e: unknown) => e instanceof ResponseBodyError && e.error === 'use_dpop_nonce');
  assert.equal(fetch.calls.length, 2);
});

test('rfc9449:8.1:nonce-syntax rfc9449:9:nonce-per-server a nonce is kept per server origin, and a DPoP-Nonce that is not 1*NQCHAR is ignored', async () => {
  const { config } = scriptedConfig(() => json({}));
  const handle = getDPoPHandle(config, await randomDPoPKeyPair());
  const as = new URL(`${ISSUER}/token`);
  const rs = new URL('https://rs.example.test/api');
  const nonceIn = async (url: URL) => decodeProof(await handle.proof('POST', url)).claims['nonce'];
  handle.observe(as, new Response(null, { headers: { 'dpop-nonce': 'as-nonce.1' } }));
  assert.equal(await nonceIn(as), 'as-nonce.1');
  assert.equal(await nonceIn(rs), undefined);
  assert.equal(await nonceIn(new URL(`${ISSUER}/other?x=1`)), 'as-nonce.1', 'same origin, same nonce');
  for (const bad of ['two words', 'quote"d', 'back\\slash', '']) {
    handle.observe(as, new Response(null, { headers: { 'dpop-nonce': bad } }));
    assert.equal(await nonceIn(as), 'as-nonce.1', JSON.stringify(bad));
  }
  handle.observe(as, new Response(null)); // no header: the nonce stays
  handle.observe(rs, new Response(null, { headers: { 'dpop-nonce': 'rs-nonce' } }));
  assert.equal(await nonceIn(as), 'as-nonce.1');
  assert.equal(await nonceIn(rs), 'rs-nonce');
});
