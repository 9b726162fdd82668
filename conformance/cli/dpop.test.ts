// The CLI's --dpop and the demo's DPoP-bound login, over real loopback HTTP against the
// conformance server, which requires a proof on every token request and demands a nonce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError, parseArgs } from '../../lib/cli/args.js';
import { USAGE } from '../../lib/cli/usage.js';
import { runDemo } from '../demo/run.js';
import { decodeProof } from '../support/dpop-side.js';
import { fakeStream, publicArgs, run, startServer, userStream } from './support.js';

test('dg:dpop:cli --dpop is a switch: parsed, documented in --help, and refusing a value', () => {
  const base = ['--issuer', 'https://as.example', '--client-id', 'c'];
  const parsed = parseArgs([...base, '--dpop'], {});
  assert.ok(parsed.kind === 'run' && parsed.options.dpop === true);
  const plain = parseArgs(base, {});
  assert.ok(plain.kind === 'run' && plain.options.dpop === undefined);
  assert.throws(() => parseArgs([...base, '--dpop=yes'], {}), UsageError);
  assert.match(USAGE, /\n {2}--dpop {16}Bind the token to a new DPoP key \(RFC 9449\)/);
});

test('dg:dpop:cli rfc9449:10:dpop-jkt --dpop signs in with a fresh key: dpop_jkt on the device request, a proof on every poll, the nonce demand retried, a DPoP-bound token', async (t) => {
  const srv = await startServer({ interval: 0.1, dpop: { nonce: 'required', required: true } });
  t.after(srv.close);
  const stderr = userStream(srv.server, 'approve', 150);
  const result = await run(publicArgs(srv.issuer, '--dpop', '--json'), { stderr });
  assert.equal(result.code, 0, result.stderr);
  const token = JSON.parse(result.stdout) as Record<string, string>;
  assert.equal(token['token_type'], 'dpop');
  const jkt = srv.server.dpop.boundTokens.get(token['access_token']!);
  const device = srv.server.requests.find((r) => r.endpoint === 'device');
  assert.equal(new URLSearchParams(device?.body).get('dpop_jkt'), jkt);
  const polls = srv.server.requests.filter((r) => r.endpoint === 'token');
  assert.ok(polls.every((r) => r.headers['dpop'] !== undefined));
  assert.equal(srv.server.dpop.nonceDemands, 1);
  assert.equal(decodeProof(polls.at(-1)!.headers['dpop']).claims['nonce'], srv.server.dpop.nonce);
  // Without --dpop this server refuses the poll: exit 6, the server's invalid_dpop_proof.
  const srv2 = await startServer({ interval: 0.1, dpop: { required: true } });
  t.after(srv2.close);
  const refused = await run(publicArgs(srv2.issuer), { stderr: userStream(srv2.server, 'approve') });
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(refused.stderr, /invalid_dpop_proof/);
});

test('dg:dpop:demo npm run demo -- --dpop shows a DPoP-bound login: the server demands a nonce, the token is bound', async () => {
  const stdout = fakeStream();
  const stderr = fakeStream();
  const code = await runDemo({ stdout, stderr, env: {} }, { interval: 0.1, approveAfterMs: 150, dpop: true });
  assert.equal(code, 0, stderr.text);
  assert.equal((JSON.parse(stdout.text) as Record<string, unknown>)['token_type'], 'dpop');
  assert.match(stderr.text, /\[demo\] DPoP: every token request carries a proof, and the server demands a nonce on the first poll\n/);
  assert.match(stderr.text, /\[demo\] DPoP: \d+ proofs accepted, 1 nonce demand\(s\), 1 token\(s\) bound to the key\n/);
});
