// dg:perf:error-body-redaction: the CPU one huge error body costs the classifier of a poll, mostly
// redaction: a 0.9 MB body of 50,000 members, none of which holds a secret, answered with a 503
// (a transient failure: it is read, parsed and redacted, then retried). Judged as a ratio to the
// floor in the same run, as every speed budget is: the floor parses the same body and branches on
// its error member, which any client must do. Both are timed in turns, RUNS times; medians.
//
// Run by run.ts as `node dist/conformance/bench/error-body.js`.

import { classifyTokenResponse } from '../../lib/index.js';
import { emit, median, round } from './support.js';

const RUNS = 20;
/** Budget: spec/project.md, row dg:perf:error-body-redaction (× the floor). */
const BUDGET_RATIO = 2;

const members: Record<string, string> = { error: 'server_error' };
for (let i = 0; i < 50_000; i++) members[`m${i}`] = `val${i}`;
const text = JSON.stringify(members);
const secrets = ['dc+&%=/ 1', 'se: cret+ /%&=£€', 'Basic ZGV2OnNlY3JldA==', 'ZGV2OnNlY3JldA=='];

/** What the floor client does with an error answer: parse it and branch on `error`. */
function floor(body: string): string {
  const parsed = JSON.parse(body) as { error?: unknown };
  return typeof parsed.error === 'string' ? 'retry' : 'fail';
}

const floorTimes: number[] = [];
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let started = performance.now();
  if (floor(text) !== 'retry') throw new Error('the floor did not read the error');
  floorTimes.push(performance.now() - started);
  const response = new Response(text, { status: 503, headers: { 'content-type': 'application/json' } });
  started = performance.now();
  const outcome = classifyTokenResponse({ response, text, receivedAt: Date.now() }, secrets);
  times.push(performance.now() - started);
  if (outcome.kind !== 'transient') throw new Error(`unexpected outcome ${outcome.kind}`);
}
const ms = median(times);
const floorMs = median(floorTimes);
const ratio = round(ms / floorMs, 3);
console.log(
  `error-body: ${(text.length / 2 ** 20).toFixed(2)} MiB, 50,000 members, median of ${RUNS}: device-grant ${round(ms, 2)} ms, floor (JSON.parse + branch) ${round(floorMs, 2)} ms: ${ratio} × floor (budget ≤ ${BUDGET_RATIO})`,
);
emit([
  {
    id: 'dg:perf:error-body-redaction',
    metric: 'CPU to classify one 0.9 MB, 50,000-member 503 error body, over the floor parsing it and branching',
    value: ratio,
    unit: '× floor',
    budget: BUDGET_RATIO,
    details: { bytes: text.length, runs: RUNS, ms: round(ms, 2), floorMs: round(floorMs, 2) },
  },
]);
