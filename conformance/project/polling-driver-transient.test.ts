// What the driver retries (dg:polling:transient-classes): network errors, timeouts, 408, 429, 5xx and
// unusable 200 pages, each after 2·interval and backing off up to a cap. Scripted token endpoint, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json } from '../support/harness.js';
import { gaps, initiate, networkError, pending, raw, run, script, tokenResponse, type TokenReply, flow } from '../support/polling-side.js';
import { untilAborted } from '../support/never-answers.js';

const S = 1000;

function hugeStream(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

test('dg:polling:transient-classes network errors, request timeouts, 408, 429, 5xx (any body), 200 pages that are not JSON and oversized bodies are retried after 2·interval', async () => {
  const J = { 'content-type': 'application/json' };
  const cases: Array<[string, TokenReply]> = [
    ['network error', networkError],
    ['408', raw(408, 'timeout', { 'content-type': 'text/plain' })],
    ['429 empty', raw(429, null)],
    ['500 JSON', json({ error: 'server_error', error_description: 'oops' }, 500)],
    ['500 JSON access_denied', json({ error: 'access_denied' }, 500)],
    ['502 HTML', raw(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' })],
    ['503 text', raw(503, 'Service Unavailable')],
    ['504 empty', raw(504, null)],
    ['599', raw(599, 'x')],
    ['200 captive portal', raw(200, '<html>Sign in to the Wi-Fi</html>', { 'content-type': 'text/html' })],
    ['200 truncated JSON', raw(200, '{"access_token":"at","tok', J)],
    ['200 too large (Content-Length)', raw(200, '{}', { ...J, 'content-length': String(2 * 1024 * 1024) })],
    ['200 too large (streamed)', () => new Response(hugeStream(1024 * 1024 + 1), { status: 200, headers: J })],
  ];
  for (const [name, reply] of cases) {
    const { times, token, error, events } = await flow([reply, tokenResponse()]);
    assert.equal(error, undefined, `${name}: ${String(error)}`);
    assert.ok(token, name);
    assert.deepEqual(gaps(times), [10 * S], name);
    assert.equal(events[1]?.lastOutcome, 'transient', name);
  }
});

test('dg:tolerance:token-body-json a token served with a wrong or missing Content-Type is returned at once, never retried', async () => {
  for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'text/html; charset=utf-8' }]) {
    const { times, token, error } = await flow([raw(200, '{"access_token":"at","token_type":"Bearer"}', headers)]);
    assert.equal(error, undefined, String(error));
    assert.equal(token?.access_token, 'at');
    assert.equal(token?.token_type, 'bearer');
    assert.equal(times.length, 1, 'exactly one token request: a retry would redeem the device_code twice');
  }
});

test('dg:polling:transient-classes rfc8628:3.5:timeout-backoff a real request timeout (config.timeout) is transient and the retry waits 2·interval', async () => {
  const hang: TokenReply = ({ init }) => untilAborted(init.signal);
  const s = script([hang, hang, tokenResponse()]);
  s.config.timeout = 0.05;
  const device = await initiate(s);
  const result = await run(s, device);
  assert.ok(result.token, String(result.error));
  assert.deepEqual(gaps(s.tokenCalls.map((c) => c.time)).map((ms) => ms / S), [10, 20]);
});

test('dg:polling:transient-backoff dg:polling:backoff-reset through the driver: 2I, 4I, 8I … capped, reset by a pending answer, cap configurable', async () => {
  const { times } = await flow(
    [networkError, networkError, networkError, networkError, networkError, pending(), networkError, tokenResponse()],
    { expires_in: 3600 },
  );
  assert.deepEqual(gaps(times).map((ms) => ms / S), [10, 20, 40, 60, 60, 5, 10]);
  const s = script([networkError, networkError, networkError, tokenResponse()], { device: { expires_in: 3600 } });
  const result = await run(s, await initiate(s), { backoffCap: 12 });
  assert.ok(result.token);
  assert.deepEqual(gaps(s.tokenCalls.map((c) => c.time)).map((ms) => ms / S), [10, 12, 12]);
});
