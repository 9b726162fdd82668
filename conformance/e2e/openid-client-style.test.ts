// A program written only against openid-client v6's documented device-flow API
// (openid-client-style.ts, which imports the package by its name) runs unchanged against this
// library and the conformance authorization server over loopback HTTP. Lower bounds only, 100 ms
// tolerance.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions } from '../server/types.js';
import { deviceLogin, type LoginOutcome, type UserPrompt } from './openid-client-style.js';

const TOLERANCE = 100;
// dist/conformance/e2e/ → the package root.
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function login(
  options: AuthorizationServerOptions,
  onCode: (server: AuthorizationServer, code: UserPrompt) => void,
): Promise<{ outcome: LoginOutcome; server: AuthorizationServer; elapsed: number }> {
  const server = createAuthorizationServer({ interval: 0.1, expiresIn: 10, ...options });
  const listening = await listen(server);
  const started = performance.now();
  try {
    const outcome = await deviceLogin(listening.url, 'demo-public', 'openid', (code) => onCode(server, code));
    return { outcome, server, elapsed: performance.now() - started };
  } finally {
    await listening.close();
  }
}

const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

test('dg:compat:exports the package resolves by its own name from the package root, to the same module the tests use', async () => {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('device-grant'); console.log(typeof m.pollDeviceAuthorizationGrant, typeof m.discovery, typeof m.ResponseBodyError)"],
    { cwd: PACKAGE_ROOT, encoding: 'utf8' },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'function function function');
  const byName = await import('device-grant');
  const byPath = await import('../../lib/index.js');
  assert.equal(byName.pollDeviceAuthorizationGrant, byPath.pollDeviceAuthorizationGrant);
  assert.equal(byName.ClientError, byPath.ClientError);
});

test('dg:compat:poll-signature rfc8628:3.5:pending-repeat openid-client-style program: the user approves and the script gets its tokens', async () => {
  const { outcome, server } = await login({}, (s, code) => {
    assert.match(code.verification_uri, /^http:\/\/127\.0\.0\.1:\d+\/device$/);
    assert.equal(code.verification_uri_complete, `${code.verification_uri}?user_code=${encodeURIComponent(code.user_code)}`);
    // The program cannot lower the 1 s interval floor (dg:polling:interval-floor): approve after the first poll.
    later(1300, () => s.approve(code.user_code, 'bob'));
  });
  assert.equal(outcome.status, 'authorized');
  assert.ok(outcome.status === 'authorized');
  assert.equal(outcome.tokenType, 'bearer');
  assert.equal(outcome.subject, 'bob');
  assert.equal(outcome.scope, 'openid');
  assert.ok(outcome.expiresIn! > 3500);
  assert.ok(server.requests.filter((q) => q.endpoint === 'token').length >= 2);
});

test('dg:compat:poll-signature rfc8628:3.5:stop-on-other-error openid-client-style program: the user denies and the script sees ResponseBodyError access_denied', async () => {
  const { outcome } = await login({}, (s, code) => later(150, () => s.deny(code.user_code)));
  assert.deepEqual(outcome, { status: 'denied', description: 'the user denied the request' });
});

test('dg:compat:poll-signature dg:compat:local-expiry-error openid-client-style program: nobody approves and the script sees the expiry', async () => {
  const { outcome, elapsed } = await login({ expiresIn: 0.45 }, () => {});
  assert.equal(outcome.status, 'expired');
  assert.ok(elapsed >= 450 - TOLERANCE, `${elapsed}`);
});

test('dg:compat:poll-signature rfc8628:3.5:slow-down openid-client-style program: after a forced slow_down the next poll waits interval + 5 s and then succeeds', async () => {
  const { outcome, server, elapsed } = await login({}, (s, code) => {
    s.forceSlowDown(1);
    s.approve(code.user_code);
  });
  assert.equal(outcome.status, 'authorized');
  const times = server.requests.filter((q) => q.endpoint === 'token').map((q) => q.time);
  assert.equal(times.length, 2);
  assert.ok(times[1]! - times[0]! >= 5100 - TOLERANCE, `${times[1]! - times[0]!}`);
  assert.ok(elapsed >= 5200 - TOLERANCE);
});

test('dg:compat:poll-signature dg:polling:transient-classes openid-client-style program: a 503 in the middle of polling does not end the login', async () => {
  const { outcome, server } = await login({}, (s, code) => {
    // Polls come at the 1 s floor: once the first (pending) has arrived, the next one gets the 503,
    // and the one after it (2·interval later) the token. Keyed on the request, not on a timer, so a
    // loaded machine cannot reorder it.
    const watch = setInterval(() => {
      if (!s.requests.some((q) => q.endpoint === 'token')) return;
      clearInterval(watch);
      s.injectFaults({ kind: 'status', status: 503 });
      s.approve(code.user_code);
    }, 20);
  });
  assert.equal(outcome.status, 'authorized');
  const token = server.requests.filter((q) => q.endpoint === 'token');
  assert.ok(token.length >= 3);
});
