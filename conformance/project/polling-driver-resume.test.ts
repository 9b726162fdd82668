// resumeDeviceAuthorizationGrant in one process: a JSON copy of a saved state carries on with the same
// timing, a state saved mid-request waits a full interval, and a malformed state is refused.
// Scripted token endpoint, fake clock (resume.test.ts covers resume across real processes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, type PollingState } from '../../lib/index.js';
import { T0, initiate, pending, run, script, slowDown, tokenResponse } from '../support/polling-side.js';
import { untilAborted } from '../support/never-answers.js';

const S = 1000;

test('dg:polling:resume-no-early dg:polling:state-json resumeDeviceAuthorizationGrant carries on from a JSON copy of a saved state with the same timing', async () => {
  const s = script([pending(), slowDown(), pending(), tokenResponse()]);
  const device = await initiate(s);
  const controller = new AbortController();
  let saved: PollingState | undefined;
  const first = await run(s, device, {
    signal: controller.signal,
    onState: (state) => {
      if (state.polls === 2 && state.phase === 'waiting') {
        saved = JSON.parse(JSON.stringify(state)) as PollingState;
        controller.abort();
      }
    },
  });
  assert.equal((first.error as ClientError).code, 'OAUTH_ABORT');
  assert.ok(saved);
  assert.equal(saved.interval, 10);
  const resumed = await run(s, undefined, { resumeFrom: saved });
  assert.ok(resumed.token);
  assert.deepEqual(s.tokenCalls.map((c) => (c.time - T0) / S), [5, 10, 20, 30]);
  assert.equal(resumed.states.at(-1)?.polls, 4);
  // Saved while a request was in flight: the resumed flow waits a full interval from that request.
  // The lost request ends with its process (here: on the abort); one still running would hold the next back (dg:polling:single-flight).
  const s2 = script([pending(), ({ init }) => untilAborted(init.signal), tokenResponse()]);
  let inFlight: PollingState | undefined;
  const controller2 = new AbortController();
  const lost = run(s2, await initiate(s2), {
    signal: controller2.signal,
    onState: (state) => {
      if (state.phase === 'requesting' && state.polls === 2) {
        inFlight = JSON.parse(JSON.stringify(state)) as PollingState;
        setImmediate(() => controller2.abort());
      }
    },
  });
  assert.equal(((await lost).error as ClientError).code, 'OAUTH_ABORT');
  assert.equal(inFlight?.sentAt, T0 + 10 * S);
  await s2.clock.sleep(2 * S); // the process restarts 2 s later
  const again = await run(s2, undefined, { resumeFrom: inFlight! });
  assert.ok(again.token);
  assert.deepEqual(s2.tokenCalls.map((c) => (c.time - T0) / S), [5, 10, 15]);
  // A malformed saved state is refused before any request.
  const bad = await run(s2, undefined, { resumeFrom: { ...inFlight!, v: 2 } as unknown as PollingState });
  assert.equal((bad.error as ClientError).code, 'OAUTH_INVALID_STATE');
  assert.equal(s2.tokenCalls.length, 3);
});

test('dg:polling:expires-in-cap dg:polling:interval-floor a resumed state is held to 24 h from now, not from its own wake-up: one planned a year ahead ends at 24 h without a request', async () => {
  const s = script([]);
  const start = s.clock.now();
  const year = 365 * 86_400 * S;
  const far: PollingState = { v: 1, phase: 'waiting', device_code: 'dc-wakes-next-year', interval: 5, deadline: start + year + 3600 * S, wakeAt: start + year, failures: 0, polls: 0, backoffCap: 60 };
  const resumed = await run(s, undefined, { resumeFrom: far });
  assert.ok(resumed.error instanceof ClientError && resumed.error.error === 'expired_token', `${String(resumed.error)} after ${(resumed.end - start) / S} s`);
  assert.equal(s.tokenCalls.length, 0);
  assert.equal(resumed.end - start, 86_400 * S, 'the flow ended 24 h from the resume, not a year later');
  // The caller's floor is applied to the resumed state as well: a 0.01 s interval becomes minInterval 2 s.
  const low = await run(s, undefined, { resumeFrom: { ...far, device_code: 'dc-low-interval', interval: 0.01, deadline: s.clock.now() + 600 * S, wakeAt: s.clock.now() }, minInterval: 2 });
  assert.ok(low.token);
  assert.equal(s.tokenCalls.length, 1);
  assert.equal(low.states[0]?.interval, 2);
});

test('dg:polling:state-json a malformed saved state is refused with OAUTH_INVALID_STATE before the options are checked, as poll checks the response before them', async () => {
  const s = script([]);
  for (const options of [{ now: 1 }, { minInterval: 0 }, { backoffCap: -1 }, { DPoP: {} }]) {
    const bad = await run(s, undefined, { resumeFrom: { v: 2 } as unknown as PollingState, ...(options as object) });
    assert.equal((bad.error as ClientError).code, 'OAUTH_INVALID_STATE', JSON.stringify(options));
    // With a good state, the same option is refused as a bad argument.
    const good: PollingState = { v: 1, phase: 'waiting', device_code: 'dc-bad-option', interval: 5, deadline: s.clock.now() + 600 * S, wakeAt: s.clock.now(), failures: 0, polls: 0, backoffCap: 60 };
    const refused = await run(s, undefined, { resumeFrom: good, ...(options as object) });
    assert.ok(refused.error instanceof TypeError && /^ERR_INVALID_ARG_/.test((refused.error as unknown as { code: string }).code), String(refused.error));
  }
  assert.equal(s.tokenCalls.length, 0);
});
