// How long enableNonRepudiationChecks trusts a fetched JWKS (10 minutes from the start of its
// fetch) and how often an unknown kid may fetch it again (once per 30 s per Configuration), on the
// flow's own clock: the fake clock here, so no test sleeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  customFetch,
  enableNonRepudiationChecks,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  refreshTokenGrant,
  type CustomFetch,
} from '../../lib/index.js';
import { ISSUER, harness, json, pollUntilApproved, type Harness } from '../support/harness.js';
import { JWKS, configFor } from '../support/signature-side.js';

/** The documented figures: the JWKS's maximum age and the unknown-kid refetch cooldown. */
const MAX_AGE = 600_000;
const COOLDOWN = 30_000;

/**
 * A Configuration with the checks on, whose JWKS answers are `serve()` (the server's own keys
 * unless the test changes them); records the fake time of every JWKS and token request.
 */
function watched(h: Harness, serve: () => Array<Record<string, unknown>> = () => h.server.jwks.keys) {
  const jwksAt: number[] = [];
  const tokenAt: number[] = [];
  const fetch: CustomFetch = async (url, init) => {
    if (url === JWKS) return (jwksAt.push(h.clock.now()), json({ keys: serve() }));
    if (url.endsWith('/token')) tokenAt.push(h.clock.now());
    return h.fetch(url, init);
  };
  const config = configFor(h, fetch);
  enableNonRepudiationChecks(config);
  return { config, jwksAt, tokenAt };
}

/** A device flow whose token request (and so its signature check) happens at fake time `at`. */
async function pollAt(h: Harness, config: Configuration, at: number, scope = 'openid') {
  // The flow waits one interval (1 s) before its first poll, which the server then approves.
  await h.clock.advance(at - 1000 - h.clock.now());
  const device = await initiateDeviceAuthorization(config, { scope }, { now: h.clock.now });
  return pollUntilApproved(h, device, { config, approveAfter: 1 }).catch((e: unknown) => e);
}

const isKeySelection = (e: unknown): boolean => e instanceof ClientError && e.code === 'OAUTH_KEY_SELECTION_FAILED';
const withoutRsa = (h: Harness) => () => h.server.jwks.keys.filter((k) => k['kty'] !== 'RSA');

test('dg:idtoken:jwks-cache-max-age a key removed from the JWKS still verifies while the cached JWKS is under 10 minutes old (599 s after its fetch started for a poll, 599.999 s for a refresh) and is refused from 600 s on, on the clock of the poll and of the refresh', async () => {
  for (const kind of ['poll', 'refresh'] as const) {
    const h = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
    let removed = false;
    const { config, jwksAt, tokenAt } = watched(h, () => (removed ? withoutRsa(h)() : h.server.jwks.keys));
    const start = h.clock.now() + 1000;
    const first = (await pollAt(h, config, start, 'openid offline')) as { refresh_token?: string };
    assert.deepEqual(jwksAt, [start], kind);
    // The server removes its RSA key from the JWKS; tokens signed with it keep coming (a leaked key).
    removed = true;
    let refreshToken = first.refresh_token!;
    const flowAt = async (at: number): Promise<unknown> => {
      if (kind === 'poll') return pollAt(h, config, at);
      await h.clock.advance(at - h.clock.now());
      const refreshed = await refreshTokenGrant(config, refreshToken, { scope: 'openid' }, { now: h.clock.now }).catch((e: unknown) => e as Error);
      if (!(refreshed instanceof Error)) refreshToken = refreshed.refresh_token!;
      return refreshed;
    };
    // A poll waits 1 s before its request, so it cannot come 1 ms before the next one.
    const beforeAt = start + MAX_AGE - (kind === 'poll' ? 1000 : 1);
    const before = await flowAt(beforeAt);
    assert.ok(!(before instanceof Error), `${kind}: ${String(before)}`);
    assert.equal(tokenAt.at(-1), beforeAt);
    assert.equal(jwksAt.length, 1, `${kind}: the cached JWKS served the flow`);
    const after = await flowAt(start + MAX_AGE);
    assert.ok(isKeySelection(after), `${kind}: ${String(after)}`);
    assert.deepEqual(jwksAt, [start, start + MAX_AGE], `${kind}: one fetch at 600 s, no refetch after the flow's own fetch`);
  }
});

