// dg:profiles: every provider's approve, deny, expire, slow_down (where it has one) and
// local-timeout scenarios, through the public API against the fixture-driven fake provider, on the
// fake clock: once through the provider's profile, once without it. Each run must end as the
// fixture says (a token or a typed error, never a hang) with no poll before the interval in force.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ClientSecretPost,
  Configuration,
  None,
  ResponseBodyError,
  customFetch,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  profiles,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import type { Ending, ProviderFixture, Scenario } from './fixture.js';
import { fixtures } from './fixtures/index.js';
import { providerServer, type ProviderServer } from './provider-server.js';

const CLIENT_ID = 'device-grant-test-client';
const SCENARIOS: Scenario[] = ['approve', 'deny', 'expire', 'slow_down', 'timeout'];

async function run(fixture: ProviderFixture, scenario: Scenario, withProfile: boolean): Promise<{ server: ProviderServer; result: unknown; failed: boolean }> {
  const clock = createFakeClock({ autoAdvance: true });
  const server = providerServer(fixture, scenario, clock);
  const profile = profiles[fixture.name];
  const metadata = withProfile && profile.metadata !== undefined ? profile.metadata(new URL(fixture.issuer)) : fixture.plain;
  const secret = fixture.client.secret === undefined ? undefined : { client_secret: fixture.client.secret };
  const config = new Configuration(metadata, CLIENT_ID, secret, fixture.client.auth === 'post' ? ClientSecretPost() : None());
  config[customFetch] = server.fetch;
  if (withProfile) for (const install of profile.execute ?? []) install(config);
  try {
    const device = await initiateDeviceAuthorization(config, fixture.parameters, { now: clock.now });
    const token = await pollDeviceAuthorizationGrant(config, device, fixture.pollParameters, { now: clock.now, sleep: clock.sleep });
    return { server, result: token, failed: false };
  } catch (error) {
    return { server, result: error, failed: true };
  }
}

function assertEnding(result: unknown, failed: boolean, ending: Ending, what: string): void {
  if ('token' in ending) {
    assert.equal(failed, false, `${what}: expected a token, got ${String(result)}`);
    const token = result as Record<string, unknown>;
    assert.equal(token['access_token'], ending.token.access_token, what);
    assert.equal(token['token_type'], 'bearer', what);
    if (ending.token.scope !== undefined) assert.equal(token['scope'], ending.token.scope, what);
  } else if ('error' in ending) {
    assert.ok(result instanceof ResponseBodyError, `${what}: expected ResponseBodyError ${ending.error}, got ${String(result)}`);
    assert.equal(result.error, ending.error, what);
  } else {
    assert.ok(result instanceof ClientError, `${what}: expected ClientError ${ending.code}, got ${String(result)}`);
    assert.equal(result.code, ending.code, `${what}: ${result.message}`);
    if (ending.code === 'OAUTH_TIMEOUT') assert.equal(result.error, 'expired_token', what);
    if (ending.message !== undefined) assert.match(result.message, ending.message, what);
  }
}

const endingWithout = (fixture: ProviderFixture, scenario: Scenario): Ending | undefined => {
  const w = fixture.withoutProfile;
  return 'token' in w || 'error' in w || 'code' in w ? w : (w as Partial<Record<Scenario, Ending>>)[scenario];
};

for (const fixture of fixtures) {
  for (const scenario of SCENARIOS) {
    const ending = fixture.withProfile[scenario];
    if (ending === undefined) continue;
    test(`dg:profiles:${fixture.name} dg:profiles:no-early-poll ${fixture.name}, ${scenario}, through profiles["${fixture.name}"]: ends as RFC 8628 says, no poll early`, { timeout: 10_000 }, async () => {
      const { server, result, failed } = await run(fixture, scenario, true);
      assertEnding(result, failed, ending, `${fixture.name} ${scenario}`);
      assert.deepEqual(server.early, [], 'no poll before the interval in force');
      const polls = server.requests.filter((r) => r.kind === 'poll');
      assert.ok(polls.length >= 1, 'the flow reached the token endpoint');
      // Every request the profile sent is one the provider accepts: the fixture's `rejected` never answered.
      assert.ok(server.requests.filter((r) => r.kind !== 'discovery').every((r) => r.kind !== 'unknown'));
      // RFC 8628 §3.5: a denial or an expiry ends polling at once (so Auth0's later invalid_grant is never met).
      if (scenario === 'deny' || scenario === 'expire') assert.equal(polls.length, 2, 'no poll after the terminal answer');
      if (scenario === 'slow_down') {
        const times = polls.map((r) => r.time);
        const base = Number((fixture.device.response.body as Record<string, unknown>)['interval'] ?? 5);
        const afterSlowDown = (times[2] as number) - (times[1] as number);
        assert.ok(afterSlowDown >= (base + 5) * 1000, `RFC 8628 §3.5: the wait after slow_down grew by 5 s (was ${afterSlowDown} ms)`);
      }
    });
  }
  for (const scenario of SCENARIOS) {
    if (fixture.withProfile[scenario] === undefined) continue;
    const ending = endingWithout(fixture, scenario) as Ending;
    test(`dg:profiles:without dg:profiles:no-early-poll ${fixture.name}, ${scenario}, without a profile: ends in a token or a typed error, never a hang, no poll early`, { timeout: 10_000 }, async () => {
      const { server, result, failed } = await run(fixture, scenario, false);
      assertEnding(result, failed, ending, `${fixture.name} ${scenario} without profile`);
      assert.deepEqual(server.early, [], 'no poll before the interval in force');
    });
  }
}

test('dg:profiles:export every provider has a fixture with its sources, and every fixture reply names its source', () => {
  assert.deepEqual(fixtures.map((f) => f.name).sort(), Object.keys(profiles).sort());
  for (const fixture of fixtures) {
    assert.ok(fixture.sources.length > 0 && fixture.sources.every((s) => s.url.startsWith('https://') && s.says !== ''), fixture.name);
    assert.ok(fixture.disagreements.length > 0, `${fixture.name} says where the docs and the issue agree or differ`);
    const { device, poll } = fixture;
    const replies = [device.response, device.rejected, poll.rejected, poll.pending, poll.token, poll.denied, poll.expired, ...(poll.slowDown ? [poll.slowDown] : [])];
    for (const reply of replies) assert.ok(reply.source.length > 0, `${fixture.name}: every reply has a source`);
    assert.ok((fixture.withProfile.slow_down !== undefined) === (poll.slowDown !== undefined), `${fixture.name}: slow_down scenario exactly where the provider has slow_down`);
  }
});
