// Opt-in ID token signature checks (openid-client's enableNonRepudiationChecks): the server's JWKS
// through the library's HTTP layer, cached per Configuration, fetched again once for an unknown
// kid, typed errors for a JWKS that is too large, not JSON or keyless, and a bad signature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  Configuration,
  customFetch,
  enableNonRepudiationChecks,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
} from '../../lib/index.js';
import { ISSUER, harness, json, pollUntilApproved, type Harness } from '../support/harness.js';
import { rejection } from '../support/security-side.js';
import { JWKS, configFor } from '../support/signature-side.js';


async function login(h: Harness, config: Configuration): Promise<unknown> {
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: h.clock.now });
  return pollUntilApproved(h, device, { config, approveAfter: 1 }).catch((e: unknown) => e);
}

const jwksCalls = (h: Harness): number => h.server.requests.filter((r) => r.endpoint === 'jwks').length;

test('dg:idtoken:signature-opt-in dg:idtoken:jwks-cache RS256 and ES256 ID tokens verify with the server\'s JWKS, fetched once per Configuration', async () => {
  for (const idTokenAlg of ['RS256', 'ES256'] as const) {
    const h = harness({ idTokenAlg, interval: 1, autoAdvance: true });
    const config = configFor(h);
    enableNonRepudiationChecks(config);
    const first = (await login(h, config)) as { claims(): Record<string, unknown> };
    assert.equal(first.claims()['iss'], ISSUER, idTokenAlg);
    await login(h, config);
    assert.equal(jwksCalls(h), 1, `${idTokenAlg}: the JWKS is cached`);
  }
});

