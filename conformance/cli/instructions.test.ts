// Where the instructions send the user: "another device" as RFC 8628 §3.3 expects, but "this
// machine" when the page is on a loopback address (a local server, the demo), which a phone
// cannot open. The demo's own prompt says the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { runDemo } from '../demo/run.js';
import { fakeStream, netFetch, publicArgs, run, shownUserCode, startServer, userStream } from './support.js';

test('dg:cli:browser-place a verification_uri on a loopback address is to be opened on this machine', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const result = await run(publicArgs(srv.issuer), { stderr: userStream(srv.server, 'approve') });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^To sign in, use a browser on this machine to visit:\n {2}http:\/\/127\.0\.0\.1:\d+\/device\n/m);
  assert.ok(!result.stderr.includes('another device'));
});

test('dg:cli:browser-place any other verification_uri is to be opened on another device', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const elsewhere: CustomFetch = async (url, init) => {
    const response = await netFetch(url, init);
    if (!url.endsWith('/device_authorization')) return response;
    const body = (await response.json()) as Record<string, string>;
    return Response.json({ ...body, verification_uri: 'https://login.example.com/device' });
  };
  const result = await run(publicArgs(srv.issuer), { stderr: userStream(srv.server, 'approve'), fetch: elsewhere });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^To sign in, use a browser on another device to visit:\n {2}https:\/\/login\.example\.com\/device\n/m);
});

test('dg:cli:browser-place npm run demo -- --manual and the CLI agree: a browser on this machine, never another device', async () => {
  let decided = false;
  const stderr = fakeStream(false, (text) => {
    const code = shownUserCode(text);
    const page = /open (http:\/\/\S+\/device) in a browser on this machine/.exec(text)?.[1];
    if (decided || code === undefined || page === undefined) return;
    decided = true;
    void fetch(page, { method: 'POST', body: new URLSearchParams({ user_code: code, action: 'approve' }) });
  });
  const code = await runDemo({ stdout: fakeStream(), stderr, env: {} }, { manual: true, interval: 0.1 });
  assert.equal(code, 0, stderr.text);
  assert.match(stderr.text, /\[demo\] open http:\/\/127\.0\.0\.1:\d+\/device in a browser on this machine/);
  assert.match(stderr.text, /To sign in, use a browser on this machine to visit:/);
  assert.ok(!stderr.text.includes('another device'));
});
