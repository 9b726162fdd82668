// The HTTP layer (lib/http/http.ts): the customFetch call shape, Accept, the per-request timeout and
// its timer, caller aborts, transport faults, and what a customFetch may resolve to.
// Real-time tests use short timeouts and assert lower bounds only, with a stated tolerance.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mock, test } from 'node:test';
import {
  Configuration,
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type CustomFetch,
  type CustomFetchOptions,
} from '../../lib/index.js';
import { send, type HttpSettings } from '../../lib/http/http.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, ISSUER, deviceBody, json, scriptedFetch } from '../support/harness.js';
import { assertCode, rejection } from '../support/security-side.js';
import { neverSettles, untilAborted } from '../support/never-answers.js';

/** Slack allowed on real-time lower bounds, ms. */
const TOLERANCE_MS = 100;

const METADATA = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  device_authorization_endpoint: `${ISSUER}/device_authorization`,
};

function configFor(fetch: CustomFetch, timeout?: number): Configuration {
  const config = new Configuration(METADATA, CLIENT_ID, undefined, None());
  config[customFetch] = fetch;
  if (timeout !== undefined) config.timeout = timeout;
  return config;
}

const settings = (fetch: CustomFetch, extra: Partial<HttpSettings> = {}): HttpSettings => ({
  fetch,
  timeout: 30,
  allowInsecureRequests: false,
  ...extra,
});

const GET = { method: 'GET' as const, url: new URL(`${ISSUER}/x`), headers: { accept: 'application/json' } };

/** A customFetch that never settles and ignores its signal entirely. */
const deaf: CustomFetch = neverSettles;

/** A customFetch that settles only when its signal aborts, rejecting with the signal's reason (as fetch does). */
function hanging(): CustomFetch & { signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const fn = ((_url: string, init: CustomFetchOptions): Promise<Response> => {
    signals.push(init.signal);
    return untilAborted(init.signal);
  }) as CustomFetch & { signals: AbortSignal[] };
  fn.signals = signals;
  return fn;
}

/** A 200 JSON response whose body never ends (and never produces a byte). */
function stalledBody(): { response: Response; cancelled: () => boolean } {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull: () => new Promise<void>(() => {}),
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(stream, { headers: { 'content-type': 'application/json' } }), cancelled: () => cancelled };
}

// --- call shape and Accept ---------------------------------------------------------------

test('dg:compat:customfetch-shape dg:tolerance:accept-json customFetch gets a string URL and a plain init: method, lower-case headers with accept, body, redirect manual, signal', async () => {
  const seen: Array<{ url: unknown; init: unknown; args: number }> = [];
  const fetch = ((...args: unknown[]) => {
    seen.push({ url: args[0], init: args[1], args: args.length });
    const url = String(args[0]);
    if (url.endsWith('openid-configuration')) return Promise.resolve(json(METADATA));
    if (url.endsWith('/device_authorization')) return Promise.resolve(json(deviceBody()));
    return Promise.resolve(json({ access_token: 'at', token_type: 'Bearer' }));
  }) as CustomFetch;
  const config = await discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch });
  const device = await initiateDeviceAuthorization(config, { scope: 'openid' });
  const clock = createFakeClock({ autoAdvance: true });
  await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  assert.equal(seen.length, 3);
  const methods = ['GET', 'POST', 'POST'];
  seen.forEach(({ url, init, args }, i) => {
    assert.equal(args, 2);
    assert.equal(typeof url, 'string');
    assert.ok(!(url instanceof Request) && !(init instanceof Request));
    const options = init as CustomFetchOptions;
    assert.equal(Object.getPrototypeOf(options), Object.prototype, 'a plain object');
    assert.equal(options.method, methods[i]);
    assert.equal(Object.getPrototypeOf(options.headers), Object.prototype, 'headers is a plain record');
    assert.ok(!(options.headers instanceof Headers));
    for (const name of Object.keys(options.headers)) assert.equal(name, name.toLowerCase());
    assert.equal(options.headers['accept'], 'application/json');
    assert.equal(options.redirect, 'manual');
    assert.ok(options.signal instanceof AbortSignal);
    assert.equal(options.signal.aborted, false);
    if (methods[i] === 'GET') assert.equal(options.body, undefined);
    else {
      assert.equal(typeof options.body, 'string');
      assert.equal(options.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
    }
  });
});

// --- the per-request timeout -------------------------------------------------------------