test('dg:idtoken:signature-opt-in without enableNonRepudiationChecks no JWKS is fetched; with it a wrong signature ends the flow', async () => {
  const h = harness({ interval: 1, autoAdvance: true });
  await login(h, configFor(h));
  assert.equal(jwksCalls(h), 0);
  // The server's token, its signature swapped for another: the claims pass, the signature does not.
  const forging: CustomFetch = async (url, init) => {
    const response = await h.fetch(url, init);
    if (!url.endsWith('/token') || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, string>;
    const [header, payload] = body['id_token']!.split('.');
    return json({ ...body, id_token: `${header}.${payload}.${Buffer.alloc(256, 1).toString('base64url')}` });
  };
  const config = configFor(h, forging);
  enableNonRepudiationChecks(config);
  const error = await login(h, config);
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_JWS_SIGNATURE_INVALID', String(error));
  assert.throws(() => enableNonRepudiationChecks({} as Configuration), TypeError);
  // A token response without an ID token has nothing to verify: no JWKS fetch, the flow succeeds.
  const plain = configFor(h);
  enableNonRepudiationChecks(plain);
  const fetchedBefore = jwksCalls(h);
  const device = await initiateDeviceAuthorization(plain, { scope: 'profile' }, { now: h.clock.now });
  const tokens = await pollUntilApproved(h, device, { config: plain, approveAfter: 1 });
  assert.equal(tokens.id_token, undefined);
  assert.equal(jwksCalls(h), fetchedBefore);
});

test('dg:idtoken:jwks-refetch an unknown kid (a key rotation) fetches the JWKS again, once per flow (flows 30 s apart); still unknown is OAUTH_KEY_SELECTION_FAILED', async () => {
  const es = harness({ idTokenAlg: 'ES256', interval: 1, autoAdvance: true });
  const rs = harness({ idTokenAlg: 'RS256', interval: 1, autoAdvance: true });
  let fetched = 0;
  // Before the rotation the JWKS holds only the EC key, and the ES256 flow caches it.
  const config = configFor(es, async (url, init) => (url === JWKS ? (fetched++, json({ keys: es.server.jwks.keys.filter((k) => k['kty'] === 'EC') })) : es.fetch(url, init)));
  enableNonRepudiationChecks(config);
  const before = await login(es, config);
  assert.ok(!(before instanceof Error), String(before));
  assert.equal(fetched, 1);
  // After it (30 s on: the refetch cooldown), tokens are RS256 with a kid the cached JWKS does not have: one refetch finds it.
  await rs.clock.advance(30_000);
  config[customFetch] = async (url, init) => (url === JWKS && fetched++, rs.fetch(url, init));
  const after = await login(rs, config);
  assert.ok(!(after instanceof Error), String(after));
  assert.equal(fetched, 2);
  // A JWKS that never has the key: at most one fetch per flow (flows 30 s apart), then a typed error.
  let other = 0;
  const never = configFor(rs, async (url, init) => (url === JWKS ? (other++, json({ keys: [{ kty: 'RSA', kid: 'other', n: 'AQAB', e: 'AQAB' }] })) : rs.fetch(url, init)));
  enableNonRepudiationChecks(never);
  for (const fetches of [1, 2]) {
    await rs.clock.advance(30_000);
    const error = await login(rs, never);
    assert.ok(error instanceof ClientError && error.code === 'OAUTH_KEY_SELECTION_FAILED', String(error));
    assert.equal(other, fetches, 'one JWKS fetch per flow');
  }
});

test('dg:idtoken:jwks-http dg:idtoken:jwks-typed-errors a JWKS that is too large, not JSON, keyless or missing is a typed error that ends the flow', async () => {
  const cases: Array<[string, (() => Response) | undefined, string]> = [
    ['too large', () => new Response('{"keys":[]}', { headers: { 'content-type': 'application/json', 'content-length': String(2 ** 24) } }), 'OAUTH_RESPONSE_TOO_LARGE'],
    ['not JSON', () => new Response('<html>', { headers: { 'content-type': 'text/html' } }), 'OAUTH_RESPONSE_IS_NOT_JSON'],
    ['unparsable', () => new Response('{keys', { headers: { 'content-type': 'application/json' } }), 'OAUTH_PARSE_ERROR'],
    ['keyless', () => json({ keys: [] }), 'OAUTH_INVALID_RESPONSE'],
    ['keys not objects', () => json({ keys: ['a'] }), 'OAUTH_INVALID_RESPONSE'],
    ['no keys member', () => json({}), 'OAUTH_INVALID_RESPONSE'],
    ['error status', () => json({ keys: [] }, 500), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
  ];
  for (const [what, reply, code] of cases) {
    const h = harness({ interval: 1, autoAdvance: true });
    const config = configFor(h, async (url, init) => (url === JWKS && reply ? reply() : h.fetch(url, init)));
    enableNonRepudiationChecks(config);
    const error = await login(h, config);
    assert.ok(error instanceof ClientError && error.code === code, `${what}: ${String(error)}`);
  }
  const h = harness({ interval: 1, autoAdvance: true });
  for (const [metadata, code] of [[{ jwks_uri: undefined }, 'OAUTH_MISSING_SERVER_METADATA'], [{ jwks_uri: 'not a url' }, 'OAUTH_INVALID_SERVER_METADATA'], [{ jwks_uri: 'https://user:pass@as.example.test/jwks' }, 'OAUTH_INVALID_SERVER_METADATA'], [{ jwks_uri: 'http://as.example.test/jwks' }, 'OAUTH_HTTP_REQUEST_FORBIDDEN']] as const) {
    const config = configFor(h, h.fetch, metadata);
    enableNonRepudiationChecks(config);
    const error = await login(h, config);
    assert.ok(error instanceof ClientError && error.code === code, `${JSON.stringify(metadata)}: ${String(error)}`);
  }
});

test('dg:idtoken:signature-opt-in an abort while the JWKS is being fetched ends the poll with OAUTH_ABORT', async () => {
  const h = harness({ interval: 1, autoAdvance: true });
  const controller = new AbortController();
  const config = configFor(h, async (url, init) => {
    if (url !== JWKS) return h.fetch(url, init);
    controller.abort();
    return new Promise<Response>(() => {});
  });
  enableNonRepudiationChecks(config);
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: h.clock.now });
  h.server.approve(device.user_code);
  const error = await rejection(pollDeviceAuthorizationGrant(config, device, undefined, { signal: controller.signal, now: h.clock.now, sleep: h.clock.sleep }));
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_ABORT', String(error));
});

