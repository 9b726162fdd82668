// The command line itself: --help, --version and every way of getting it wrong (exit code 2).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { run } from './support.js';
import { parseArgs } from '../../lib/cli/args.js';

// Any request at all fails the test: usage errors must be caught before the network.
const noFetch: CustomFetch = () => {
  throw new Error('no request may be sent');
};

test('dg:cli:help dg:cli:in-process --help documents every flag, the environment variable and every exit code on stdout, and exits 0', async () => {
  for (const flag of ['--help', '-h']) {
    const result = await run([flag], { fetch: noFetch });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    const flags = ['--issuer', '--client-id', '--client-secret', '--auth', '--scope', '--resource', '--algorithm', '--json', '--insecure', '--timeout', '--qr', '--no-qr', '--help', '--version'];
    for (const name of flags) assert.match(result.stdout, new RegExp(`^ {2}(?:--\\S+, )?${name}\\b`, 'm'), name);
    assert.match(result.stdout, /DEVICE_GRANT_CLIENT_SECRET/);
    for (const code of [0, 1, 2, 3, 4, 5, 6, 130]) assert.match(result.stdout, new RegExp(`^ {2}${code} +\\S`, 'm'), `exit code ${code}`);
  }
});

test('dg:cli:in-process main() leaves the process alone: no exit code set, no signal handler added', async () => {
  const before = { exitCode: process.exitCode, sigint: process.listenerCount('SIGINT') };
  assert.equal((await run(['--bogus'])).code, 2);
  assert.equal((await run(['--help'])).code, 0);
  assert.deepEqual({ exitCode: process.exitCode, sigint: process.listenerCount('SIGINT') }, before);
});

test('dg:cli:help --help wins over other flags, even wrong ones', async () => {
  const result = await run(['--issuer', 'nope', '--help'], { fetch: noFetch });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: device-grant/);
});

test('dg:cli:version --version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const result = await run(['--version'], { fetch: noFetch });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `device-grant ${version}\n`);
});

const ok = ['--issuer', 'https://as.example', '--client-id', 'c'];
const badCommandLines: Array<[string, string[], RegExp]> = [
  ['no arguments', [], /--issuer is required/],
  ['no issuer', ['--client-id', 'c'], /--issuer is required/],
  ['no client id', ['--issuer', 'https://as.example'], /--client-id is required/],
  ['empty client id', ['--issuer', 'https://as.example', '--client-id='], /--client-id is required/],
  ['unknown flag', [...ok, '--bogus'], /unknown argument: --bogus/],
  ['positional argument', [...ok, 'extra'], /unexpected argument #5/],
  ['unknown flag with a value', [...ok, '--client_secret=s3cr3t'], /unknown argument: --client_secret\n/],
  ['single dash', [...ok, '-x'], /unexpected argument #5/],
  ['missing value at the end', [...ok, '--scope'], /--scope needs a value/],
  ['a --param without =', [...ok, '--param', 'audience'], /--param must be NAME=VALUE/],
  ['a --param without a name', [...ok, '--param', '=x'], /--param must be NAME=VALUE/],
  ['a repeated --param', [...ok, '--param', 'audience=a', '--param=audience=b'], /--param audience may be given only once/],
  ['a --param for scope', [...ok, '--param', 'scope=read'], /--param scope: use --scope/],
  ['a --param for resource', [...ok, '--param=resource=https://api.example'], /--param resource: use --resource/],
  ['a flag where a value belongs', ['--issuer', '--client-id', 'c'], /--issuer needs a value/],
  ['a value on a switch', [...ok, '--json=yes'], /--json takes no value/],
  ['repeated issuer', [...ok, '--issuer=https://other.example'], /--issuer may be given only once/],
  ['issuer not a URL', ['--issuer', 'as.example', '--client-id', 'c'], /--issuer must be an absolute http\(s\) URL/],
  ['issuer with another scheme', ['--issuer', 'ftp://as.example', '--client-id', 'c'], /absolute http\(s\) URL/],
  ['zero timeout', [...ok, '--timeout', '0'], /--timeout must be a positive number/],
  ['exponent timeout', [...ok, '--timeout', '1e3'], /--timeout must be a positive number/],
  ['word timeout', [...ok, '--timeout=soon'], /--timeout must be a positive number/],
  ['unknown auth', [...ok, '--auth', 'jwt'], /--auth must be one of: none, basic, post/],
  ['unknown algorithm', [...ok, '--algorithm', 'oauth3'], /--algorithm must be one of: oidc, oauth2/],
  ['basic without a secret', [...ok, '--auth', 'basic'], /--auth basic needs a client secret/],
  ['post without a secret', [...ok, '--auth=post'], /--auth post needs a client secret/],
];

test('dg:cli:param --param NAME=VALUE is kept in order, with "=" allowed in the value', () => {
  const parsed = parseArgs([...ok, '--param', 'audience=https://api.example/?a=b', '--param=start_url=https://d.example/start'], {});
  assert.equal(parsed.kind, 'run');
  assert.deepEqual(parsed.kind === 'run' && parsed.options.parameters, [
    ['audience', 'https://api.example/?a=b'],
    ['start_url', 'https://d.example/start'],
  ]);
});

test('dg:cli:bad-flags dg:cli:param dg:cli:exit-codes every command line mistake exits 2 with one message on stderr, before any request', async () => {
  for (const [name, argv, message] of badCommandLines) {
    const result = await run(argv, { fetch: noFetch });
    assert.equal(result.code, 2, name);
    assert.equal(result.stdout, '', name);
    assert.match(result.stderr, message, name);
    assert.match(result.stderr, /^device-grant: .*\nRun 'device-grant --help' for usage\.\n$/, name);
  }
});

test('dg:cli:bad-flags dg:security:secret-redaction a mistyped flag or a stray argument is named, never echoed with its value', async () => {
  for (const argv of [[...ok, '--client_secret=s3cr3t'], [...ok, 's3cr3t'], [...ok, '-s3cr3t'], [...ok, '--secret=s3cr3t']]) {
    const result = await run(argv, { fetch: noFetch });
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, /s3cr3t/);
  }
});

test('dg:cli:bad-flags dg:cli:client-secret-env an empty DEVICE_GRANT_CLIENT_SECRET counts as no secret', async () => {
  const result = await run([...ok, '--auth', 'post'], { fetch: noFetch, env: { DEVICE_GRANT_CLIENT_SECRET: '' } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--auth post needs a client secret \(--client-secret or DEVICE_GRANT_CLIENT_SECRET\)/);
});
