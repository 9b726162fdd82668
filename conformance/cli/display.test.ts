// What the terminal shows (RFC 8628 §3.3, §3.3.1): the code and URI as text, the optional QR
// code, the live countdown, and server text stripped of control characters. Fake streams stand
// in for a terminal (isTTY: true) or a pipe; a fake clock drives the waits over real HTTP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { encodeQr, renderQrText } from '../../lib/qr.js';
import { createFakeClock } from '../support/fake-clock.js';
import { fakeStream, netFetch, publicArgs, run, startServer, userStream, type TestServer } from './support.js';

const BLOCKS = /[▀▄█]/;

/** The QR code the CLI should draw for `link`, plain or in black on white. */
function expectedQr(link: string, color: boolean): string {
  const lines = renderQrText(encodeQr(link, { ecl: 'L' }), { quietZone: 2 }).split('\n');
  return (color ? lines.map((line) => `\x1b[30;107m${line}\x1b[0m`) : lines).join('\n') + '\n';
}

/** One approved run on fake time: the user approves as soon as the code is shown. */
async function approvedRun(srv: TestServer, args: string[], isTTY: boolean, env: Record<string, string> = {}) {
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  return run(publicArgs(srv.issuer, ...args), { stderr: userStream(srv.server, 'approve', 0, isTTY), env, now: clock.now, sleep: clock.sleep });
}

const complete = (srv: TestServer): string => `${srv.issuer}/device?user_code=${[...srv.server.grants.values()].at(-1)?.userCode}`;

test('rfc8628:3.3.1:qr-optional dg:cli:qr-tty dg:cli:countdown on a terminal: a black-on-white QR code of verification_uri_complete, and one status line redrawn with \\r every second', async (t) => {
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const srv = await startServer({ interval: 3, expiresIn: 120, now: clock.now });
  t.after(srv.close);
  const started = clock.now();
  let approved = false;
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await clock.sleep(ms, signal);
    if (!approved && clock.now() - started >= 4000) approved = srv.server.approve([...srv.server.grants.values()][0]?.userCode ?? '');
  };
  const stderr = fakeStream(true);
  const result = await run(publicArgs(srv.issuer), { stderr, now: clock.now, sleep });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stderr.includes(expectedQr(complete(srv), true)));
  const status = result.stderr.slice(result.stderr.indexOf('\r'));
  const lines = [
    '2:00 left, interval 3 s', // onPoll, before the first wait
    '1:59 left, interval 3 s', // redrawn each second of the wait
    '1:58 left, interval 3 s',
    '1:57 left, interval 3 s',
    '1:57 left, interval 3 s, polls: 1 (last: pending)', // onPoll after the first answer
    '1:56 left, interval 3 s, polls: 1 (last: pending)',
    '1:55 left, interval 3 s, polls: 1 (last: pending)',
    '1:54 left, interval 3 s, polls: 1 (last: pending)',
  ];
  assert.equal(status, lines.map((line) => `\r\x1b[2KWaiting for approval: ${line}`).join('') + '\r\x1b[2KApproved: signed in.\n');
});

test('rfc8628:3.3.1:qr-optional dg:cli:qr-tty NO_COLOR draws the QR code without escape sequences', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const result = await approvedRun(srv, [], true, { NO_COLOR: '1' });
  assert.equal(result.code, 0);
  assert.ok(result.stderr.includes('\n\n' + expectedQr(complete(srv), false)));
  assert.ok(!result.stderr.includes('\x1b[30;107m'));
});

test('rfc8628:3.3.1:display-user-code rfc8628:3.3.1:display-uri-text dg:cli:qr-tty --no-qr on a terminal: no QR code, the code and the URI still as text', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  for (const args of [['--no-qr'], ['--qr', '--no-qr']]) {
    const result = await approvedRun(srv, args, true);
    assert.equal(result.code, 0);
    assert.doesNotMatch(result.stderr, BLOCKS);
    assert.match(result.stderr, /visit:\n {2}http:\/\/127\.0\.0\.1:\d+\/device\nand enter the code:\n {2}[A-Z]{4}-[A-Z]{4}\n/);
  }
});

test('dg:cli:qr-tty dg:cli:countdown off a terminal: no QR code by default, and plain lines only when the state changes, never a \\r', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  let sleeps = 0;
  const sleep = async (ms: number): Promise<void> => {
    await clock.sleep(ms);
    if (++sleeps === 3) srv.server.approve([...srv.server.grants.values()][0]?.userCode ?? '');
  };
  const result = await run(publicArgs(srv.issuer), { now: clock.now, sleep });
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stderr, BLOCKS);
  assert.ok(!result.stderr.includes('\r') && !result.stderr.includes('\x1b'));
  assert.deepEqual(result.stderr.split('\n').filter((line) => line.startsWith('Waiting')), [
    'Waiting for approval: 10:00 left, interval 0.1 s',
    'Waiting for approval: 10:00 left, interval 0.1 s, polls: 1 (last: pending)', // poll 2, pending again, prints nothing
  ]);
});