/** A JWKS answer the test releases by hand, and the signal each JWKS request was given. */
function heldJwks(h: Harness): { fetch: CustomFetch; release(): void; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const fetch: CustomFetch = async (url, init) => {
    if (url !== JWKS) return h.fetch(url, init);
    signals.push(init.signal as AbortSignal);
    await held;
    return h.fetch(url, init);
  };
  return { fetch, release, signals };
}

async function approvedDevice(h: Harness, config: Configuration): Promise<Awaited<ReturnType<typeof initiateDeviceAuthorization>>> {
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' }, { now: h.clock.now });
  h.server.approve(device.user_code);
  return device;
}

test('dg:idtoken:jwks-cache one flow\'s abort does not fail another flow waiting on the same JWKS fetch', async () => {
  const h = harness({ interval: 1, autoAdvance: true });
  const jwks = heldJwks(h);
  const config = configFor(h, jwks.fetch);
  enableNonRepudiationChecks(config);
  const first = new AbortController();
  const [a, b] = [await approvedDevice(h, config), await approvedDevice(h, config)];
  const aborted = rejection(pollDeviceAuthorizationGrant(config, a, undefined, { signal: first.signal, now: h.clock.now, sleep: h.clock.sleep }));
  const kept = pollDeviceAuthorizationGrant(config, b, undefined, { now: h.clock.now, sleep: h.clock.sleep });
  while (jwks.signals.length === 0 || h.server.requests.filter((r) => r.endpoint === 'token').length < 2) await new Promise((r) => setImmediate(r));
  first.abort();
  const error = await aborted;
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_ABORT', String(error));
  assert.equal(jwks.signals[0]?.aborted, false, 'the shared fetch goes on for the other flow');
  jwks.release();
  const tokens = await kept;
  assert.equal(tokens.claims()?.['iss'], ISSUER);
  assert.equal(jwks.signals.length, 1);
});

test('dg:idtoken:jwks-cache when every waiting flow gives up the JWKS fetch is cancelled, and the next flow fetches again', async () => {
  const h = harness({ interval: 1, autoAdvance: true });
  const jwks = heldJwks(h);
  const config = configFor(h, jwks.fetch);
  enableNonRepudiationChecks(config);
  const controller = new AbortController();
  const device = await approvedDevice(h, config);
  const aborted = rejection(pollDeviceAuthorizationGrant(config, device, undefined, { signal: controller.signal, now: h.clock.now, sleep: h.clock.sleep }));
  while (jwks.signals.length === 0) await new Promise((r) => setImmediate(r));
  controller.abort();
  assert.ok(((await aborted) as ClientError).code === 'OAUTH_ABORT');
  assert.equal(jwks.signals[0]?.aborted, true, 'nobody waits: the request is cancelled');
  jwks.release();
  const tokens = await pollDeviceAuthorizationGrant(config, await approvedDevice(h, config), undefined, { now: h.clock.now, sleep: h.clock.sleep });
  assert.equal(tokens.claims()?.['iss'], ISSUER);
  assert.equal(jwks.signals.length, 2, 'the cancelled fetch was not kept');
});

test('dg:idtoken:jwks-cache a token that fails for another reason keeps the cached JWKS', async () => {
  const h = harness({ interval: 1, autoAdvance: true });
  let hmac = false;
  // An HS256 token the server announces: the claims pass, the signature check refuses a MAC.
  const fetch: CustomFetch = async (url, init) => {
    const response = await h.fetch(url, init);
    if (!hmac || !url.endsWith('/token') || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, string>;
    const [, payload] = body['id_token']!.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    return json({ ...body, id_token: `${header}.${payload}.${Buffer.alloc(32, 1).toString('base64url')}` });
  };
  const config = configFor(h, fetch, { id_token_signing_alg_values_supported: ['RS256', 'HS256'] });
  enableNonRepudiationChecks(config);
  assert.ok(!((await login(h, config)) instanceof Error));
  hmac = true;
  const error = await login(h, config);
  assert.ok(error instanceof ClientError, String(error));
  hmac = false;
  assert.ok(!((await login(h, config)) instanceof Error));
  assert.equal(jwksCalls(h), 1);
});
