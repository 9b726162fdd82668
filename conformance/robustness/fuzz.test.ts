// The fixed seed set of the robustness fuzzer (dg:security:fuzz-invariants), inside npm test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTimers, runSeeds } from './fuzz.js';

const SEEDS = 96;

test('dg:security:fuzz-invariants dg:polling:single-flight dg:security:encoded-secret-redaction 96 fixed seeds of hostile server behaviour: every run ends typed and in time, no early poll, one request at a time, no secret shown, no pollution, no leaked timer', async () => {
  const timersBefore = liveTimers();
  const reports = await runSeeds(1, SEEDS + 1, 32);
  const violations = reports.flatMap((r) => r.violations.map((v) => `seed ${r.seed}: ${v}`));
  assert.deepEqual(violations, []);
  // The seeds reach every stage: some runs get a token, some fail at each endpoint.
  assert.ok(reports.some((r) => r.outcome === 'token'));
  assert.ok(reports.some((r) => r.polls > 3));
  assert.ok(new Set(reports.map((r) => r.code)).size > 5);
  // Late answers of fetches that ignore their signal settle within 100 ms; after that, no timer is left.
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.ok(liveTimers() <= timersBefore, `${liveTimers()} timers alive, ${timersBefore} before`);
});