test('dg:compat:timeout-default config.timeout is 30 seconds by default, and its value in seconds arms the request timer', async () => {
  const config = configFor(async () => json(deviceBody()));
  assert.equal(config.timeout, 30);
  const setSpy = mock.method(globalThis, 'setTimeout');
  const clearSpy = mock.method(globalThis, 'clearTimeout');
  try {
    await initiateDeviceAuthorization(config);
    config.timeout = 7.25;
    assert.equal(config.timeout, 7.25);
    await initiateDeviceAuthorization(config);
    const delays = setSpy.mock.calls.map((c) => c.arguments[1]);
    assert.ok(delays.includes(30_000), `delays: ${delays.join(', ')}`);
    assert.ok(delays.includes(7_250), `delays: ${delays.join(', ')}`);
    // Both timers were cleared when their request settled.
    for (const delay of [30_000, 7_250]) {
      const call = setSpy.mock.calls.find((c) => c.arguments[1] === delay);
      assert.ok(clearSpy.mock.calls.some((c) => c.arguments[0] === call?.result), `timer of ${delay} ms cleared`);
    }
  } finally {
    setSpy.mock.restore();
    clearSpy.mock.restore();
  }
  // discovery's timeout option becomes the Configuration's.
  const discovered = await discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: async () => json(METADATA), timeout: 12 });
  assert.equal(discovered.timeout, 12);
});

test('dg:compat:timeout-default a fetch that hangs past config.timeout is aborted with OAUTH_TIMEOUT, its signal aborted', async () => {
  const fetch = hanging();
  const started = performance.now();
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch, 0.05)));
  const elapsed = performance.now() - started;
  assertCode(error, 'OAUTH_TIMEOUT');
  assert.ok(elapsed >= 50 - TOLERANCE_MS, `${elapsed} ms`);
  assert.equal(fetch.signals.length, 1);
  assert.equal(fetch.signals[0]?.aborted, true, 'the fetch was told to stop');
  // discovery honours its timeout option the same way.
  const slow = hanging();
  assertCode(await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: slow, timeout: 0.05 })), 'OAUTH_TIMEOUT', 'discovery');
  assert.equal(slow.signals[0]?.aborted, true);
});

test('dg:compat:timeout-default a body that stalls past config.timeout gives OAUTH_TIMEOUT too, and the body stream is cancelled', async () => {
  const body = stalledBody();
  const started = performance.now();
  const error = await rejection(initiateDeviceAuthorization(configFor(async () => body.response, 0.05)));
  const elapsed = performance.now() - started;
  assertCode(error, 'OAUTH_TIMEOUT');
  assert.ok(elapsed >= 50 - TOLERANCE_MS, `${elapsed} ms`);
  // The cancellation may settle a few event-loop turns after the rejection.
  for (let turn = 0; turn < 10 && !body.cancelled(); turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(body.cancelled(), true, 'the stalled body was cancelled at the timeout, not left open');
});

test('dg:compat:timeout-default a customFetch that ignores its signal is abandoned at the timeout, and on a caller abort', async () => {
  assertCode(await rejection(initiateDeviceAuthorization(configFor(deaf, 0.05))), 'OAUTH_TIMEOUT', 'timeout');
  const controller = new AbortController();
  const pending = initiateDeviceAuthorization(configFor(deaf), undefined, { signal: controller.signal });
  const reason = new Error('user pressed Ctrl-C');
  setTimeout(() => controller.abort(reason), 5);
  const error = await rejection(pending);
  assertCode(error, 'OAUTH_ABORT', 'abort');
  assert.equal(error.cause, reason);
});

test('dg:compat:timeout-default over loopback with the platform fetch, a server that never answers gives OAUTH_TIMEOUT after the timeout', async () => {
  const server = createAuthorizationServer({ interval: 0.1, clients: [{ clientId: CLIENT_ID, authMethod: 'none' }] });
  const listening = await listen(server);
  try {
    const origin = listening.url.origin;
    const config = new Configuration({ issuer: origin, device_authorization_endpoint: `${origin}/device_authorization`, token_endpoint: `${origin}/token` }, CLIENT_ID, undefined, None());
    config.timeout = 0.2;
    allowInsecureRequests(config);
    server.injectFaults({ endpoint: 'device', fault: { kind: 'hang' } });
    const started = performance.now();
    const error = await rejection(initiateDeviceAuthorization(config));
    const elapsed = performance.now() - started;
    assertCode(error, 'OAUTH_TIMEOUT');
    assert.ok(elapsed >= 200 - TOLERANCE_MS, `${elapsed} ms`);
    // A connection reset is a network error, typed.
    server.injectFaults({ endpoint: 'device', fault: { kind: 'reset' } });
    const reset = await rejection(initiateDeviceAuthorization(config));
    assertCode(reset, 'OAUTH_NETWORK_ERROR');
    assert.ok(reset.cause instanceof Error);
  } finally {
    await listening.close();
  }
});

test('dg:compat:timeout-default the request timer and the abort listener are released whenever a request settles', async () => {
  const controller = new AbortController();
  const cases: Array<[string, CustomFetch]> = [
    ['success', async () => json(deviceBody())],
    ['error status', async () => json({ error: 'invalid_client' }, 400)],
    ['network error', () => Promise.reject(new TypeError('fetch failed'))],
    ['too large', async () => new Response('x', { headers: { 'content-length': String(2 ** 30) } })],
    ['redirect', async () => new Response(null, { status: 302, headers: { location: '/' } })],
    ['not a Response', async () => ({}) as Response],
  ];
  const setSpy = mock.method(globalThis, 'setTimeout');
  const clearSpy = mock.method(globalThis, 'clearTimeout');
  try {
    for (const [what, fetch] of cases) {
      setSpy.mock.resetCalls();
      clearSpy.mock.resetCalls();
      await initiateDeviceAuthorization(configFor(fetch, 9.5), undefined, { signal: controller.signal }).catch(() => undefined);
      const timers = setSpy.mock.calls.filter((c) => c.arguments[1] === 9_500);
      assert.equal(timers.length, 1, what);
      assert.ok(clearSpy.mock.calls.some((c) => c.arguments[0] === timers[0]?.result), `${what}: timer cleared`);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0, `${what}: no listener left on the caller's signal`);
    }
  } finally {
    setSpy.mock.restore();
    clearSpy.mock.restore();
  }
});

