// The gate preload at work: a crafted library with ID comments and a crafted test file run under
// `node --test --import gate-preload.js` with the results reporter, in a scratch folder. One run
// (about a second) serves all the tests below.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultLine } from './results-reporter.js';

const PRELOAD = new URL('./gate-preload.js', import.meta.url).href;
const REPORTER = fileURLToPath(new URL('./results-reporter.js', import.meta.url));

const LIB = `export function waits() {
  // rfc9999:3:wait: "The client MUST wait"
  return 1;
}

export function logs() {
  // rfc9999:3:log: "The client SHOULD log"
  return 2;
}
`;

const TESTS = `import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { equal } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waits } from './lib/thing.js';

let childOut = '';
before(() => {
  childOut = String(spawnSync(process.execPath, ['-e', 'console.log("hi")']).stdout);
});

test('rfc9999:3:log a child spawned outside any test prints only its own output', () => {
  assert.equal(childOut, 'hi\\n');
});
test('rfc9999:3:wait rfc9999:3:log waits but never logs', () => {
  assert.equal(waits(), 1);
});
test('rfc9999:3:log logs in a child process', () => {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./child.mjs', import.meta.url))]);
  assert.equal(child.status, 0, String(child.stderr));
});
test('rfc9999:3:wait asserts nothing', () => {
  waits();
});
test('rfc9999:3:wait asserts through rejects, a named import and match', async () => {
  await assert.rejects(Promise.reject(new Error('x')));
  equal(1, 1);
  assert.match('abc', /b/);
  assert.doesNotMatch('abc', /z/);
});
`;

interface Run {
  lines: ResultLine[];
  /** Sum of the counts of the function `waits` and `logs` in every coverage file written. */
  counts: { waits: number; logs: number };
}

let runOutcome: Run | undefined;

before(() => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-preload-'));
  try {
    mkdirSync(join(dir, 'lib'));
    mkdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'lib', 'thing.js'), LIB);
    writeFileSync(join(dir, 'child.mjs'), "import { logs } from './lib/thing.js';\nlogs();\n");
    writeFileSync(join(dir, 'fixture.test.mjs'), TESTS);
    const env: NodeJS.ProcessEnv = { ...process.env, DG_PRELOAD_LIB_DIR: join(dir, 'lib'), NODE_V8_COVERAGE: join(dir, 'coverage') };
    // This file itself runs under the preload: none of its state may leak into the crafted run.
    for (const key of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'DG_TEST_CHILD_TAGS', 'DG_PRELOAD_TEST_PROCESS']) delete env[key];
    const out = join(dir, 'results.jsonl');
    const child = spawnSync(
      process.execPath,
      ['--test', `--import=${PRELOAD}`, `--test-reporter=${REPORTER}`, `--test-reporter-destination=${out}`, 'fixture.test.mjs'],
      { cwd: dir, env, encoding: 'utf8' },
    );
    assert.equal(child.status, 0, child.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultLine);
    const counts = { waits: 0, logs: 0 };
    for (const file of readdirSync(join(dir, 'coverage'))) {
      const { result } = JSON.parse(readFileSync(join(dir, 'coverage', file), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };
      for (const script of result.filter((s) => s.url.endsWith('/lib/thing.js'))) {
        for (const fn of script.functions) {
          if (fn.functionName === 'waits' || fn.functionName === 'logs') counts[fn.functionName] += fn.ranges[0]?.count ?? 0;
        }
      }
    }
    runOutcome = { lines, counts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function line(prefix: string): ResultLine | undefined {
  return runOutcome?.lines.find((l) => l.name.startsWith(prefix));
}

test('dg:gate:assertions-counted every node:assert call is counted per test, rejects, named imports and match included', () => {
  assert.equal(runOutcome?.lines.length, 5);
  assert.equal(line('rfc9999:3:wait rfc9999:3:log')?.assertions, 1);
  assert.equal(line('rfc9999:3:log logs')?.assertions, 1);
  assert.equal(line('rfc9999:3:wait asserts nothing')?.assertions, 0);
  // match and doesNotMatch keep their meaning under the wrapper: both passed above.
  assert.equal(line('rfc9999:3:wait asserts through')?.assertions, 4);
  assert.equal(line('rfc9999:3:wait asserts through')?.status, 'pass');
});

test('dg:gate:per-test-execution a multi-ID test is credited only with the IDs whose tagged lines it ran', () => {
  assert.deepEqual(line('rfc9999:3:wait rfc9999:3:log')?.exercised, ['rfc9999:3:wait']);
  assert.deepEqual(line('rfc9999:3:wait asserts nothing')?.exercised, ['rfc9999:3:wait']);
});

test('dg:gate:per-test-execution lines run by a child process the test spawned count for the test', () => {
  assert.deepEqual(line('rfc9999:3:log logs')?.exercised, ['rfc9999:3:log']);
});

test('dg:gate:per-test-execution a process spawned outside any test (in a before hook) gets no test hooks: its stdout is its own', () => {
  assert.equal(line('rfc9999:3:log a child spawned')?.status, 'pass');
});

test('dg:gate:per-test-execution c8 still sees every call: the taken coverage is written to NODE_V8_COVERAGE', () => {
  // waits ran in two tests of the test process; logs once, in the child.
  assert.equal(runOutcome?.counts.waits, 2);
  assert.equal(runOutcome?.counts.logs, 1);
});

test('dg:gate:test-timeout on this Node, a hanging test fails at --test-timeout instead of blocking the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-timeout-'));
  try {
    writeFileSync(join(dir, 'hang.test.mjs'), "import { test } from 'node:test';\ntest('hangs', () => new Promise(() => { setInterval(() => {}, 1000); }));\n");
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'DG_TEST_CHILD_TAGS', 'DG_PRELOAD_TEST_PROCESS', 'NODE_V8_COVERAGE']) delete env[key];
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--test', '--test-timeout=300', 'hang.test.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(child.status, 1);
    assert.match(child.stdout, /test timed out after 300ms/);
    assert.ok(Date.now() - started < 15_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
