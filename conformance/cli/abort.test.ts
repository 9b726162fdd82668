// Ctrl-C: main() takes an AbortSignal; aborting it ends discovery, the request in flight or the
// wait at once, and the exit code is 130.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeStream, publicArgs, run, startServer } from './support.js';

test('dg:cli:sigint-130 aborting the signal mid-wait exits 130 at once, not after the 5 s interval', async (t) => {
  const srv = await startServer({ interval: 5 });
  t.after(srv.close);
  const controller = new AbortController();
  let abortedAt = 0;
  const stderr = fakeStream(false, (text) => {
    if (abortedAt === 0 && text.includes('Waiting for approval')) {
      abortedAt = performance.now();
      setTimeout(() => controller.abort(new Error('interrupted')), 50);
    }
  });
  const result = await run(publicArgs(srv.issuer), { stderr, signal: controller.signal });
  const sinceAbort = performance.now() - abortedAt;
  assert.equal(result.code, 130);
  assert.match(result.stderr, /\nInterrupted\.\n$/);
  assert.equal(result.stdout, '');
  // Generous on purpose: the point is that nobody waited for the 5 s poll.
  assert.ok(sinceAbort < 2000, `${sinceAbort} ms`);
  assert.equal(srv.server.requests.filter((r) => r.endpoint === 'token').length, 0);
});

test('dg:cli:sigint-130 aborting during discovery (a server that never answers) exits 130', async (t) => {
  const srv = await startServer();
  t.after(srv.close);
  srv.server.injectFaults({ endpoint: 'discovery', fault: { kind: 'hang' } });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('interrupted')), 100);
  const result = await run(publicArgs(srv.issuer), { signal: controller.signal });
  assert.equal(result.code, 130);
  assert.equal(result.stderr, 'Interrupted.\n');
});

test('dg:cli:sigint-130 dg:cli:countdown on a terminal, an abort clears the status line before saying so', async (t) => {
  const srv = await startServer({ interval: 5 });
  t.after(srv.close);
  const controller = new AbortController();
  const stderr = fakeStream(true, (text) => {
    if (text.includes('Waiting for approval')) controller.abort();
  });
  const result = await run(publicArgs(srv.issuer, '--no-qr'), { stderr, signal: controller.signal });
  assert.equal(result.code, 130);
  assert.match(result.stderr, /\r\x1b\[2KWaiting for approval: [^\r\n]*\r\x1b\[2KInterrupted\.\n$/);
});
