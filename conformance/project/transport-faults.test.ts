// Transport faults (dg:compat:error-codes, dg:compat:timeout-default): a network failure, a reset
// connection, a server that never answers and a caller's abort are typed ClientErrors with the fault
// as cause, never raw TypeErrors. The per-request timeout and aborts of http.ts are in http.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RESPONSE_BYTES, initiateDeviceAuthorization, None, customFetch, discovery, type CustomFetch } from '../../lib/index.js';
import { CLIENT_ID, scriptedConfig, ISSUER, configFor } from '../support/harness.js';
import { untilAborted } from '../support/never-answers.js';
import { answer, clientError, loopback } from '../support/request-side.js';
import { assertCode, rejection } from '../support/security-side.js';

test('dg:compat:error-codes dg:compat:timeout-default transport faults at the device endpoint are typed ClientErrors, never raw TypeErrors', async () => {
  // Real HTTP: a reset connection and a server that never answers.
  const lb = await loopback('none');
  try {
    lb.server.injectFaults({ endpoint: 'device', fault: { kind: 'reset' } });
    await assert.rejects(initiateDeviceAuthorization(lb.config), clientError('OAUTH_NETWORK_ERROR'));
    lb.server.injectFaults({ endpoint: 'device', fault: { kind: 'hang' } });
    lb.config.timeout = 0.2;
    const started = Date.now();
    await assert.rejects(initiateDeviceAuthorization(lb.config), clientError('OAUTH_TIMEOUT'));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 200 - 100, String(elapsed)); // waited for the timeout: a lower bound only, 100 ms tolerance
  } finally {
    await lb.close();
  }

  // The caller's signal: any reason is OAUTH_ABORT with that cause; a TimeoutError reason is OAUTH_TIMEOUT.
  let sent: () => void = () => {};
  const { config: hanging, fetch: hangingFetch } = scriptedConfig((_url, init) => {
    sent();
    return untilAborted(init.signal);
  });
  const inFlight = (signal: AbortSignal): Promise<unknown> => {
    const reached = new Promise<void>((resolve) => (sent = resolve));
    const pending = initiateDeviceAuthorization(hanging, undefined, { signal });
    return reached.then(() => pending);
  };
  const reason = new Error('user cancelled');
  const aborting = new AbortController();
  const pending = inFlight(aborting.signal);
  await new Promise((resolve) => setImmediate(resolve));
  aborting.abort(reason);
  await assert.rejects(pending, (error: unknown) => clientError('OAUTH_ABORT')(error) && (error as Error).cause === reason);
  const timedOut = new AbortController();
  const pending2 = inFlight(timedOut.signal);
  await new Promise((resolve) => setImmediate(resolve));
  timedOut.abort(new DOMException('late', 'TimeoutError'));
  await assert.rejects(pending2, clientError('OAUTH_TIMEOUT'));
  assert.equal(hangingFetch.calls.length, 2);
  // Already aborted: nothing is sent.
  await assert.rejects(initiateDeviceAuthorization(hanging, undefined, { signal: AbortSignal.abort() }), clientError('OAUTH_ABORT'));
  assert.equal(hangingFetch.calls.length, 2);

  // A customFetch that rejects with a TypeError, or resolves to something that is not a Response.
  await assert.rejects(answer(() => { throw new TypeError('fetch failed'); }), clientError('OAUTH_NETWORK_ERROR'));
  await assert.rejects(answer(() => ({ status: 200 }) as unknown as Response), clientError('OAUTH_INVALID_RESPONSE'));

  // Oversized bodies, declared or streamed.
  const big = 'x'.repeat(MAX_RESPONSE_BYTES + 1);
  await assert.rejects(
    answer(() => new Response(big, { headers: { 'content-type': 'application/json', 'content-length': String(big.length) } })),
    clientError('OAUTH_RESPONSE_TOO_LARGE'),
  );
  await assert.rejects(answer(() => new Response(big, { headers: { 'content-type': 'application/json' } })), clientError('OAUTH_RESPONSE_TOO_LARGE'));
  // A redirect with a body is refused too, its body discarded.
  await assert.rejects(
    answer(() => new Response('moved', { status: 307, headers: { location: 'https://elsewhere.example/' } })),
    clientError('OAUTH_RESPONSE_IS_NOT_CONFORM'),
  );
});

test('dg:compat:error-codes a network failure is OAUTH_NETWORK_ERROR with the fault as cause, never a raw TypeError', async () => {
  const failure = new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
  const faults: Array<[string, CustomFetch, unknown]> = [
    ['rejects with TypeError', () => Promise.reject(failure), failure],
    ['throws synchronously', () => {
      throw failure;
    }, failure],
    ['rejects with a non-Error', () => Promise.reject('boom'), 'boom'],
  ];
  for (const [what, fetch, cause] of faults) {
    const error = await rejection(initiateDeviceAuthorization(configFor(fetch)));
    assertCode(error, 'OAUTH_NETWORK_ERROR', what);
    assert.equal(error.cause, cause, what);
    assert.ok(!(error instanceof TypeError));
    const discovered = await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch }));
    assertCode(discovered, 'OAUTH_NETWORK_ERROR', `discovery ${what}`);
  }
});
