// dg:profiles:cli: `--profile NAME` applies a provider profile to the command line's flow, fills
// in the issuer and endpoints the profile knows, and is listed in --help. Runs main() in process
// against the fixture-driven fake provider on the fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profiles } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { fixtures } from '../profiles/fixtures/index.js';
import { providerServer } from '../profiles/provider-server.js';
import { run } from './support.js';

const fixture = (name: string) => fixtures.find((f) => f.name === name)!;

function provider(name: string) {
  const clock = createFakeClock({ autoAdvance: true });
  const server = providerServer(fixture(name), 'approve', clock);
  return { server, io: { fetch: server.fetch, now: clock.now, sleep: clock.sleep } };
}

test('dg:profiles:cli --profile github needs no --issuer: the profile\'s endpoints, its scope translation, exit 0', async () => {
  const { server, io } = provider('github');
  const result = await run(['--profile', 'github', '--client-id', 'Iv1.example', '--scope', 'repo gist', '--timeout', '5', '--json'], io);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).scope, 'repo gist');
  assert.equal(server.requests.filter((r) => r.kind === 'discovery').length, 0, 'no discovery');
  assert.deepEqual(server.early, []);
});

test('dg:profiles:cli dg:cli:param --profile=entra-v1 with the tenant as --issuer, --resource and --param: the v1 dialect on the wire, resource and the extra parameter on the polls too, exit 0', async () => {
  const v1 = fixture('entra-v1');
  const { server, io } = provider('entra-v1');
  const result = await run(['--profile=entra-v1', '--issuer', v1.issuer, '--client-id', 'c', '--resource', 'https://graph.microsoft.com', '--param', 'login_hint=bob@example.com', '--json'], io);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).access_token, 'eyJ0eXAiOiJKV1QiLCJub25jZSI6.v1-example');
  const polls = server.requests.filter((r) => r.kind === 'poll');
  assert.ok(polls.length >= 1, 'at least one poll');
  assert.ok(polls.every((r) => r.members['resource'] === 'https://graph.microsoft.com' && r.members['code'] !== undefined));
  assert.ok(polls.every((r) => r.members['login_hint'] === 'bob@example.com'), 'the --param value goes on every poll');
  assert.ok(server.requests.some((r) => r.kind !== 'poll' && r.members['login_hint'] === 'bob@example.com'), 'and on the device authorization request');
});

test('dg:profiles:cli --profile okta (an empty profile) discovers from --issuer as usual; --profile twitch sends --scope as scopes on every request', async () => {
  const { io } = provider('okta');
  const okta = await run(['--profile', 'okta', '--issuer', fixture('okta').issuer, '--client-id', 'c', '--scope', 'openid profile offline_access', '--json'], io);
  assert.equal(okta.code, 0, okta.stderr);
  const t = provider('twitch');
  const twitch = await run(['--profile', 'twitch', '--client-id', 'c', '--scope', 'user:read:follows', '--json'], t.io);
  assert.equal(twitch.code, 0, twitch.stderr);
  assert.equal(JSON.parse(twitch.stdout).scope, 'user:read:follows');
});

test('dg:profiles:cli an unknown profile, or a profile that knows no issuer without --issuer, exits 2 before any request', async () => {
  const { server, io } = provider('okta');
  const unknown = await run(['--profile', 'gitlab', '--client-id', 'c'], io);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--profile must be one of: github, google, entra-v2, entra-v1, auth0, keycloak, okta, aws-sso, salesforce, twitch/);
  const noIssuer = await run(['--profile', 'entra-v2', '--client-id', 'c'], io);
  assert.equal(noIssuer.code, 2);
  assert.match(noIssuer.stderr, /--issuer is required/);
  assert.equal(server.requests.length, 0);
});

test('dg:profiles:cli dg:cli:help --help documents --profile and lists every profile', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--profile NAME/);
  for (const name of Object.keys(profiles)) assert.ok(help.stdout.includes(name), name);
});
