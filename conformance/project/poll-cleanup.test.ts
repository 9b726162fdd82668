// The driver's default sleep (lib/http/timers.ts Waiter: one abort listener per flow) on real timers, with no fake clock: what a
// wait leaves behind once it ends (a listener on the caller's signal, a timer that keeps the
// process alive), and an already-aborted signal. Real time; intervals of 50 ms for the flows that
// finish, and of 5 s or 30 s for the ones that are aborted, whose latency is held to an upper
// bound of a few hundred ms, far below the interval.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ClientError, Configuration, customFetch, initiateDeviceAuthorization, pollDeviceAuthorizationGrant, type ClientAuth } from '../../lib/index.js';
import { ISSUER } from '../support/harness.js';
import { pending, script, tokenResponse } from '../support/polling-side.js';

/** Upper bound on an abort's latency against a multi-second interval, ms. */
const ABORT_BUDGET_MS = 300;

test('dg:polling:abort-immediate dg:compat:poll-signature with the default sleep, a poll that waited on the caller\'s signal and then got its token leaves no abort listener on that signal', async () => {
  const s = script([pending(), tokenResponse()], { device: { interval: 0.05 } });
  const device = await initiateDeviceAuthorization(s.config); // real clock, default sleep
  const controller = new AbortController();
  const during: number[] = [];
  const result = await pollDeviceAuthorizationGrant(s.config, device, undefined, {
    signal: controller.signal,
    // Just after each wait began (the sleep is set up synchronously after onPoll): one listener.
    onPoll: () => void setImmediate(() => during.push(getEventListeners(controller.signal, 'abort').length)),
  });
  assert.equal(result.access_token, 'at-secret-0001');
  assert.equal(s.tokenCalls.length, 2);
  assert.deepEqual(during, [1, 1], 'each wait listened to the signal');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'no listener left once the waits and the requests are over');
  // A long-lived signal shared by several flows does not collect listeners either.
  const again = script([pending(), pending(), tokenResponse()], { device: { interval: 0.05 } });
  await pollDeviceAuthorizationGrant(again.config, await initiateDeviceAuthorization(again.config), undefined, { signal: controller.signal });
  assert.equal(again.tokenCalls.length, 3);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('dg:polling:abort-immediate aborting a poll that sleeps out a 30 s interval clears its timer: the process exits at once', async () => {
  const lib = new URL('../../lib/index.js', import.meta.url).href;
  // The child polls with the default sleep and clock; the first request would go after 30 s.
  // It aborts 50 ms in, prints the error code, and then has nothing left to do.
  const child = `
    const { Configuration, None, customFetch, pollDeviceAuthorizationGrant } = await import(${JSON.stringify(lib)});
    const config = new Configuration({ issuer: ${JSON.stringify(ISSUER)}, token_endpoint: ${JSON.stringify(`${ISSUER}/token`)} }, 'c', undefined, None());
    let requests = 0;
    config[customFetch] = async () => { requests += 1; return new Response('{}', { status: 500 }); };
    const device = { device_code: 'dc', user_code: 'U', verification_uri: ${JSON.stringify(`${ISSUER}/device`)}, expires_in: 600, interval: 30 };
    const controller = new AbortController();
    const polling = pollDeviceAuthorizationGrant(config, device, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const error = await polling.then(() => undefined, (e) => e);
    console.log(JSON.stringify({ code: error?.code, requests }));
  `;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let abortedAt: number | undefined;
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    output += chunk;
    abortedAt ??= performance.now();
  });
  // A leaked 30 s timer would hold the child for 30 s: kill it after 10 s and report.
  const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  clearTimeout(killer);
  assert.deepEqual(JSON.parse(output.trim()), { code: 'OAUTH_ABORT', requests: 0 });
  assert.ok(abortedAt !== undefined);
  assert.equal(exit.signal, null, 'the child had to be killed: a timer kept it alive after the abort');
  assert.equal(exit.code, 0);
  // Exiting takes a few ms; 1 s is a generous bound next to the 30 s a leaked timer would hold it.
  assert.ok(exit.at - abortedAt < 1000, `the child exited ${exit.at - abortedAt} ms after the abort`);
});

test('dg:polling:abort-immediate dg:compat:abort-codes with the default sleep and a 5 s interval, an already-aborted signal rejects with OAUTH_ABORT at once and sends nothing', async () => {
  const s = script([]); // interval 5 s
  const device = await initiateDeviceAuthorization(s.config);
  assert.equal(device.interval, 5);
  const reason = new Error('aborted before the poll');
  const started = performance.now();
  const error = await pollDeviceAuthorizationGrant(s.config, device, undefined, { signal: AbortSignal.abort(reason) }).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  const latency = performance.now() - started;
  assert.ok(error instanceof ClientError, String(error));
  assert.equal(error.code, 'OAUTH_ABORT');
  assert.equal(error.cause, reason);
  assert.ok(latency < ABORT_BUDGET_MS, `rejected after ${latency} ms; the interval is 5000 ms`);
  assert.equal(s.tokenCalls.length, 0);
});