test('dg:compat:timeout-default no timer keeps the process alive after a request with the default 30 s timeout', async () => {
  const lib = new URL('../../lib/index.js', import.meta.url).href;
  const script = `
    const { Configuration, None, customFetch, initiateDeviceAuthorization } = await import(${JSON.stringify(lib)});
    const config = new Configuration(${JSON.stringify(METADATA)}, 'c', undefined, None());
    config[customFetch] = async () => new Response(JSON.stringify(${JSON.stringify(deviceBody())}), { headers: { 'content-type': 'application/json' } });
    const device = await initiateDeviceAuthorization(config);
    await initiateDeviceAuthorization(config, undefined, { signal: new AbortController().signal });
    config[customFetch] = async () => new Response('no', { status: 500 });
    await initiateDeviceAuthorization(config).catch(() => {});
    console.log(device.user_code);
  `;
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, cwd: fileURLToPath(new URL('.', import.meta.url)) }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
  const elapsed = performance.now() - started;
  assert.equal(output.trim(), 'WDJB-MJHT');
  // A leaked 30 s timer would hold the process for 30 s; node itself starts in well under 10 s.
  assert.ok(elapsed < 10_000, `the child took ${elapsed} ms to exit`);
});

// --- caller aborts -----------------------------------------------------------------------

test('dg:compat:abort-codes an abort during the request gives OAUTH_ABORT with the reason as cause; a TimeoutError reason gives OAUTH_TIMEOUT', async () => {
  for (const [reason, code] of [
    [new Error('stop'), 'OAUTH_ABORT'],
    ['a string reason', 'OAUTH_ABORT'],
    [new DOMException('took too long', 'TimeoutError'), 'OAUTH_TIMEOUT'],
  ] as const) {
    const fetch = hanging();
    const controller = new AbortController();
    const pending = initiateDeviceAuthorization(configFor(fetch), undefined, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fetch.signals.length, 1, 'the request is in flight');
    controller.abort(reason);
    const error = await rejection(pending);
    assertCode(error, code, String(reason));
    assert.equal(error.cause, reason);
    assert.equal(fetch.signals[0]?.aborted, true, 'the fetch signal follows the caller');
  }
});

test('dg:compat:abort-codes an abort while the body streams ends the request with OAUTH_ABORT', async () => {
  const controller = new AbortController();
  const body = stalledBody();
  const pending = initiateDeviceAuthorization(configFor(async () => body.response), undefined, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('enough')), 5);
  assertCode(await rejection(pending), 'OAUTH_ABORT');
});

test('dg:compat:abort-codes an already-aborted signal rejects at once without calling fetch', async () => {
  const fetch = scriptedFetch(() => json(deviceBody()));
  const reason = new Error('before');
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch), undefined, { signal: AbortSignal.abort(reason) }));
  assertCode(error, 'OAUTH_ABORT');
  assert.equal(error.cause, reason);
  const timedOut = await rejection(
    discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch, signal: AbortSignal.abort(new DOMException('t', 'TimeoutError')) }),
  );
  assertCode(timedOut, 'OAUTH_TIMEOUT');
  const device = { device_code: 'dc-aborted', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 0.01 };
  assertCode(await rejection(pollDeviceAuthorizationGrant(configFor(fetch), device, undefined, { signal: AbortSignal.abort(reason) })), 'OAUTH_ABORT');
  assert.equal(fetch.calls.length, 0);
});

