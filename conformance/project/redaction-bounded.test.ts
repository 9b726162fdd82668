// dg:security:redaction-bounded: redaction never throws, never passes a secret through, and no
// RegExp source grows with a long secret, such as a token a server puts in an error body (up to
// the 1 MiB body cap): a text long enough to hold such a secret is replaced whole. Timing is left
// to the row's notes; the tests assert the structure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseBodyError, initiateDeviceAuthorization } from '../../lib/index.js';
import { CLIENT_ID, CLIENT_SECRET, METADATA, configFor, json, scriptedFetch } from '../support/harness.js';
import { basicSpellings, device, leaks, pollError, rejection, spellings } from '../support/security-side.js';

const CLIENT_SECRETS = [...basicSpellings(CLIENT_ID, CLIENT_SECRET)];
/** The most characters the per-character pattern may reach here: it is built from the small sent secrets only. */
const MAX_PATTERN = 100_000;

/** A token of `length` characters whose head holds every kind of character an encoder treats apart. */
function token(length: number): string {
  return `tok €é😀+/ ~!'()*@=&%`.repeat(3) + 'a'.repeat(length - 63);
}

/** Runs `work` with a global RegExp whose constructor first hands its source to `seen`. */
async function withRegExp<T>(seen: (source: string) => void, work: () => Promise<T>, search?: () => never): Promise<T> {
  const Original = RegExp;
  class Watched extends Original {
    constructor(pattern: string | RegExp, flags?: string) {
      seen(String(pattern));
      super(pattern, flags);
    }
    override [Symbol.search](text: string): number {
      return search === undefined ? super[Symbol.search](text) : search();
    }
  }
  globalThis.RegExp = Watched as unknown as RegExpConstructor;
  try {
    return await work();
  } finally {
    globalThis.RegExp = Original;
  }
}

/** The error of a poll and of a device authorization request both answered with `body` as a 400. */
async function bothErrors(body: (deviceCode: string) => unknown): Promise<Array<[string, unknown, string[]]>> {
  const code = device();
  const poll = await pollError(configFor(scriptedFetch(() => json(body(code.device_code), 400)), METADATA, 'post'), code);
  const initiate = await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(() => json(body(''), 400)), METADATA, 'post')));
  return [
    ['poll', poll, [...CLIENT_SECRETS, ...spellings(code.device_code)]],
    ['initiate', initiate, CLIENT_SECRETS],
  ];
}

test('dg:security:redaction-bounded dg:security:secret-redaction a 60,000-character and a 1 MiB token in a 400 error body end in the typed OAuth error, holding neither the token, the client_secret nor the device_code', async () => {
  for (const [length, member] of [[60_000, 'id_token'], [60_000, 'access_token'], [2 ** 20 - 2048, 'id_token'], [2 ** 20 - 2048, 'access_token']] as const) {
    const secret = token(length);
    const sources: number[] = [];
    // The description echoes the secrets the client sent, raw, so each must be redacted too.
    const body = (deviceCode: string): unknown => ({ error: 'access_denied', error_description: `no: ${CLIENT_SECRET} ${deviceCode}`, [member]: secret });
    const errors = await withRegExp((source) => sources.push(source.length), () => bothErrors(body));
    for (const [where, error, sent] of errors) {
      const what = `${where}, ${member} of ${length}`;
      assert.ok(error instanceof ResponseBodyError, `${what}: ${String(error).slice(0, 200)}`);
      assert.equal(error.code, 'OAUTH_RESPONSE_BODY_ERROR', what);
      assert.equal(error.error, 'access_denied', what);
      assert.equal(error.status, 400, what);
      assert.match(error.error_description ?? '', /^no: \[REDACTED\] /, what);
      assert.equal((error.cause as Record<string, unknown>)[member], '[REDACTED]', what);
      assert.deepEqual(leaks(error, [...sent, secret, secret.slice(0, 64)]), [], what);
    }
    // A public client sends no secret: the token is the only one, and no pattern is built at all.
    const publicError = await withRegExp(
      (source) => sources.push(source.length),
      () => rejection(initiateDeviceAuthorization(configFor(scriptedFetch(() => json({ error: 'access_denied', [member]: secret }, 400)), METADATA, 'none'))),
    );
    assert.ok(publicError instanceof ResponseBodyError && publicError.error === 'access_denied', String(publicError).slice(0, 200));
    assert.deepEqual(leaks(publicError, [secret, secret.slice(0, 64)]), []);
    // The pattern is built from the sent secrets alone: none grows with the token.
    assert.ok(sources.length > 0 && Math.max(...sources) < MAX_PATTERN, `${member} of ${length}: RegExp sources up to ${Math.max(...sources)} characters`);
  }
});