test('dg:polling:abort-immediate with the default sleep, the flow\'s one abort listener also ends a request in flight at once (a fetch that ignores its signal): one listener during the request, its signal aborted, none left', async () => {
  let sent!: () => void;
  const started = new Promise<void>((resolve) => (sent = resolve));
  let listening = -1;
  let fetchSignal: AbortSignal | undefined;
  const controller = new AbortController();
  const s = script(
    [
      ({ init }) => {
        fetchSignal = init.signal;
        listening = getEventListeners(controller.signal, 'abort').length;
        sent();
        return new Promise<Response>(() => {}); // ignores its signal
      },
    ],
    { device: { interval: 0.05, device_code: 'cleanup-ignores-signal' } },
  );
  const device = await initiateDeviceAuthorization(s.config); // real clock, default sleep
  const polling = pollDeviceAuthorizationGrant(s.config, device, undefined, { signal: controller.signal });
  await started;
  const abortedAt = performance.now();
  controller.abort(new Error('stop'));
  await assert.rejects(polling, (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_ABORT');
  assert.ok(performance.now() - abortedAt < ABORT_BUDGET_MS);
  assert.equal(listening, 1, 'the flow\'s listener serves the request: none added for it');
  assert.equal(fetchSignal?.aborted, true, 'the request\'s signal was aborted');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('dg:polling:abort-immediate with the default sleep, one abort listener serves a whole flow of several polls: no request adds its own, and an abort during the fourth request ends it at once', async () => {
  const controller = new AbortController();
  const { signal } = controller;
  let added = 0;
  const addEventListener = signal.addEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
    added += 1;
    addEventListener(...args);
  };
  let fourthSignal: AbortSignal | undefined;
  let sent!: () => void;
  const fourthSent = new Promise<void>((resolve) => (sent = resolve));
  const s = script(
    [
      pending(),
      pending(),
      pending(),
      ({ init }) => {
        fourthSignal = init.signal;
        sent();
        return new Promise<Response>(() => {}); // ignores its signal: only the race can end it
      },
    ],
    { device: { interval: 0.01, device_code: 'one-listener-many-polls' } },
  );
  const device = await initiateDeviceAuthorization(s.config); // real clock, default sleep
  const polling = pollDeviceAuthorizationGrant(s.config, device, undefined, { signal, minInterval: 0.01 }).catch((e: unknown) => e);
  await fourthSent;
  assert.equal(s.tokenCalls.length, 4);
  assert.equal(added, 1, 'four waits and four requests, one listener: the flow\'s');
  assert.equal(fourthSignal?.aborted, false);
  controller.abort(new Error('stop'));
  // The flow's listener ends the request in flight synchronously, not at its timeout.
  assert.equal(fourthSignal?.aborted, true, 'the request in flight was ended by the abort');
  const error = await polling;
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_ABORT', String(error));
  assert.equal(added, 1);
  assert.equal(getEventListeners(signal, 'abort').length, 0, 'no listener left');
});

test('dg:polling:abort-immediate a request given up on (a ClientAuth that stalled past the timeout) that settles late does not take the abort away from the next request', async () => {
  let releaseFirstAuth!: () => void;
  const firstAuth = new Promise<void>((resolve) => (releaseFirstAuth = resolve));
  let authCalls = 0;
  // A signer behind a slow KMS: the first call stalls past the request timeout; the others return at once.
  const auth: ClientAuth = async (_as, client, body) => {
    body.set('client_id', client.client_id);
    if (++authCalls === 1) await firstAuth;
  };
  const config = new Configuration({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` }, 'cid', undefined, auth);
  config.timeout = 0.5;
  let second: AbortSignal | undefined;
  let sent!: () => void;
  const secondSent = new Promise<void>((resolve) => (sent = resolve));
  // The second request never answers; it ends only through its signal.
  config[customFetch] = (_url, init) => {
    second = init.signal as AbortSignal;
    sent();
    return new Promise<Response>((_resolve, reject) => second!.addEventListener('abort', () => reject(second!.reason)));
  };
  const controller = new AbortController();
  const device = { device_code: 'dc-late-settle', user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 0.01 };
  const flow = pollDeviceAuthorizationGrant(config, device, undefined, { signal: controller.signal, minInterval: 0.01 }).catch((e: unknown) => e);
  await secondSent;
  // The first request's work now settles, long after its race gave up on it.
  releaseFirstAuth();
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(second?.aborted, false);
  controller.abort();
  // The abort reaches the request in flight synchronously, not at its timeout.
  assert.equal(second?.aborted, true, 'the second request was aborted with the flow');
  const error = await flow;
  assert.ok(error instanceof ClientError && error.code === 'OAUTH_ABORT', String(error));
});

test('dg:polling:abort-immediate a signal whose addEventListener throws fails the race before any timer is set, so nothing fires later outside a promise', async () => {
  const { race } = await import('../../lib/http/timers.js');
  const hostile = { aborted: false, addEventListener(): void { throw new TypeError('not a signal'); }, removeEventListener(): void { throw new TypeError('not a signal'); } };
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    await assert.rejects(race(async () => 'never', 20, hostile as unknown as AbortSignal), /not a signal/);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(timers, 0, 'no timeout timer outlives the failed race');
});
