// End to end over real loopback HTTP: the conformance authorization server on node:http, the
// library with the platform's fetch and its own timers. Intervals are 0.1 s; timing assertions are
// lower bounds with a 100 ms tolerance, and the server itself answers slow_down to any early poll.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientError,
  ResponseBodyError,
  None,
  allowInsecureRequests,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type Configuration,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen, type Listening } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions, Fault } from '../server/types.js';

const TOLERANCE = 100; // ms, for every real-time lower bound
const INTERVAL = 0.1;
const CLIENT = 'e2e: client+/%';

interface Running {
  server: AuthorizationServer;
  listening: Listening;
  config: Configuration;
  device: DeviceAuthorizationResponse;
  started: number;
}

async function running(options: AuthorizationServerOptions = {}, scope = 'openid profile'): Promise<Running> {
  const server = createAuthorizationServer({
    interval: INTERVAL,
    expiresIn: 10,
    clients: [{ clientId: CLIENT, authMethod: 'none' }],
    ...options,
  });
  const listening = await listen(server);
  const config = await discovery(listening.url, CLIENT, undefined, None(), { execute: [allowInsecureRequests] });
  const started = performance.now();
  const device = await initiateDeviceAuthorization(config, { scope });
  return { server, listening, config, device, started };
}

async function poll(r: Running, options: DeviceAuthorizationGrantPollOptions = {}) {
  try {
    // Intervals here are a fraction of a second: the 1 s floor (dg:polling:interval-floor) is lowered.
    return { token: await pollDeviceAuthorizationGrant(r.config, r.device, undefined, { minInterval: 0.001, ...options }), error: undefined as unknown };
  } catch (error) {
    return { token: undefined, error };
  } finally {
    await r.listening.close();
  }
}

const tokenRequests = (r: Running) => r.server.requests.filter((q) => q.endpoint === 'token');
const gapsOf = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

test('rfc8628:3.5:pending-repeat rfc8628:3.5:wait-interval e2e: the user approves after a few polls and the token (with a checked ID token) arrives', async () => {
  const r = await running();
  const { token, error } = await poll(r, {
    signal: new AbortController().signal, // a live signal that never fires changes nothing
    onPoll: (event) => {
      if (event.attempt === 3) r.server.approve(r.device.user_code, 'alice');
    },
  });
  assert.equal(error, undefined, String(error));
  assert.ok(token);
  assert.equal(token.token_type, 'bearer');
  assert.equal(token.scope, 'openid profile');
  assert.equal(token.claims()?.sub, 'alice');
  assert.equal(token.claims()?.aud, CLIENT);
  assert.ok(token.expiresIn()! > 3500);
  const times = tokenRequests(r).map((q) => q.time);
  assert.equal(times.length, 4);
  for (const gap of gapsOf(times)) assert.ok(gap >= INTERVAL * 1000 - TOLERANCE, `${gap}`);
  assert.equal(r.server.grants.get(r.device.device_code)?.interval, INTERVAL, 'the server never had to send slow_down');
});

test('rfc8628:3.5:stop-on-other-error rfc8628:3.5:report-error e2e: the user denies and polling stops with access_denied', async () => {
  const r = await running();
  const { error } = await poll(r, {
    onPoll: (event) => {
      if (event.attempt === 1) r.server.deny(r.device.user_code);
    },
  });
  assert.ok(error instanceof ResponseBodyError);
  assert.equal(error.error, 'access_denied');
  assert.equal(error.error_description, 'the user denied the request');
  assert.equal(tokenRequests(r).length, 2);
});

test('rfc8628:3.3:stop-at-expiry dg:compat:local-expiry-error e2e: nobody approves, and the flow ends at the deadline with expired_token', async () => {
  const r = await running({ expiresIn: 0.45 });
  const { error } = await poll(r);
  const elapsed = performance.now() - r.started;
  assert.ok(error instanceof ClientError || error instanceof ResponseBodyError, String(error));
  // Normally the client's own deadline; if a poll lands in the few ms between the server's expiry
  // and the client's (the client's clock starts when the response arrived), the server's expired_token.
  assert.equal(error.error, 'expired_token');
  if (error instanceof ClientError) assert.equal(error.code, 'OAUTH_TIMEOUT');
  assert.ok(elapsed >= 450 - TOLERANCE, `${elapsed}`);
  const issued = r.server.requests.find((q) => q.endpoint === 'device')!.time;
  assert.ok(tokenRequests(r).every((q) => q.time < issued + 450 + TOLERANCE));
});

