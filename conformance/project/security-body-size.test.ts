// dg:security:body-size-cap: a response body over 1 MiB is refused, by its Content-Length before
// reading, or by cancelling the stream once it grows past the cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RESPONSE_BYTES, None, customFetch, discovery, initiateDeviceAuthorization, type CustomFetch } from '../../lib/index.js';
import { CLIENT_ID, ISSUER, deviceBody, json, configFor } from '../support/harness.js';
import { assertCode, rejection, device, pollError } from '../support/security-side.js';

/**
 * A body stream that counts pulls and cancels, and produces `chunk` bytes per pull, up to 8 MiB
 * (so that a client without a streaming cap fails the test instead of reading forever).
 */
function endless(chunk: number): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let cancelled = false;
  const bytes = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulls++;
        if (pulls * chunk > 8 * MAX_RESPONSE_BYTES) controller.close();
        else controller.enqueue(bytes);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

test('dg:security:body-size-cap a Content-Length above 1 MiB is refused before the body is read', async () => {
  const bodies: Array<ReturnType<typeof endless>> = [];
  const fetch: CustomFetch = async () => {
    const body = endless(1024);
    bodies.push(body);
    return new Response(body.stream, { headers: { 'content-type': 'application/json', 'content-length': String(MAX_RESPONSE_BYTES + 1) } });
  };
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch))), 'OAUTH_RESPONSE_TOO_LARGE', 'device');
  assertCode(await rejection(discovery(new URL(ISSUER), CLIENT_ID, undefined, None(), { [customFetch]: fetch })), 'OAUTH_RESPONSE_TOO_LARGE', 'discovery');
  // At the token endpoint it counts as a transient failure (retried with backoff until the deadline).
  assertCode(await pollError(configFor(fetch), device({ expires_in: 5 })), 'OAUTH_TIMEOUT', 'token');
  assert.ok(bodies.length >= 3);
  for (const body of bodies) {
    assert.equal(body.pulls(), 0, 'the body was never read');
    assert.equal(body.cancelled(), true, 'the body was cancelled');
  }
  assert.equal(MAX_RESPONSE_BYTES, 1024 * 1024);
});

test('dg:security:body-size-cap a body that keeps streaming past 1 MiB is cancelled with OAUTH_RESPONSE_TOO_LARGE', async () => {
  const body = endless(64 * 1024);
  const fetch: CustomFetch = async () => new Response(body.stream, { headers: { 'content-type': 'application/json' } });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(fetch))), 'OAUTH_RESPONSE_TOO_LARGE');
  assert.equal(body.cancelled(), true);
  // 16 chunks make exactly 1 MiB, the 17th passes the cap: reading stops there.
  assert.ok(body.pulls() >= 17 && body.pulls() <= 18, `pulls: ${body.pulls()}`);

  // A lying Content-Length (small) does not help: the streaming check still applies.
  const liar = endless(64 * 1024);
  const lying: CustomFetch = async () => new Response(liar.stream, { headers: { 'content-type': 'application/json', 'content-length': '10' } });
  assertCode(await rejection(initiateDeviceAuthorization(configFor(lying))), 'OAUTH_RESPONSE_TOO_LARGE');
  assert.equal(liar.cancelled(), true);
});

test('dg:security:body-size-cap a body of exactly 1 MiB is accepted; one byte more is refused', async () => {
  const exact = (extra: number): CustomFetch => async () => {
    const base = JSON.stringify(deviceBody({ padding: '' }));
    const padding = 'x'.repeat(MAX_RESPONSE_BYTES - Buffer.byteLength(base) + extra);
    return json(deviceBody({ padding }));
  };
  const response = await initiateDeviceAuthorization(configFor(exact(0)));
  assert.equal((response['padding'] as string).length + Buffer.byteLength(JSON.stringify(deviceBody({ padding: '' }))), MAX_RESPONSE_BYTES);
  assertCode(await rejection(initiateDeviceAuthorization(configFor(exact(1)))), 'OAUTH_RESPONSE_TOO_LARGE');
});
