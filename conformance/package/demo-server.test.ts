// `npm run server`, as the README describes it: the demo authorization server on its own, with
// its flags, printing its issuer and its demo clients, and serving a flow until it is stopped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ClientSecretBasic, allowInsecureRequests, discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant } from '../../lib/index.js';
import { ROOT } from './consumer.js';

const MAIN = fileURLToPath(new URL('../server/main.js', import.meta.url));

test('dg:ship:demo-server npm run server starts the demo server with the README\'s flags, prints its issuer and clients, and serves a Basic client\'s flow', async (t) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(manifest.scripts['server'], 'npm run build --silent && node dist/conformance/server/main.js');
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--interval', '0.05', '--expires-in', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGTERM'));
  let stdout = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('demo-post')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${String(code)}`)));
  });
  const issuer = /^issuer: (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
  assert.ok(issuer !== undefined, stdout);
  assert.ok(stdout.includes(`discovery: ${issuer}/.well-known/openid-configuration\nverification page: ${issuer}/device\nclients:\n`));
  assert.match(stdout, /demo-public {2}\(none\)\n {2}demo-basic {2}\(client_secret_basic\) {2}secret: demo-basic-secret\n/);
  const config = await discovery(new URL(issuer), 'demo-basic', 'demo-basic-secret', ClientSecretBasic(), { execute: [allowInsecureRequests] });
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
  assert.equal(device.expires_in, 30);
  const approve = fetch(`${issuer}/device`, { method: 'POST', body: new URLSearchParams({ user_code: device.user_code, action: 'approve' }) });
  const [tokens] = await Promise.all([pollDeviceAuthorizationGrant(config, device), approve]);
  assert.equal(tokens.token_type, 'bearer');
});

test('dg:ship:demo-server an unknown flag is refused with the usage line and exit code 2', async () => {
  const child = spawn(process.execPath, [MAIN, '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /^unknown argument: --bogus\nusage: main\.js \[--port N\] \[--host H\] \[--interval S\] \[--expires-in S\] \[--log\] \[--dpop\]\n$/);
});
