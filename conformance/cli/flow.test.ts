// End to end over real loopback HTTP against the conformance authorization server: each outcome
// of the device flow and its exit code. Real-time tests use intervals of at most 0.2 s and
// assert lower bounds only, with TOLERANCE_MS of slack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { TOLERANCE_MS, netFetch, publicArgs, run, shownUserCode, startServer, userStream, DEVICE_CODE } from './support.js';

/** A fetch that keeps a copy of every response body, to compare the output with the wire. */
function recordingFetch(): { fetch: CustomFetch; bodies: Map<string, string[]> } {
  const bodies = new Map<string, string[]>();
  const record: CustomFetch = async (url, init) => {
    const response = await netFetch(url, init);
    const path = new URL(url).pathname;
    bodies.set(path, [...(bodies.get(path) ?? []), await response.clone().text()]);
    return response;
  };
  return { fetch: record, bodies };
}

test('rfc8628:3.3:user-instructions rfc8628:3.3.1:display-user-code rfc8628:3.3.1:display-uri-text dg:cli:exit-codes the code shown approves the device: exit 0, after a real wait of at least the approval delay', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const stderr = userStream(srv.server, 'approve', 150);
  const result = await run(publicArgs(srv.issuer), { stderr });
  assert.equal(result.code, 0, result.stderr);
  const [grant] = [...srv.server.grants.values()];
  assert.equal(grant?.status, 'redeemed');
  // The code is printed verbatim, and the plain verification_uri too (not only the complete one).
  assert.equal(shownUserCode(result.stderr), grant.userCode);
  assert.ok(result.stderr.includes(`visit:\n  ${srv.issuer}/device\n`), result.stderr);
  assert.ok(result.stderr.includes(`fills in the code for you:\n  ${srv.issuer}/device?user_code=${grant.userCode}\n`));
  assert.match(result.stderr, /Approved: signed in\.\n$/);
  assert.ok(result.elapsed >= 150 - TOLERANCE_MS, `${result.elapsed} ms`);
});

test('dg:cli:human-summary dg:cli:flags without --json, stdout is a summary with every token cut to a few characters', async (t) => {
  const srv = await startServer({ interval: 0.1, deviceCodeFactory: () => DEVICE_CODE });
  t.after(srv.close);
  const recorder = recordingFetch();
  const stderr = userStream(srv.server, 'approve');
  const result = await run(publicArgs(srv.issuer, '--scope=openid profile'), { stderr, fetch: recorder.fetch });
  assert.equal(result.code, 0, result.stderr);
  const body = JSON.parse(recorder.bodies.get('/token')?.at(-1) ?? '{}') as Record<string, string>;
  for (const name of ['access_token', 'refresh_token', 'id_token']) {
    const secret = body[name] ?? '';
    assert.ok(secret.length > 24, name);
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `${name} is printed in full`);
    assert.ok(result.stdout.includes(`${name}:`.padEnd(15) + `${secret.slice(0, 6)}… (${secret.length} characters, redacted)\n`), name);
  }
  assert.match(result.stdout, /^token_type: {4}bearer\n/);
  assert.match(result.stdout, /\nexpires_in: {4}3600 s\n/);
  assert.match(result.stdout, /\nscope: {9}openid profile\n/);
  assert.ok(!result.stdout.includes(DEVICE_CODE) && !result.stderr.includes(DEVICE_CODE));
});

test('dg:cli:human-summary a token response with only access_token and token_type gets a two-line summary; short tokens show fewer characters', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const minimal: CustomFetch = async (url, init) => {
    if (!url.endsWith('/token')) return netFetch(url, init);
    return Response.json({ access_token: 'abcdefghij', token_type: 'Bearer' });
  };
  const result = await run(publicArgs(srv.issuer), { fetch: minimal });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'token_type:    bearer\naccess_token:  ab… (10 characters, redacted)\n');
});

test('dg:cli:json-stdout rfc8628:3.3:device-code-not-displayed rfc8628:5.5:operating-environment with --json, stdout is exactly one JSON object, the token response; prompts only on stderr; no device_code anywhere', async (t) => {
  const srv = await startServer({ interval: 0.1, deviceCodeFactory: () => DEVICE_CODE });
  t.after(srv.close);
  const recorder = recordingFetch();
  const stderr = userStream(srv.server, 'approve');
  const result = await run(publicArgs(srv.issuer, '--json', '--scope', 'openid'), { stderr, fetch: recorder.fetch });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\{.*\}\n$/);
  const token = JSON.parse(result.stdout) as Record<string, unknown>;
  const wire = JSON.parse(recorder.bodies.get('/token')?.at(-1) ?? '') as Record<string, string>;
  // The library's result, as openid-client returns it: the server's members, token_type lowercased.
  assert.equal(typeof token['access_token'], 'string');
  assert.deepEqual(token, { ...wire, token_type: wire['token_type']?.toLowerCase() });
  assert.match(result.stderr, /and enter the code:/);
  assert.match(result.stderr, /Waiting for approval/);
  assert.ok(!result.stdout.includes('Waiting') && !result.stdout.includes('enter the code'));
  assert.ok(!result.stdout.includes(DEVICE_CODE) && !result.stderr.includes(DEVICE_CODE));
});

