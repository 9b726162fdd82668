// The sans-I/O entry (device-grant/sans-io) driven from the plain loop of sans-io-loop.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateIdToken } from '../../lib/index.js';
import { ClientError, ClientSecretBasic, ResponseBodyError, deviceTokenRequest, formRequest, type AuthenticatedForm, type ClientAuth, type TokenAnswerOptions } from '../../lib/sans-io.js';
import { goodClaims, jwt } from '../support/polling-side.js';
import { runDeviceFlow, type Answer, type Runtime } from './sans-io-loop.js';

const ISSUER = 'https://as.example.test';
const SERVER = { issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device_authorization` };
const CLIENT = { client_id: 'sans io+client', client_secret: 's3cret:+' };
const JSON_TYPE = { 'content-type': 'application/json' };
const T0 = 1_700_000_000_000;

/** A scripted server behind a blocking transport, and a clock that only the loop moves. */
function scripted(tokenAnswers: Answer[]): Runtime & { posts: Array<{ url: string; at: number; form: AuthenticatedForm }>; clock: number } {
  const runtime = {
    clock: T0,
    posts: [] as Array<{ url: string; at: number; form: AuthenticatedForm }>,
    post(url: string, form: AuthenticatedForm): Answer {
      runtime.posts.push({ url, at: runtime.clock, form });
      if (url === SERVER.device_authorization_endpoint) {
        const body = { device_code: 'dc-secret', user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 5 };
        return { status: 200, headers: JSON_TYPE, text: JSON.stringify(body) };
      }
      const answer = tokenAnswers.shift();
      if (answer === undefined) throw new Error('no more scripted answers');
      return answer;
    },
    now: (): number => runtime.clock,
    sleepUntil(time: number): void {
      assert.ok(time >= runtime.clock, 'never asked to sleep into the past');
      runtime.clock = time;
    },
  };
  return runtime;
}

const error = (code: string, status = 400): Answer => ({ status, headers: JSON_TYPE, text: JSON.stringify({ error: code }) });

/** Runs `fn` with fetch, the timers and Date.now replaced by functions that throw. */
function withoutIo<T>(fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = { fetch: g['fetch'], setTimeout: g['setTimeout'], setInterval: g['setInterval'], now: Date.now };
  const forbidden = (name: string) => (): never => {
    throw new Error(`sans-io called ${name}`);
  };
  g['fetch'] = forbidden('fetch');
  g['setTimeout'] = forbidden('setTimeout');
  g['setInterval'] = forbidden('setInterval');
  Date.now = forbidden('Date.now');
  try {
    return fn();
  } finally {
    g['fetch'] = saved.fetch;
    g['setTimeout'] = saved.setTimeout;
    g['setInterval'] = saved.setInterval;
    Date.now = saved.now;
  }
}

test('dg:sansio:entry a plain loop runs the device flow through device-grant/sans-io with no fetch, no timer and no clock of its own', () => {
  const runtime = scripted([
    error('authorization_pending'),
    error('slow_down'),
    error('authorization_pending'),
    { status: 200, headers: JSON_TYPE, text: JSON.stringify({ access_token: 'at-1', token_type: 'Bearer', expires_in: 60 }) },
  ]);
  let shown = '';
  const token = withoutIo(() =>
    runDeviceFlow(runtime, { server: SERVER, client: CLIENT, auth: ClientSecretBasic(), scope: 'openid profile', show: (d) => (shown = d.user_code) }),
  );
  assert.equal(token.access_token, 'at-1');
  assert.equal(token.token_type, 'bearer');
  assert.equal(shown, 'WDJB-MJHT');
  // RFC 8628 §3.5 through the machine: 5 s before the first poll, 5 s after pending, 10 s after slow_down.
  const polls = runtime.posts.filter((p) => p.url === SERVER.token_endpoint);
  assert.deepEqual(
    polls.map((p) => (p.at - T0) / 1000),
    [5, 10, 20, 30],
  );
  const [authorization, firstPoll] = [runtime.posts[0]!.form, polls[0]!.form];
  assert.equal(authorization.body, 'scope=openid+profile');
  assert.equal(firstPoll.body, 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc-secret');
  // RFC 6749 §2.3.1: Basic with the id and secret form-encoded first; no client_id in the body.
  assert.equal(firstPoll.headers['authorization'], `Basic ${btoa('sans+io%2Bclient:s3cret%3A%2B')}`);
  assert.equal(firstPoll.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  assert.ok(firstPoll.secrets.includes('dc-secret'));
});

test('dg:sansio:entry a terminal answer ends the loop with the typed error, its echoed device_code redacted', () => {
  const runtime = scripted([{ status: 400, headers: JSON_TYPE, text: JSON.stringify({ error: 'access_denied', error_description: 'no for dc-secret' }) }]);
  assert.throws(
    () => withoutIo(() => runDeviceFlow(runtime, { server: SERVER, client: { client_id: 'public' } })),
    (e: unknown) => e instanceof ResponseBodyError && e.error === 'access_denied' && e.error_description === 'no for [REDACTED]',
  );
});

test('dg:sansio:entry a ClientAuth that returns a promise gives the request as a promise, applied once', async () => {
  let calls = 0;
  const assertion: ClientAuth = async (_as, client, body) => {
    calls++;
    body.set('client_id', client.client_id);
    body.set('client_assertion', 'signed.jwt.value');
  };
  const pending = deviceTokenRequest(SERVER, { client_id: 'c' }, assertion, 'dc');
  assert.ok(pending instanceof Promise);
  const form = await pending;
  assert.equal(calls, 1);
  assert.equal(form.body, 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc&client_id=c&client_assertion=signed.jwt.value');
  assert.ok(form.secrets.includes('signed.jwt.value'));
  // A synchronous one gives the request at once.
  assert.ok(!(formRequest(SERVER, { client_id: 'c' }, () => undefined, new URLSearchParams('a=b')) instanceof Promise));
});

test('dg:sansio:entry oidc:3.1.3.7:iss-match the loop checks the ID token with the check it is given (validateIdToken from device-grant), and a bad one ends the flow', () => {
  const flow = (issuer: string) => {
    const idToken = jwt(goodClaims(T0, CLIENT.client_id, issuer));
    const runtime = scripted([{ status: 200, headers: JSON_TYPE, text: JSON.stringify({ access_token: 'at', token_type: 'Bearer', id_token: idToken }) }]);
    const checks: TokenAnswerOptions = {
      idToken: (token) =>
        token.id_token === undefined ? undefined : validateIdToken(token.id_token, { issuer: ISSUER, clientId: CLIENT.client_id, now: Math.floor(runtime.clock / 1000), tolerance: 30 }),
    };
    return () => withoutIo(() => runDeviceFlow(runtime, { server: SERVER, client: CLIENT, auth: ClientSecretBasic(), checks }));
  };
  assert.equal(flow(ISSUER)().access_token, 'at');
  assert.throws(flow('https://evil.example'), (e: unknown) => e instanceof ClientError && e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
});