test('rfc8628:3.3.1:qr-optional dg:cli:qr-tty --qr off a terminal draws a plain QR code; without verification_uri_complete there is none', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  for (const args of [['--qr'], ['--no-qr', '--qr']]) {
    const result = await approvedRun(srv, args, false);
    assert.equal(result.code, 0);
    assert.ok(result.stderr.includes(`fills in the code for you:\n  ${complete(srv)}\n\n${expectedQr(complete(srv), false)}`));
  }
  const bare = await startServer({ interval: 0.1, verificationUriComplete: false });
  t.after(bare.close);
  const result = await approvedRun(bare, ['--qr'], true);
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stderr, BLOCKS);
  assert.ok(!result.stderr.includes('fills in the code'));
  assert.match(result.stderr, /and enter the code:\n {2}[A-Z]{4}-[A-Z]{4}\n/);
});

test('dg:cli:qr-tty a link too long for any QR code is reported in one line instead', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const longLink: CustomFetch = async (url, init) => {
    const response = await netFetch(url, init);
    if (!url.endsWith('/device_authorization')) return response;
    const body = (await response.json()) as Record<string, string>;
    return Response.json({ ...body, verification_uri_complete: `${body['verification_uri_complete']}&pad=${'x'.repeat(3000)}` });
  };
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const stderr = userStream(srv.server, 'approve', 0, true);
  const result = await run(publicArgs(srv.issuer), { stderr, fetch: longLink, now: clock.now, sleep: clock.sleep });
  assert.equal(result.code, 0);
  assert.match(result.stderr, /x{3000}\n\n\(the link is too long for a QR code\)\n/);
});

test('dg:cli:strip-controls dg:security:control-chars escape sequences, C0/C1 controls and bidi overrides from the server are removed before printing', async (t) => {
  const evil = '\x1b[31m\u202e\u0007\u009b2J\u2066';
  const srv = await startServer({ interval: 0.1, userCodeFactory: () => `WDJB${evil}-MJHT` });
  t.after(srv.close);
  const rewrite: CustomFetch = async (url, init) => {
    const response = await netFetch(url, init);
    if (!url.endsWith('/device_authorization')) return response;
    const body = (await response.json()) as Record<string, string>;
    return Response.json({
      ...body,
      verification_uri: `${body['verification_uri']}${evil}`,
      verification_uri_complete: `${srv.issuer}/device?user_code=WDJB-MJHT${evil}\x1b]0;pwned\x07`,
    });
  };
  srv.server.injectFaults({ kind: 'json', status: 400, body: { error: `invalid${evil}_grant`, error_description: `no${evil} way\r\n\x7f\x85` } });
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const stderr = fakeStream(true);
  const result = await run(publicArgs(srv.issuer, '--json'), { stderr, fetch: rewrite, now: clock.now, sleep: clock.sleep });
  assert.equal(result.code, 6);
  assert.ok(result.stderr.includes(`visit:\n  ${srv.issuer}/device\nand enter the code:\n  WDJB-MJHT\n`), result.stderr);
  assert.ok(result.stderr.includes(`for you:\n  ${srv.issuer}/device?user_code=WDJB-MJHT\n`));
  assert.ok(result.stderr.includes(expectedQr(`${srv.issuer}/device?user_code=WDJB-MJHT`, true)));
  assert.ok(result.stderr.endsWith('error: The authorization server refused the request: invalid_grant: no way\n'), JSON.stringify(result.stderr));
  // Nothing the server sent survives: the only escapes left are the CLI's own (QR colours, redraws).
  const own = result.stderr.replaceAll('\x1b[30;107m', '').replaceAll('\x1b[0m', '').replaceAll('\r\x1b[2K', '');
  assert.doesNotMatch(own, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
});

test('dg:cli:strip-controls token_type and scope in the summary are stripped too', async (t) => {
  const srv = await startServer({ interval: 0.1 });
  t.after(srv.close);
  const token: CustomFetch = async (url, init) =>
    url.endsWith('/token') ? Response.json({ access_token: 'a'.repeat(40), token_type: 'Bearer', scope: 'read\x1b[8m \u202ewrite' }) : netFetch(url, init);
  const clock = createFakeClock({ start: Date.now(), autoAdvance: true });
  const result = await run(publicArgs(srv.issuer), { fetch: token, now: clock.now, sleep: clock.sleep });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\nscope: {9}read write\n/);
});
