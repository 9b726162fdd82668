// The parts of device-grant/sans-io one by one: the device authorization reader, the optional
// checks the token classifier takes as functions, and a saved state brought within bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ResponseBodyError,
  classifyTokenAnswer,
  parsePollingState,
  readDeviceAuthorizationAnswer,
  step,
  type HttpResponse,
  type PollingState,
} from '../../lib/sans-io.js';
import { WWWAuthenticateChallengeError, validateDeviceAuthorizationResponse } from '../../lib/index.js';
import { challengeError } from '../../lib/index.js';

const S = 1000;
const T0 = 1_700_000_000_000;
const JSON_TYPE = { 'content-type': 'application/json' };

function answer(body: unknown, status = 200, headers: Record<string, string> = JSON_TYPE): HttpResponse {
  return { response: new Response(null, { status, headers }), text: typeof body === 'string' ? body : JSON.stringify(body), receivedAt: T0 };
}

const DEVICE = { device_code: 'dc-secret', user_code: 'WDJB-MJHT', verification_uri: 'https://as.example.test/device' };
const code = (expected: string) => (e: unknown) => e instanceof ClientError && e.code === expected;

test('rfc8628:3.2:required-members dg:tolerance:numeric-strings dg:sansio:entry readDeviceAuthorizationAnswer checks the required members and reads numeric strings as numbers', () => {
  const read = readDeviceAuthorizationAnswer(answer({ ...DEVICE, expires_in: '600', interval: '0', extra: 1 }), []);
  assert.equal(read.expires_in, 600);
  assert.equal(read.interval, 0);
  assert.equal(read['extra'], 1);
  assert.equal(readDeviceAuthorizationAnswer(answer({ ...DEVICE, expires_in: 600 }), []).interval, undefined);
  for (const broken of [{ device_code: '' }, { user_code: 7 }, { verification_uri: undefined }, { verification_uri_complete: 1 }, { expires_in: undefined }, { expires_in: 0 }, { interval: '5s' }]) {
    assert.throws(() => readDeviceAuthorizationAnswer(answer({ ...DEVICE, expires_in: 600, ...broken }), []), code('OAUTH_INVALID_RESPONSE'), JSON.stringify(broken));
  }
  // The verification URI checks are the main entry's, applied to the result as it is.
  const http = readDeviceAuthorizationAnswer(answer({ ...DEVICE, verification_uri: 'http://as.example.test/device', expires_in: 600 }), []);
  assert.throws(() => validateDeviceAuthorizationResponse(http, false), code('OAUTH_INSECURE_VERIFICATION_URI'));
});

test('rfc8628:3.2:error-response rfc8628:3.2:json-200 dg:tolerance:error-in-200 dg:sansio:entry readDeviceAuthorizationAnswer throws the typed error, secrets redacted, for an error answer', () => {
  assert.throws(
    () => readDeviceAuthorizationAnswer(answer({ error: 'invalid_client', error_description: 'bad s3cret' }, 400), ['s3cret']),
    (e: unknown) => e instanceof ResponseBodyError && e.error === 'invalid_client' && e.error_description === 'bad [REDACTED]',
  );
  assert.throws(() => readDeviceAuthorizationAnswer(answer('<html>', 503, {}), []), code('OAUTH_RESPONSE_IS_NOT_CONFORM'));
  assert.throws(() => readDeviceAuthorizationAnswer(answer({ ...DEVICE, expires_in: 600 }, 200, { 'content-type': 'text/plain' }), []), code('OAUTH_RESPONSE_IS_NOT_JSON'));
  assert.throws(() => readDeviceAuthorizationAnswer(answer({ error: 'access_denied' }), []), (e: unknown) => e instanceof ResponseBodyError && e.error === 'access_denied');
  assert.throws(() => readDeviceAuthorizationAnswer(answer({ ...DEVICE, expires_in: 600, error: 5 }), []), code('OAUTH_INVALID_RESPONSE'));
});

