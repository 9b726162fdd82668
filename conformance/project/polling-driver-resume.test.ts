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