test('dg:compat:abort-codes dg:polling:abort-immediate aborting a poll that waits out a 60 s interval, or hangs in a request, rejects at once', async () => {
  const device = { device_code: 'dc-wait', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 60 };
  const controller = new AbortController();
  const waiting = pollDeviceAuthorizationGrant(configFor(hanging()), device, undefined, { signal: controller.signal });
  const reason = new Error('cancelled');
  setTimeout(() => controller.abort(reason), 10);
  const started = performance.now();
  const error = await rejection(waiting);
  assertCode(error, 'OAUTH_ABORT');
  assert.equal(error.cause, reason);
  assert.ok(performance.now() - started < 1000);

  const inFlight = hanging();
  const second = new AbortController();
  const polling = pollDeviceAuthorizationGrant(configFor(inFlight), { ...device, device_code: 'dc-flight', interval: 0.01 }, undefined, { signal: second.signal });
  while (inFlight.signals.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  second.abort(new DOMException('deadline', 'TimeoutError'));
  assertCode(await rejection(polling), 'OAUTH_TIMEOUT');
  assert.equal(inFlight.signals[0]?.aborted, true);
});

// --- what customFetch returns ---------------------------------------------------------------

test('dg:compat:customfetch-shape a customFetch that resolves to something other than a Response gives a typed error', async () => {
  for (const value of [undefined, null, {}, { status: 200, headers: new Headers(), text: async () => '{}' }, 'text', new Request(`${ISSUER}/x`)]) {
    const error = await rejection(initiateDeviceAuthorization(configFor(async () => value as unknown as Response)));
    assertCode(error, 'OAUTH_INVALID_RESPONSE', String(value));
  }
});

test('dg:compat:customfetch-shape a Response with a null body reads as an empty body', async () => {
  const result = await send(settings(async () => new Response(null, { status: 200 })), GET);
  assert.equal(result.text, '');
  assert.equal(result.response.status, 200);
  const empty = await send(settings(async () => new Response(null, { status: 204 })), GET);
  assert.equal(empty.text, '');
  // Through the public API, an empty JSON body is a parse error, not a raw exception.
  assertCode(await rejection(initiateDeviceAuthorization(configFor(async () => new Response(null, { headers: { 'content-type': 'application/json' } })))), 'OAUTH_PARSE_ERROR');
});

test('dg:compat:customfetch-shape send reads a chunked UTF-8 body whole, and stamps receivedAt with the injected clock', async () => {
  const bytes = new TextEncoder().encode('{"name":"£€𝄞"}');
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const byte of bytes) controller.enqueue(new Uint8Array([byte])); // every multi-byte character split
      controller.close();
    },
  });
  const result = await send(settings(async () => new Response(stream), { now: () => 1234 }), GET);
  assert.equal(result.text, '{"name":"£€𝄞"}');
  assert.equal(result.receivedAt, 1234);
  const before = Date.now();
  const defaultClock = await send(settings(async () => new Response('x')), GET);
  assert.ok(defaultClock.receivedAt >= before && defaultClock.receivedAt <= Date.now());
});

test('dg:security:https-only send refuses http (unless allowed) and other schemes before calling fetch', async () => {
  const fetch = scriptedFetch(() => new Response('ok'));
  assertCode(await rejection(send(settings(fetch), { ...GET, url: new URL('http://as.example.test/x') })), 'OAUTH_HTTP_REQUEST_FORBIDDEN');
  assertCode(
    await rejection(send(settings(fetch, { allowInsecureRequests: true }), { ...GET, url: new URL('gopher://as.example.test/x') })),
    'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
  );
  assert.equal(fetch.calls.length, 0);
  const allowed = await send(settings(fetch, { allowInsecureRequests: true }), { ...GET, url: new URL('http://as.example.test/x') });
  assert.equal(allowed.text, 'ok');
  assert.equal(fetch.calls[0]?.url, 'http://as.example.test/x');
});

test('dg:compat:customfetch-shape a fetch that settles after the request was given up does not surface as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    let fail: (reason: unknown) => void = () => {};
    const late: CustomFetch = () =>
      new Promise<Response>((_resolve, reject) => {
        fail = reject;
      });
    assertCode(await rejection(initiateDeviceAuthorization(configFor(late, 0.02))), 'OAUTH_TIMEOUT');
    fail(new TypeError('fetch failed late'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});
