// The CLI's JWT client authentication: --auth private_key_jwt --key FILE (a PEM or a JWK file)
// and --auth client_secret_jwt, against the conformance server over loopback HTTP.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { run, startServer, userStream } from './support.js';

const noFetch: CustomFetch = () => Promise.reject(new Error('no request expected'));

function keyFiles(): { dir: string; pem: string; jwkFile: string; pemText: string; jwks: Array<Record<string, unknown>>; d: string } {
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-cli-key-'));
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pemText = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const pem = join(dir, 'client.pem');
  writeFileSync(pem, pemText);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaJwk = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rsa-1' };
  const jwkFile = join(dir, 'client.jwk.json');
  writeFileSync(jwkFile, JSON.stringify(rsaJwk));
  const jwks = [
    { ...ec.publicKey.export({ format: 'jwk' }) },
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' },
  ];
  return { dir, pem, jwkFile, pemText, jwks, d: String(rsaJwk.d) };
}

test('dg:cli:jwt-auth --auth private_key_jwt --key signs with a PEM (PKCS#8) or a JWK file; every request carries a new assertion; no key material is printed', async (t) => {
  const keys = keyFiles();
  t.after(() => rmSync(keys.dir, { recursive: true, force: true }));
  const srv = await startServer({ interval: 0.1, clients: [{ clientId: 'cli-pkjwt', authMethod: 'private_key_jwt', jwks: keys.jwks }] });
  t.after(srv.close);
  for (const file of [keys.pem, keys.jwkFile]) {
    const args = ['--issuer', srv.issuer, '--client-id', 'cli-pkjwt', '--auth', 'private_key_jwt', '--key', file, '--insecure', '--json'];
    const result = await run(args, { stderr: userStream(srv.server, 'approve') });
    assert.equal(result.code, 0, result.stderr);
    const output = result.stdout + result.stderr;
    assert.ok(!output.includes('PRIVATE KEY') && !output.includes(keys.d.slice(0, 20)), file);
  }
  const assertions = srv.server.requests.flatMap((r) => r.form.filter(([n]) => n === 'client_assertion').map(([, v]) => v));
  assert.ok(assertions.length >= 4);
  assert.equal(new Set(assertions).size, assertions.length);
  const headers = assertions.map((a) => JSON.parse(Buffer.from(a.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>);
  assert.ok(headers.some((h) => h['alg'] === 'ES256' && h['kid'] === undefined));
  assert.ok(headers.some((h) => h['alg'] === 'RS256' && h['kid'] === 'rsa-1'));
});

test('dg:cli:jwt-auth --auth client_secret_jwt with the secret from the environment; the secret is never sent or printed', async (t) => {
  const srv = await startServer({ interval: 0.1, clients: [{ clientId: 'cli-csjwt', clientSecret: 'cli-csjwt-secret', authMethod: 'client_secret_jwt' }] });
  t.after(srv.close);
  const args = ['--issuer', srv.issuer, '--client-id', 'cli-csjwt', '--auth', 'client_secret_jwt', '--insecure'];
  const result = await run(args, { env: { DEVICE_GRANT_CLIENT_SECRET: 'cli-csjwt-secret' }, stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  for (const request of srv.server.requests) assert.ok(!request.body.includes('cli-csjwt-secret'));
  assert.ok(!(result.stdout + result.stderr).includes('cli-csjwt-secret'));
});

test('dg:cli:jwt-auth dg:cli:bad-flags --key only with private_key_jwt, which needs it; client_secret_jwt needs a secret; a bad key file exits 2 without showing it', async (t) => {
  const ok = ['--issuer', 'https://as.example', '--client-id', 'c'];
  const mistakes: Array<[string[], RegExp]> = [
    [[...ok, '--auth', 'private_key_jwt'], /--key FILE goes with --auth private_key_jwt/],
    [[...ok, '--key', 'k.pem'], /--key FILE goes with --auth private_key_jwt/],
    [[...ok, '--auth', 'post', '--client-secret', 's', '--key', 'k.pem'], /--key FILE goes with --auth private_key_jwt/],
    [[...ok, '--auth', 'client_secret_jwt'], /--auth client_secret_jwt needs a client secret/],
  ];
  for (const [argv, message] of mistakes) {
    const result = await run(argv, { fetch: noFetch });
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.stderr, message);
  }
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-cli-badkey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files: Array<[string, string | undefined]> = [
    ['missing.pem', undefined],
    ['garbage.pem', '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n'],
    ['public.json', JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' })],
    ['broken.json', '{ "kty": "EC", "d": "secret-d-value"'],
  ];
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (content !== undefined) writeFileSync(path, content);
    const result = await run(['--issuer', 'https://as.example', '--client-id', 'c', '--auth', 'private_key_jwt', '--key', path], { fetch: noFetch });
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, /--key must name a readable PEM private key or private JWK file/, name);
    assert.ok(!result.stderr.includes('c2VjcmV0') && !result.stderr.includes('secret-d-value'), name);
  }
});