test('rfc8628:3.5:slow-down e2e: a forced slow_down adds 5 s, so with a 1 s lifetime the next poll never comes and the flow expires', async () => {
  const r = await running({ expiresIn: 1 });
  r.server.forceSlowDown(1);
  r.server.approve(r.device.user_code);
  const intervals: number[] = [];
  const { error } = await poll(r, { onPoll: (event) => intervals.push(event.interval) });
  const elapsed = performance.now() - r.started;
  assert.equal((error as ClientError).code, 'OAUTH_TIMEOUT');
  assert.equal((error as ClientError).error, 'expired_token');
  assert.equal(tokenRequests(r).length, 1, 'the slowed-down interval (5.1 s) outlasts the lifetime');
  // onPoll runs before every wait (a re-sleep after a timer that fired a little early included).
  assert.deepEqual([...new Set(intervals)], [INTERVAL, INTERVAL + 5]);
  assert.ok(elapsed >= 1000 - TOLERANCE, `${elapsed}`);
});

const FAULTS: Array<[string, Fault, number]> = [
  // name, fault, minimum wait (in intervals) between the faulty request and the next one
  ['503 without Retry-After', { kind: 'status' }, 2],
  ['503 with Retry-After: 1', { kind: 'status', retryAfter: '1' }, 10],
  ['500 JSON server_error', { kind: 'json', body: { error: 'server_error' } }, 2],
  ['502 HTML', { kind: 'html' }, 2],
  ['empty 429', { kind: 'empty' }, 2],
  ['connection reset', { kind: 'reset' }, 2],
  ['200 carrying authorization_pending', { kind: 'pending-200' }, 1],
];

for (const [name, fault, intervals] of FAULTS) {
  test(`dg:polling:transient-classes dg:polling:retry-after e2e: ${name} in the middle of polling is retried after ${intervals} interval(s) and the token arrives`, async () => {
    const r = await running();
    let injectedAt = 0;
    const outcomes = new Map<number, string | undefined>(); // attempt → what that request produced
    const { token, error } = await poll(r, {
      onPoll: (event) => {
        outcomes.set(event.attempt, event.lastOutcome);
        // onPoll runs before every wait, a re-sleep after an early timer included: inject once.
        if (event.attempt === 1 && injectedAt === 0) {
          injectedAt = Date.now();
          r.server.injectFaults(fault);
          r.server.approve(r.device.user_code);
        }
      },
    });
    assert.equal(error, undefined, String(error));
    assert.ok(token?.access_token);
    const times = tokenRequests(r).map((q) => q.time);
    // Normally: pending, the fault, the token. A real network may add a transient fault of its own.
    const faulty = times.findIndex((t) => t > injectedAt);
    assert.ok(faulty >= 1 && times.length >= faulty + 2, `${times.length} requests, outcomes ${[...outcomes].join(' ')}`);
    const wait = times[faulty + 1]! - times[faulty]!;
    assert.ok(wait >= intervals * INTERVAL * 1000 - TOLERANCE, `${wait}`);
    assert.equal(outcomes.get(faulty + 1), intervals === 1 ? 'pending' : 'transient', [...outcomes].join(' '));
  });
}

test('rfc8628:3.5:timeout-backoff dg:polling:transient-classes e2e: a server that hangs is cut off by config.timeout, and the retry waits 2·interval', async () => {
  const r = await running();
  r.config.timeout = 0.3;
  let injected = false;
  const { token, error } = await poll(r, {
    onPoll: (event) => {
      if (event.attempt === 1 && !injected) {
        injected = true;
        r.server.injectFaults({ kind: 'hang' });
        r.server.approve(r.device.user_code);
      }
    },
  });
  assert.equal(error, undefined, String(error));
  assert.ok(token?.access_token);
  const times = tokenRequests(r).map((q) => q.time);
  assert.ok(times.length >= 3);
  assert.ok(times[2]! - times[1]! >= 300 + 2 * INTERVAL * 1000 - TOLERANCE, `${times[2]! - times[1]!}`);
});
