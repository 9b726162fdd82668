// dg:perf:error-body-redaction: the CPU one huge error body costs the classifier of a poll, mostly
// redaction: a 0.9 MB body of 50,000 members, none of which holds a secret, answered with a 503
// (a transient failure: it is read, parsed and redacted, then retried). Median of RUNS runs.
//
// Run by run.ts as `node dist/conformance/bench/error-body.js`.

import { classifyTokenResponse } from '../../lib/index.js';
import { emit, median, round } from './support.js';

const RUNS = 20;
/** Budget: spec/project.md, row dg:perf:error-body-redaction. */
const BUDGET_MS = 50;

const members: Record<string, string> = { error: 'server_error' };
for (let i = 0; i < 50_000; i++) members[`m${i}`] = `val${i}`;
const text = JSON.stringify(members);
const secrets = ['dc+&%=/ 1', 'se: cret+ /%&=£€', 'Basic ZGV2OnNlY3JldA==', 'ZGV2OnNlY3JldA=='];

const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const response = new Response(text, { status: 503, headers: { 'content-type': 'application/json' } });
  const started = performance.now();
  const outcome = classifyTokenResponse({ response, text, receivedAt: Date.now() }, secrets);
  times.push(performance.now() - started);
  if (outcome.kind !== 'transient') throw new Error(`unexpected outcome ${outcome.kind}`);
}
const value = round(median(times), 2);
console.log(`error-body: ${(text.length / 2 ** 20).toFixed(2)} MiB, 50,000 members, median of ${RUNS}: ${value} ms (min ${round(Math.min(...times), 2)} ms)`);
emit([{ id: 'dg:perf:error-body-redaction', metric: 'CPU to classify one 0.9 MB, 50,000-member 503 error body', value, unit: 'ms', budget: BUDGET_MS, details: { bytes: text.length, runs: RUNS } }]);
