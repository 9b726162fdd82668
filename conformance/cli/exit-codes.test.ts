// Exit codes for configuration mistakes (2), outages and non-conforming servers (5), OAuth
// refusals (6) and the unexpected (1), end to end against the loopback server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOLERANCE_MS, publicArgs, run, startServer } from './support.js';

test('dg:cli:insecure dg:cli:exit-codes dg:cli:error-message an http issuer without --insecure exits 2 with a hint, before any request', async (t) => {
  const srv = await startServer();
  t.after(srv.close);
  const result = await run(['--issuer', srv.issuer, '--client-id', 'demo-public']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: Configuration error: .*\[OAUTH_HTTP_REQUEST_FORBIDDEN\] \(pass --insecure to allow plain http\)\n$/);
  assert.equal(srv.server.requests.length, 0);
});

test('dg:cli:exit-codes discovery and metadata problems are configuration errors: exit 2', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const cases: Array<[string, string[], () => void]> = [
    ['no metadata at that issuer (404)', publicArgs(`${srv.issuer}/nowhere`), () => {}],
    ['an OAuth error instead of metadata', publicArgs(srv.issuer), () => srv.server.injectFaults({ endpoint: 'discovery', fault: { kind: 'json', status: 400, body: { error: 'invalid_request' } } })],
    ['metadata that is not JSON', publicArgs(srv.issuer), () => srv.server.injectFaults({ endpoint: 'discovery', fault: { kind: 'html', status: 200 } })],
    ['a scope the library refuses', publicArgs(srv.issuer, '--scope', 'a"b'), () => {}],
    ['a resource with a fragment', publicArgs(srv.issuer, '--resource', 'https://api.example/#x'), () => {}],
  ];
  for (const [name, args, arrange] of cases) {
    arrange();
    const result = await run(args);
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, /^error: Configuration error: /m, name);
  }
});

test('dg:cli:exit-codes an issuer mismatch and a server without a device authorization endpoint exit 2', async (t) => {
  for (const overrides of [{ issuer: 'http://elsewhere.example' }, { device_authorization_endpoint: undefined }]) {
    const srv = await startServer({ metadataOverrides: overrides });
    t.after(srv.close);
    const result = await run(publicArgs(srv.issuer));
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /\[OAUTH_(JSON_ATTRIBUTE_COMPARISON_FAILED|MISSING_SERVER_METADATA)\]/);
  }
});

test('dg:cli:exit-codes dg:cli:error-message outages and non-conforming answers exit 5', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const faults = [
    { endpoint: 'discovery', fault: { kind: 'status', status: 500 } },
    { endpoint: 'device', fault: { kind: 'status', status: 503 } },
    { endpoint: 'device', fault: { kind: 'json', status: 500, body: { error: 'server_error' } } },
    { endpoint: 'device', fault: { kind: 'raw', status: 200, headers: { 'content-type': 'text/html' }, body: '<p>portal</p>' } },
    { endpoint: 'device', fault: { kind: 'json', status: 200, body: { device_code: 'x' } } },
  ] as const;
  for (const fault of faults) {
    srv.server.injectFaults(fault);
    const result = await run(publicArgs(srv.issuer));
    assert.equal(result.code, 5, `${JSON.stringify(fault)}: ${result.stderr}`);
    assert.match(result.stderr, /^error: The authorization server could not be reached or did not answer correctly: /m);
  }
});

test('dg:cli:exit-codes an unreachable server exits 5', async () => {
  const srv = await startServer();
  await srv.close();
  const result = await run(publicArgs(srv.issuer));
  assert.equal(result.code, 5);
  assert.match(result.stderr, /\[OAUTH_NETWORK_ERROR\] \(cause: ECONNREFUSED\)\n$/);
});

test('dg:cli:timeout dg:cli:exit-codes --timeout bounds each request: a server that never answers exits 5 after at least the timeout', async (t) => {
  const srv = await startServer();
  t.after(srv.close);
  srv.server.injectFaults({ endpoint: 'device', fault: { kind: 'hang' } });
  const result = await run(publicArgs(srv.issuer, '--timeout', '0.2'));
  assert.equal(result.code, 5);
  assert.match(result.stderr, /\[OAUTH_TIMEOUT\]\n$/);
  assert.ok(result.elapsed >= 200 - TOLERANCE_MS, `${result.elapsed} ms`);
});

test('dg:cli:exit-codes other OAuth errors from the server exit 6 (invalid_scope)', async (t) => {
  const srv = await startServer({ scopesSupported: ['openid'] });
  t.after(srv.close);
  const result = await run(publicArgs(srv.issuer, '--scope', 'admin'));
  assert.equal(result.code, 6);
  assert.match(result.stderr, /^error: The authorization server refused the request: invalid_scope/m);
});

test('dg:cli:exit-codes an unexpected failure exits 1, whatever was thrown', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  for (const [thrown, shown] of [[new Error('disk on fire'), 'disk on fire\n'], ['a bare string', 'a bare string\n']] as const) {
    const result = await run(publicArgs(srv.issuer), { sleep: () => Promise.reject(thrown) });
    assert.equal(result.code, 1);
    assert.ok(result.stderr.endsWith(`error: Unexpected error: ${shown}`), result.stderr);
  }
});
