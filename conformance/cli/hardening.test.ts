// The CLI side of the hardening findings: what a hostile server can make the terminal show, and
// what scripts get on stdout. A scripted server behind io.fetch, on a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomFetch } from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { run } from './support.js';

const ISSUER = 'https://as.example.test';
const SECRET = 'se: cret+ /%&=£€';

/** A scripted authorization server: metadata, a device response (with `device` merged in), then `token` for every poll. */
function server(token: (body: URLSearchParams) => Response, device: Record<string, unknown> = {}): CustomFetch {
  return async (url, init) => {
    if (url.includes('/.well-known/')) return Response.json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/da` });
    if (url.endsWith('/da')) {
      return Response.json({ device_code: 'dc+&%=/ 1', user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/device`, expires_in: 60, interval: 1, ...device });
    }
    return token(new URLSearchParams(init.body ?? ''));
  };
}

async function cli(fetch: CustomFetch, ...extra: string[]) {
  const clock = createFakeClock({ autoAdvance: true });
  // The library's own 1 s floor: these servers ask for 1 s, on a fake clock.
  return run(['--issuer', ISSUER, '--client-id', 'cli', ...extra], { fetch, now: clock.now, sleep: clock.sleep, minInterval: undefined });
}

const denied = (body: URLSearchParams, description = 'no'): Response => Response.json({ error: 'access_denied', error_description: description, echo: body.get('device_code') }, { status: 400 });

test('dg:security:encoded-secret-redaction the CLI\'s stderr never shows the client_secret or device_code, whatever spelling the server echoes', async () => {
  for (const spell of [encodeURIComponent, (s: string) => encodeURIComponent(s).toLowerCase(), escape]) {
    const result = await cli(server((b) => Response.json({ error: 'invalid_grant', error_description: `${spell(SECRET)} ${spell(b.get('device_code') ?? '')}` }, { status: 400 })), '--client-secret', SECRET);
    assert.equal(result.code, 6);
    for (const secret of [SECRET, 'dc+&%=/ 1']) assert.ok(!result.stderr.includes(spell(secret)) && !result.stderr.includes(secret), result.stderr);
    assert.match(result.stderr, /invalid_grant: \[REDACTED\] \[REDACTED\]/);
  }
});

test('dg:security:error-code-verbatim dg:cli:exit-codes access_denied stays access_denied (exit 3) when the client secret is a short string inside it', async () => {
  const result = await cli(server((b) => denied(b)), '--client-secret', 'den');
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /access_denied/);
});

test('dg:cli:strip-invisible dg:cli:display-caps zero-width, soft-hyphen and tag characters are stripped from what the server sends, and long text is capped', async () => {
  const fetch = server((b) => denied(b, `d${'x'.repeat(5000)}`), { user_code: 'WDJB\u200b-\u00ad\u2060MJHT\u{E0041}\u{E007F}\ufeff' });
  const result = await cli(fetch);
  assert.ok(result.stderr.includes('and enter the code:\n  WDJB-MJHT\n'), result.stderr);
  const line = result.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
  assert.ok(line.length < 700 && line.includes('…'), `${line.length}`);
  const long = await cli(server((b) => denied(b), { user_code: 'A'.repeat(500), verification_uri_complete: `${ISSUER}/device?c=${'x'.repeat(5000)}` }));
  assert.ok(long.stderr.includes(`  ${'A'.repeat(64)}…\n`), long.stderr.slice(0, 300));
  assert.ok(!long.stderr.includes('xxxxx'), 'a link over the cap is not offered');
});

test('dg:cli:empty-user-code a user_code made only of invisible characters is refused before anything is shown: exit 5', async () => {
  const result = await cli(server((b) => denied(b), { user_code: '\u200b\u00ad\u{E0020}' }));
  assert.equal(result.code, 5);
  assert.ok(!result.stderr.includes('enter the code'), result.stderr);
  assert.match(result.stderr, /OAUTH_INVALID_RESPONSE/);
});