test('dg:sansio:entry dg:polling:done-carries-result classifyTokenAnswer runs the ID token check it is given, and only that one; the token type is always checked', () => {
  const token = { access_token: 'at', token_type: 'Bearer', id_token: 'not.a.jwt' };
  const unchecked = classifyTokenAnswer(answer(token), []);
  assert.equal(unchecked.kind === 'token' && unchecked.claims, undefined);
  const claims = { iss: 'i', sub: 's', aud: 'a', exp: 2, iat: 1 };
  const checked = classifyTokenAnswer(answer(token), [], { idToken: (t) => (t.id_token === 'not.a.jwt' ? claims : undefined) });
  assert.deepEqual(checked.kind === 'token' && checked.claims, claims);
  const refused = classifyTokenAnswer(answer(token), [], {
    idToken: () => {
      throw new ClientError('bad ID token', { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
    },
  });
  assert.equal(refused.kind === 'terminal' && (refused.error as ClientError).code, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  const mac = classifyTokenAnswer(answer({ access_token: 'at', token_type: 'mac' }), []);
  assert.equal(mac.kind === 'terminal' && (mac.error as ClientError).code, 'OAUTH_UNSUPPORTED_TOKEN_TYPE');
});

test('dg:profiles:without dg:sansio:entry classifyTokenAnswer adds a provider hint to an unexpected status only when given the hint function', () => {
  const github = answer({ message: 'Not Found' }, 404);
  const plain = classifyTokenAnswer(github, []);
  assert.equal(plain.kind === 'terminal' && plain.error.message, 'unexpected HTTP response status code 404');
  const hinted = classifyTokenAnswer(github, [], { hint: () => '; use the github profile' });
  assert.equal(hinted.kind === 'terminal' && hinted.error.message, 'unexpected HTTP response status code 404; use the github profile');
});

test('dg:compat:www-authenticate dg:sansio:entry a 401 challenge is a WWWAuthenticateChallengeError when the challenge parser is passed in, and a plain typed error without it', () => {
  const challenged = answer('', 401, { 'www-authenticate': 'Basic realm="as", error="invalid_client"' });
  const plain = classifyTokenAnswer(challenged, []);
  assert.equal(plain.kind, 'terminal');
  assert.equal(plain.kind === 'terminal' && (plain.error as ClientError).code, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  const parsed = classifyTokenAnswer(challenged, [], { challenge: challengeError });
  assert.ok(parsed.kind === 'terminal' && parsed.error instanceof WWWAuthenticateChallengeError && parsed.error.error === 'invalid_client');
  // With an OAuth error body, the answer is that error either way; an unparseable header is no challenge.
  const withBody = answer({ error: 'invalid_client' }, 401, { 'www-authenticate': '=' });
  const body = classifyTokenAnswer(withBody, [], { challenge: challengeError });
  assert.ok(body.kind === 'terminal' && body.error instanceof ResponseBodyError && body.error.error === 'invalid_client');
  assert.throws(() => readDeviceAuthorizationAnswer(challenged, [], { challenge: challengeError }), WWWAuthenticateChallengeError);
});

const saved: PollingState = { v: 1, phase: 'waiting', device_code: 'dc', interval: 5, deadline: T0 + 600 * S, wakeAt: T0 + 5 * S, failures: 0, polls: 0, backoffCap: 60 };

test('dg:polling:interval-floor dg:polling:expires-in-cap parsePollingState brings a saved state within the 1 s floor and the 24 h cap, so a plain loop over it never polls faster', () => {
  // A saved interval of 1 ms is raised to 1 s, and the planned wake-up moves later by the difference.
  const fast = parsePollingState({ ...saved, interval: 0.001 });
  assert.equal(fast.interval, 1);
  assert.equal(fast.wakeAt, T0 + 5 * S + 999);
  // A loop stepping the parsed state polls at most once a second.
  let current = step(fast, { type: 'start', now: T0 });
  const polls: number[] = [];
  for (let now = T0; now < T0 + 20 * S; now = current.command.type === 'sleep' ? current.command.until : now) {
    if (current.command.type === 'request') {
      polls.push(now);
      current = step(current.state, { type: 'response', now, outcome: { kind: 'pending' } });
    } else current = step(current.state, { type: 'timer', now: current.command.type === 'sleep' ? current.command.until : now });
  }
  for (let i = 1; i < polls.length; i++) assert.ok(polls[i]! - polls[i - 1]! >= S, `poll ${i} came ${polls[i]! - polls[i - 1]!} ms after the previous one`);
  // A deadline 30 years away is cut to 24 h after the planned wake-up.
  assert.equal(parsePollingState({ ...saved, deadline: T0 + 1e12 }).deadline, T0 + 5 * S + 86_400 * S);
  // A state within bounds comes back as itself; a lower floor may be given (tests), never a bad one.
  assert.equal(parsePollingState(saved), saved);
  assert.equal(parsePollingState({ ...saved, interval: 0.05 }, 0.01).interval, 0.05);
  for (const floor of [0, -1, Number.NaN]) assert.throws(() => parsePollingState(saved, floor), (e: unknown) => e instanceof TypeError);
});