test('rfc8628:3.3:stop-at-expiry rfc8628:3.5:expired-token-wait-user dg:cli:exit-codes the codes expire unapproved: exit 4 after at least expires_in, and no new authorization is started', async (t) => {
  const srv = await startServer({ interval: 0.1, expiresIn: 0.5 });
  t.after(srv.close);
  const result = await run(publicArgs(srv.issuer));
  assert.equal(result.code, 4, result.stderr);
  assert.ok(result.elapsed >= 500 - TOLERANCE_MS, `${result.elapsed} ms`);
  assert.match(result.stderr, /error: The code expired before it was approved: /);
  assert.equal(srv.server.requests.filter((r) => r.endpoint === 'device').length, 1);
});

test('dg:cli:exit-codes the server\'s own expired_token answer exits 4 too', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  srv.server.injectFaults({ kind: 'json', status: 400, body: { error: 'expired_token' } });
  const result = await run(publicArgs(srv.issuer));
  assert.equal(result.code, 4);
  assert.match(result.stderr, /error: The code expired before it was approved: expired_token\n$/);
});

test('dg:cli:flags dg:cli:client-secret-env a Post client with its secret from DEVICE_GRANT_CLIENT_SECRET authenticates in the body; the secret is never printed', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const env = { DEVICE_GRANT_CLIENT_SECRET: 'demo-post-secret' };
  const args = ['--issuer', srv.issuer, '--client-id', 'demo-post', '--insecure', '--json'];
  const result = await run(args, { env, stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  for (const request of srv.server.requests.filter((r) => r.method === 'POST')) {
    assert.deepEqual(request.form.filter(([name]) => name === 'client_secret'), [['client_secret', 'demo-post-secret']]);
    assert.equal(request.headers['authorization'], undefined);
  }
  assert.ok(!(result.stdout + result.stderr).includes('demo-post-secret'));
});

test('dg:cli:flags dg:cli:client-secret-env --client-secret wins over the environment, and --auth basic sends HTTP Basic', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const env = { DEVICE_GRANT_CLIENT_SECRET: 'wrong-secret' };
  const args = ['--issuer', srv.issuer, '--client-id', 'demo-basic', '--client-secret', 'demo-basic-secret', '--auth', 'basic', '--insecure'];
  const result = await run(args, { env, stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  const posts = srv.server.requests.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 2);
  for (const request of posts) assert.equal(request.headers['authorization'], `Basic ${btoa('demo-basic:demo-basic-secret')}`);
  assert.ok(!(result.stdout + result.stderr).includes('demo-basic-secret'));
});

test('dg:cli:flags dg:cli:client-secret-env --auth none sends no secret, even when the environment holds one', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const env = { DEVICE_GRANT_CLIENT_SECRET: 'leftover' };
  const result = await run(publicArgs(srv.issuer, '--auth', 'none'), { env, stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  for (const request of srv.server.requests) assert.ok(!request.body.includes('leftover') && request.headers['authorization'] === undefined);
});

test('dg:cli:flags --scope and repeated --resource reach the device authorization request; --algorithm oauth2 discovers the RFC 8414 location', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const args = publicArgs(srv.issuer, '--algorithm', 'oauth2', '--scope', 'read write', '--resource', 'https://api.example/a', '--resource=https://api.example/b');
  const result = await run(args, { stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(srv.server.requests[0]?.path, '/.well-known/oauth-authorization-server');
  const device = srv.server.requests.find((r) => r.endpoint === 'device');
  assert.deepEqual(device?.form.filter(([name]) => name === 'scope' || name === 'resource'), [
    ['scope', 'read write'],
    ['resource', 'https://api.example/a'],
    ['resource', 'https://api.example/b'],
  ]);
});

test('dg:cli:param --param values reach the device authorization request; a name the library sets is refused', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const args = publicArgs(srv.issuer, '--param', 'audience=https://api.example/', '--param=login_hint=a=b');
  const result = await run(args, { stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  const device = srv.server.requests.find((r) => r.endpoint === 'device');
  assert.deepEqual(device?.form.filter(([name]) => name === 'audience' || name === 'login_hint'), [
    ['audience', 'https://api.example/'],
    ['login_hint', 'a=b'],
  ]);
  const reserved = await run(publicArgs(srv.issuer, '--param', 'client_id=other'));
  assert.equal(reserved.code, 2, reserved.stderr);
  assert.match(reserved.stderr, /client_id/);
});

test('dg:cli:exit-codes dg:cli:error-message a wrong client secret is the server\'s invalid_client: exit 6, for Post (error body) and Basic (WWW-Authenticate)', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  for (const [client, auth] of [['demo-post', 'post'], ['demo-basic', 'basic']] as const) {
    const args = ['--issuer', srv.issuer, '--client-id', client, '--client-secret', 'nope', '--auth', auth, '--insecure'];
    const result = await run(args);
    assert.equal(result.code, 6, `${auth}: ${result.stderr}`);
    assert.match(result.stderr, /^error: The authorization server refused the request: invalid_client/m);
    assert.equal(result.stdout, '');
  }
});