test('rfc8628:5.4:remote-phishing-warning the instructions say to enter the code only if the user started the sign-in on this device', async () => {
  const result = await cli(server((b) => denied(b)));
  assert.match(result.stderr, /and enter the code:\n {2}WDJB-MJHT\nEnter it only if you started this sign-in yourself, on this device\. Never enter a code that someone sent you\.\n/);
});

test('rfc8628:5.4:complete-uri-same-origin a verification_uri_complete on another origin is neither shown nor drawn as a QR code, and a loud warning names its origin', async () => {
  const evil = await cli(server((b) => denied(b), { verification_uri_complete: 'https://evil.example/device?user_code=WDJB-MJHT' }), '--qr');
  assert.ok(!evil.stderr.includes('evil.example/device'), evil.stderr);
  assert.match(evil.stderr, /WARNING: .*another site \(https:\/\/evil\.example\)/);
  assert.ok(!/[▀▄█]/.test(evil.stderr));
  const same = await cli(server((b) => denied(b), { verification_uri_complete: `${ISSUER}/device?user_code=WDJB-MJHT` }), '--qr');
  assert.ok(same.stderr.includes(`${ISSUER}/device?user_code=WDJB-MJHT`) && /[▀▄█]/.test(same.stderr) && !same.stderr.includes('WARNING'));
});

test('dg:cli:json-escape --json writes C1 controls, bidi and invisible characters as \\u escapes, and the output parses back to the same value', async () => {
  const scope = 'openid \u0085\u202e\u2066\u200b\u{E0041}';
  const result = await cli(server(() => Response.json({ access_token: 'at', token_type: 'bearer', scope })), '--json');
  assert.equal(result.code, 0, result.stderr);
  assert.ok(!/[\u0080-\u009f\u202e\u2066\u200b]|\udb40/.test(result.stdout), JSON.stringify(result.stdout));
  assert.match(result.stdout, /\\u0085\\u202e\\u2066\\u200b\\udb40\\udc41/);
  assert.equal((JSON.parse(result.stdout) as { scope: string }).scope, scope);
});

test('dg:cli:json-failure --json prints one JSON object with error, error_description and exit_code on stdout when the flow fails', async () => {
  const deny = await cli(server((b) => denied(b, 'the user said no')), '--json');
  assert.deepEqual(JSON.parse(deny.stdout), { error: 'access_denied', error_description: 'the user said no', exit_code: 3 });
  const expired = await cli(server(() => Response.json({ error: 'authorization_pending' }, { status: 400 }), { expires_in: 3 }), '--json');
  assert.deepEqual(JSON.parse(expired.stdout), { error: 'expired_token', error_description: 'the device_code expired before the authorization completed', exit_code: 4 });
  const broken = await cli(async () => new Response('down', { status: 500 }), '--json');
  assert.equal((JSON.parse(broken.stdout) as { exit_code: number }).exit_code, broken.code);
  assert.equal(broken.stdout.split('\n').length, 2, 'one line');
  const controller = new AbortController();
  controller.abort();
  const clock = createFakeClock({ autoAdvance: true });
  const interrupted = await run(['--issuer', ISSUER, '--client-id', 'cli', '--json'], { fetch: server(denied), now: clock.now, sleep: clock.sleep, signal: controller.signal });
  assert.deepEqual(JSON.parse(interrupted.stdout), { error: 'interrupted', exit_code: 130 });
});

test('dg:cli:network-cause the error line names the network cause code (ENOTFOUND, a TLS error, ECONNREFUSED during polling)', async () => {
  const failing = (code: string): CustomFetch => async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code}`), { code }) });
  };
  for (const code of ['ENOTFOUND', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
    const result = await cli(failing(code));
    assert.equal(result.code, 5);
    assert.ok(result.stderr.includes(`(cause: ${code})`), result.stderr);
  }
  // While polling, network failures are retried until expiry; the expiry line still says why.
  const polling = server(() => {
    throw new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })]) });
  }, { expires_in: 5 });
  const result = await cli(polling);
  assert.equal(result.code, 4);
  assert.ok(result.stderr.includes('(cause: ECONNREFUSED)'), result.stderr);
});