test('dg:idtoken:jwks-cache-max-age a flow whose clock is behind the start of the cached fetch (a clock that went back) fetches the JWKS again', async () => {
  const h = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
  const { config, jwksAt } = watched(h);
  const tokens = await pollAt(h, config, h.clock.now() + 1000, 'openid offline');
  const { refresh_token: refreshToken } = tokens as { refresh_token: string };
  const behind = jwksAt[0]! - 1;
  await refreshTokenGrant(config, refreshToken, { scope: 'openid' }, { now: () => behind });
  assert.equal(jwksAt.length, 2);
});

test('dg:idtoken:jwks-cache-cooldown 10 flows with an unknown kid within 27 s make 1 JWKS refetch in all (the first, 30 s after the last fetch); the 9 within 30 s of it end with OAUTH_KEY_SELECTION_FAILED without a request', async () => {
  const h = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
  // The JWKS never has the RSA key the tokens name.
  const { config, jwksAt, tokenAt } = watched(h, withoutRsa(h));
  const start = h.clock.now() + 1000;
  assert.ok(isKeySelection(await pollAt(h, config, start)));
  assert.deepEqual(jwksAt, [start], 'the first flow fetched, and did not fetch again');
  // From 30 s after that fetch, ten flows 3 s apart: the first fetches again, the nine others may not.
  for (let i = 0; i < 10; i++) assert.ok(isKeySelection(await pollAt(h, config, start + COOLDOWN + 3000 * i)), `flow ${i}`);
  assert.equal(tokenAt.at(-1), start + COOLDOWN + 27_000);
  assert.deepEqual(jwksAt, [start, start + COOLDOWN], 'one refetch for ten flows');
});

test('dg:idtoken:jwks-cache-cooldown once 30 s have passed since the last fetch, an unknown kid fetches again (29 s: not yet), and the rotated key verifies', async () => {
  const h = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
  let rotated = false;
  const { config, jwksAt } = watched(h, () => (rotated ? h.server.jwks.keys : withoutRsa(h)()));
  const start = h.clock.now() + 1000;
  await pollAt(h, config, start);
  assert.ok(isKeySelection(await pollAt(h, config, start + COOLDOWN)));
  assert.deepEqual(jwksAt, [start, start + COOLDOWN]);
  // The server now publishes the key; a flow 29 s after the refetch does not ask for it yet.
  rotated = true;
  assert.ok(isKeySelection(await pollAt(h, config, start + 2 * COOLDOWN - 1000)));
  assert.equal(jwksAt.length, 2);
  const tokens = (await pollAt(h, config, start + 2 * COOLDOWN)) as { claims(): Record<string, unknown> };
  assert.equal(tokens.claims()['iss'], ISSUER);
  assert.deepEqual(jwksAt, [start, start + COOLDOWN, start + 2 * COOLDOWN]);
});

test('dg:idtoken:jwks-refetch dg:idtoken:jwks-cache-cooldown flows that find no key in the same JWKS share one refetch; the flow that fetched it does not fetch again', async () => {
  const h = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const config = watched(h).config;
  // The first JWKS answer (without the RSA key) is held until three flows wait on it; the next has it.
  config[customFetch] = async (url, init) => {
    if (url !== JWKS) return h.fetch(url, init);
    if (++calls > 1) return json(h.server.jwks);
    await held;
    return json({ keys: withoutRsa(h)() });
  };
  const approved = async () => {
    const device = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: h.clock.now });
    h.server.approve(device.user_code);
    return pollDeviceAuthorizationGrant(config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }).catch((e: unknown) => e);
  };
  const tokenRequests = () => h.server.requests.filter((r) => r.endpoint === 'token').length;
  const turn = () => new Promise((r) => setImmediate(r));
  const fetcher = approved();
  while (calls === 0) await turn();
  const waiters = [approved(), approved()];
  while (tokenRequests() < 3) await turn();
  for (let i = 0; i < 5; i++) await turn();
  await h.clock.advance(COOLDOWN);
  release();
  assert.ok(isKeySelection(await fetcher), 'its own fetch was the flow\'s one fetch');
  for (const result of await Promise.all(waiters)) assert.ok(!(result instanceof Error), String(result));
  assert.equal(calls, 2, 'one refetch for both waiting flows');
});

