// What the driver reports while it polls and when it ends: onPoll events (never the device_code),
// onState states after every step, and the shape of the token result. Scripted token endpoint, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json } from '../support/harness.js';
import {
  DEVICE_CODE,
  T0,
  initiate,
  networkError,
  oauthError,
  pending,
  run,
  script,
  slowDown,
  tokenResponse,
  flow,
} from '../support/polling-side.js';
import { spellings } from '../support/security-side.js';

const S = 1000;

test('dg:security:onpoll-no-device-code onPoll gets attempt, interval, remaining, nextPollAt and lastOutcome, and never the device_code', async () => {
  const { events, token } = await flow([pending(), slowDown(), networkError, tokenResponse()]);
  assert.ok(token);
  assert.deepEqual(events, [
    { attempt: 0, interval: 5, remaining: 600, nextPollAt: T0 + 5 * S },
    { attempt: 1, interval: 5, remaining: 595, nextPollAt: T0 + 10 * S, lastOutcome: 'pending' },
    { attempt: 2, interval: 10, remaining: 590, nextPollAt: T0 + 20 * S, lastOutcome: 'slow_down' },
    { attempt: 3, interval: 10, remaining: 580, nextPollAt: T0 + 40 * S, lastOutcome: 'transient' },
  ]);
  for (const event of events) {
    const text = JSON.stringify(event) + Object.values(event).map(String).join();
    for (const spelling of spellings(DEVICE_CODE)) assert.ok(!text.includes(spelling));
    assert.ok(!text.includes('dc+'));
    for (const key of Object.keys(event)) assert.ok(['attempt', 'interval', 'remaining', 'nextPollAt', 'lastOutcome'].includes(key), key);
  }
});

test('dg:polling:state-json onState delivers the JSON state after every step: start, each timer and each response', async () => {
  const { states, token } = await flow([pending(), tokenResponse()]);
  assert.ok(token);
  assert.deepEqual(
    states.map((s) => s.phase),
    ['waiting', 'requesting', 'waiting', 'requesting', 'done'],
  );
  for (const state of states) {
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    assert.equal(state.v, 1);
    assert.equal(state.device_code, DEVICE_CODE);
  }
  assert.deepEqual(states.map((s) => s.polls), [0, 1, 1, 2, 2]);
  const denied = await flow([oauthError('access_denied')]);
  assert.equal(denied.states.at(-1)?.phase, 'failed');
});

test('dg:compat:token-result-shape the result keeps every server member, lower-cases token_type, and adds non-enumerable claims() and expiresIn()', async () => {
  const body = { access_token: 'at', token_type: 'BeArEr', expires_in: 3600, refresh_token: 'rt', custom: { nested: [1, 2] }, 'x-vendor': 'v' };
  const s = script([json(body)]);
  const result = await run(s, await initiate(s));
  const token = result.token!;
  assert.deepEqual({ ...token }, { ...body, token_type: 'bearer' });
  assert.deepEqual(Object.keys(token).sort(), Object.keys(body).sort());
  assert.equal('scope' in token, false, 'no scope is made up');
  assert.equal(Object.prototype.propertyIsEnumerable.call(token, 'claims'), false);
  assert.equal(Object.prototype.propertyIsEnumerable.call(token, 'expiresIn'), false);
  assert.equal(JSON.stringify(token).includes('claims'), false);
  assert.equal(token.claims(), undefined);
  assert.equal(token.expiresIn(), 3600);
  await s.clock.sleep(1500);
  assert.equal(token.expiresIn(), 3598, 'whole seconds, rounded down');
  await s.clock.sleep(3598 * S);
  assert.equal(token.expiresIn(), 0);
  await s.clock.sleep(3600 * S);
  assert.equal(token.expiresIn(), 0, 'never negative');
  const s2 = script([json({ access_token: 'at', token_type: 'DPoP', scope: 'openid' })]);
  const other = (await run(s2, await initiate(s2))).token!;
  assert.equal(other.token_type, 'dpop');
  assert.equal(other.scope, 'openid');
  assert.equal(other.expiresIn(), undefined);
  const s3 = script([json({ access_token: 'at', token_type: 'N_A' })]);
  const allowed = (await run(s3, await initiate(s3), { allowedTokenTypes: ['n_a'] })).token!;
  assert.equal(allowed.token_type, 'n_a');
});
