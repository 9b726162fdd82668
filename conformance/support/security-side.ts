// Helpers for the security tests: hand-made device responses, a poll that must fail, the
// spellings in which a secret can travel, and a check that none of them appears anywhere a caller
// could see an error (message, toString, JSON, stack, the OAuth members, the cause chain,
// util.inspect).
import { inspect } from 'node:util';
import assert from 'node:assert/strict';
import { ClientError, formEncode, type Configuration, type DeviceAuthorizationResponse } from '../../lib/index.js';
import { createFakeClock } from './fake-clock.js';
import { DEVICE_CODE_PREFIX, ISSUER } from './harness.js';
import { runPoll } from './polling-side.js';

let flows = 0;
/** A device authorization response made by hand, with a new device_code each time. */
export function device(extra: Partial<DeviceAuthorizationResponse> = {}): DeviceAuthorizationResponse {
  return { device_code: `${DEVICE_CODE_PREFIX}${++flows}`, user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/device`, expires_in: 30, interval: 1, ...extra };
}

/** Polls on a fake, auto-advancing clock and returns the rejection (fails when the poll succeeds). */
export async function pollError(config: Configuration, response: DeviceAuthorizationResponse): Promise<unknown> {
  const { token, error } = await runPoll(config, response, { clock: createFakeClock({ autoAdvance: true }) });
  if (token !== undefined) assert.fail('expected a rejection');
  return error;
}

/**
 * Every spelling of `secret` that a server could echo back: raw, form-encoded (space as +, as the
 * client sends it) and percent-encoded (space as %20, as encodeURIComponent writes it).
 */
export function spellings(secret: string): string[] {
  return [...new Set([secret, formEncode(secret), formEncode(secret).replace(/\+/g, '%20')])];
}

/** The Basic credentials a client sends for id/secret (RFC 6749 §2.3.1), and their parts. */
export function basicSpellings(clientId: string, secret: string): string[] {
  const decoded = `${formEncode(clientId)}:${formEncode(secret)}`;
  const base64 = btoa(decoded);
  return [base64, `Basic ${base64}`, decoded, ...spellings(secret)];
}

/** The places of one error (and its causes) where a caller could read text. */
export function visibleTexts(error: unknown, depth = 0): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  if (depth > 5) return texts;
  if (error instanceof Response) return texts; // the raw response, kept as openid-client does
  if (error instanceof Error) {
    const e = error as Error & Record<string, unknown>;
    texts.push(['message', e.message], ['String()', String(e)], ['stack', e.stack ?? ''], ['JSON.stringify', JSON.stringify(e) ?? '']);
    for (const key of ['error', 'error_description', 'error_uri', 'code']) {
      if (typeof e[key] === 'string') texts.push([key, e[key]]);
    }
    texts.push(['inspect', inspect(e, { depth: 8 })]);
    if (e.cause !== undefined) {
      for (const [where, text] of visibleTexts(e.cause, depth + 1)) texts.push([`cause.${where}`, text]);
    }
    return texts;
  }
  if (error === undefined) return texts;
  let json: string | undefined;
  try {
    json = JSON.stringify(error);
  } catch {
    json = undefined;
  }
  if (json !== undefined) texts.push(['JSON.stringify', json]);
  texts.push(['inspect', inspect(error, { depth: 8 })]);
  return texts;
}

/** Every visible text of `error` (see {@link visibleTexts}) in one string, to search for a secret. */
export function errorText(error: unknown): string {
  return visibleTexts(error)
    .map(([, text]) => text)
    .join('\n');
}

/** `where: spelling` for every secret spelling found in a visible text of `error`. */
export function leaks(error: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of visibleTexts(error)) {
    for (const secret of secrets) {
      if (secret !== '' && text.includes(secret)) found.push(`${where}: ${JSON.stringify(secret)}`);
    }
  }
  return found;
}

/** The rejection reason of a promise that must reject. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

/** Asserts a ClientError with the given code. */
export function assertCode(error: unknown, code: string, what = ''): asserts error is ClientError {
  assert.ok(error instanceof ClientError, `${what}: ${String(error)}`);
  assert.equal(error.code, code, what);
}