test('dg:security:redaction-bounded dg:security:encoded-secret-redaction a text long enough to hold a long token, in any spelling (encodeURIComponent, form, escape(), mixed), is replaced whole; shorter texts of the same body stay readable', async () => {
  const secret = token(60_000);
  const form = new URLSearchParams({ t: secret }).toString().slice(2);
  const uri = encodeURIComponent(secret);
  // A spelling that mixes encodings inside the secret: the first half percent-encoded, the rest raw.
  const mixed = encodeURIComponent(secret.slice(0, 30_000)) + secret.slice(30_000);
  const echoes = [secret, uri, uri.toLowerCase(), uri.replace(/%20/g, '+'), form, escape(secret), mixed];
  for (const echo of echoes) {
    const sources: number[] = [];
    const body = (): unknown => ({ error: 'access_denied', error_description: 'see error_uri', error_uri: `https://as.example.test/?t=${echo}`, refresh_token: secret });
    const errors = await withRegExp((source) => sources.push(source.length), () => bothErrors(body));
    for (const [where, error, sent] of errors) {
      assert.ok(error instanceof ResponseBodyError, `${where}: ${String(error).slice(0, 200)}`);
      assert.equal(error.error, 'access_denied', where);
      assert.equal(error.error_description, 'see error_uri', `${where}: a text shorter than the token is left as it is`);
      assert.equal(error.error_uri, '[REDACTED]', `${where} ${echo.slice(0, 40)}`);
      assert.deepEqual(leaks(error, [...sent, secret, echo, echo.slice(0, 64), secret.slice(-64)]), [], where);
    }
    assert.ok(Math.max(...sources) < MAX_PATTERN, `RegExp sources up to ${Math.max(...sources)} characters`);
  }
});

test('dg:security:redaction-bounded a redaction that cannot be built or fails while running replaces the text whole, and the error stays the typed OAuth error', async () => {
  const body = (deviceCode: string): unknown => ({ error: 'access_denied', error_description: `no: ${CLIENT_SECRET} ${deviceCode}`, error_uri: 'https://as.example.test/e' });
  // A constructor that throws as V8 does on a pattern too big for its stack, quoting the pattern.
  const unbuildable = (source: string): void => {
    throw new SyntaxError(`Invalid regular expression: /${source}/: Stack overflow`);
  };
  const failing = (): never => {
    throw new RangeError('Maximum call stack size exceeded');
  };
  for (const [how, errors] of [
    ['build', await withRegExp(unbuildable, () => bothErrors(body))],
    ['run', await withRegExp(() => undefined, () => bothErrors(body), failing)],
  ] as const) {
    for (const [where, error, sent] of errors) {
      const what = `${how}, ${where}`;
      assert.ok(error instanceof ResponseBodyError, `${what}: ${String(error).slice(0, 200)}`);
      assert.equal(error.error, 'access_denied', what);
      assert.equal(error.error_description, '[REDACTED]', what);
      assert.equal(error.error_uri, '[REDACTED]', what);
      assert.deepEqual(leaks(error, sent), [], what);
    }
  }
});

test('dg:security:redaction-bounded a repetitive secret (a device_code or error-body token a server picked) never enters the pattern, so repetitive text cannot make the scan quadratic; a text long enough to hold it is replaced whole', async () => {
  const { redactor } = await import('../../lib/oauth/redact.js');
  for (const repetitive of ['a'.repeat(3900), 'ab'.repeat(1950), 'a'.repeat(40)]) {
    const sources: string[] = [];
    const clean = await withRegExp((source) => sources.push(source), async () => redactor([CLIENT_SECRET, 'device-code-abc', repetitive]));
    // Only the two random secrets are spelled out: nothing of the repetitive one is in any pattern.
    assert.ok(sources.length > 0 && sources.every((source) => !source.includes('(?:a|%61)(?:a|%61)') && !source.includes('(?:b|%62)(?:a|%61)')), `${repetitive.length}: ${sources.map((x) => x.length).join(', ')}`);
    const shorter = repetitive.slice(0, -1);
    assert.equal(clean(shorter), shorter, 'a text too short to hold it is scanned for the other secrets only, and kept');
    assert.equal(clean(`${repetitive}`), '[REDACTED]');
    assert.equal(clean(`x ${encodeURIComponent(repetitive)} y`), '[REDACTED]');
    assert.equal(clean(`see ${CLIENT_SECRET}`), 'see [REDACTED]');
  }
  // A random secret of any length up to the budget is still spelled out character by character.
  const random = 'k9Q-x_2pLm.Zr7~vB4tY';
  const sources: string[] = [];
  const clean = await withRegExp((source) => sources.push(source), async () => redactor([random]));
  assert.ok(sources.some((source) => source.includes('(?:k|%6[bB])')), sources.join(' '));
  assert.equal(clean(`a ${[...random].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')} b`), 'a [REDACTED] b');
});
