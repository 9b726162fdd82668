// The project's demo (npm run demo), in-process with short timings: the scripted user approves,
// and --manual waits for a person, played here by a test that reads the screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runDemo } from '../demo/run.js';
import { fakeStream, shownUserCode } from './support.js';

test('dg:demo:main-job npm run demo builds, then runs the CLI against the demo server while a scripted user approves through the form', async () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  assert.match(manifest.scripts['demo'] ?? '', /^npm run build\b.*&& node dist\/conformance\/demo\/run\.js$/);
  const stdout = fakeStream();
  const stderr = fakeStream();
  const code = await runDemo({ stdout, stderr, env: {}, minInterval: 0.01 }, { interval: 0.1, approveAfterMs: 200 });
  assert.equal(code, 0, stderr.text);
  assert.equal(typeof (JSON.parse(stdout.text) as Record<string, unknown>)['access_token'], 'string');
  assert.match(stderr.text, /\[demo\] the user opened http:\/\/127\.0\.0\.1:\d+\/device, typed [A-Z]{4}-[A-Z]{4} and pressed Approve \(HTTP 200\)\n/);
  assert.match(stderr.text, /Approved: signed in\.\n$/);
});

test('dg:demo:manual npm run demo -- --manual shows the page, the code and a QR code, and waits for a person (who denies here)', async () => {
  const stdout = fakeStream();
  let decided = false;
  const stderr = fakeStream(false, (text) => {
    const code = shownUserCode(text);
    const page = /open (http:\/\/\S+\/device) in a browser/.exec(text)?.[1];
    if (decided || code === undefined || page === undefined) return;
    decided = true;
    void fetch(page, { method: 'POST', body: new URLSearchParams({ user_code: code, action: 'deny' }) });
  });
  const code = await runDemo({ stdout, stderr, env: {}, minInterval: 0.01 }, { manual: true, interval: 0.1 });
  assert.equal(code, 3, stderr.text);
  assert.match(stderr.text, /[▀▄█]/);
  // --json: the failure is one JSON object on stdout (dg:cli:json-failure).
  assert.equal((JSON.parse(stdout.text) as { error: string }).error, 'access_denied');
});
