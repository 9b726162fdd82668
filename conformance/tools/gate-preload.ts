// Preloaded into every test process by `npm test` (node --test --import ./dist/conformance/tools/gate-preload.js).
// It gives the traceability gate two facts per test, as node:test diagnostics that
// results-reporter.ts copies into .test-results.jsonl:
//   dg-assertions N       how many node:assert calls the test made (a test with none proves nothing);
//   dg-exercised ID ...   which IDs of the test's title had an ID-tagged line of dist/lib run
//                         during the test (code-tags.ts), in this process or in a child it spawned.
//
// Assertions: every method of node:assert and node:assert/strict is wrapped to count its calls
// (both are mutable objects; syncBuiltinESMExports() updates the named imports), except three
// methods of the loose object that node:assert compares by identity. A bare `assert(value)`
// call is not a method call and is not counted: write assert.ok(value).
//
// Execution: V8 precise block coverage over an inspector session, taken at the start and at the
// end of each test. A take resets V8's counters for the whole isolate, which would rob c8 (it
// reads the NODE_V8_COVERAGE dump written at exit) of everything counted before; so every take is
// kept and written into the NODE_V8_COVERAGE directory at exit as one more coverage file, which
// c8 merges with the rest. Child processes a test spawns with the inherited environment load this
// module too (NODE_OPTIONS), and append the IDs whose tagged lines they ran to the file named by
// DG_TEST_CHILD_TAGS, which the test process reads when the test ends.

import assertLoose from 'node:assert';
import assertStrict from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findCodeTags, lineExecuted, type CodeTag, type FunctionCoverage } from './code-tags.js';
import { leadingIds } from './spec-catalog.js';

const CHILD_TAGS_ENV = 'DG_TEST_CHILD_TAGS';
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// The compiled library, whose tagged lines are watched; a test of this preload points it elsewhere.
const LIB_DIR = process.env['DG_PRELOAD_LIB_DIR'] ?? join(PACKAGE_ROOT, 'dist', 'lib');
const LIB_URL = `${pathToFileURL(LIB_DIR).href}/`;

// --- modes ------------------------------------------------------------------------------------
// 'child': spawned, directly or not, by a test file's process, which marked the environment with
//   DG_PRELOAD_TEST_PROCESS (NODE_TEST_CONTEXT is inherited too, so it cannot tell them apart);
//   it reports to DG_TEST_CHILD_TAGS when a test was running at the spawn, and never registers
//   test hooks, which would make node:test print a report on the child's stdout.
// 'tests': a test file's process under `node --test` (node sets NODE_TEST_CONTEXT there).
// 'runner': the `node --test` process itself, which runs no test: only the exit dump applies.
const TEST_PROCESS_ENV = 'DG_PRELOAD_TEST_PROCESS';
const mode = process.env[TEST_PROCESS_ENV] !== undefined ? 'child' : process.env['NODE_TEST_CONTEXT'] !== undefined ? 'tests' : 'runner';
if (mode === 'tests') process.env[TEST_PROCESS_ENV] = String(process.pid);

// --- assertion counting -------------------------------------------------------------------

let assertions = 0;
const COUNTED = Symbol.for('device-grant.counted-assertion');

// node:assert compares some functions it is given with its own properties (`fn === assert.match`
// decides between match and doesNotMatch), so those properties of the loose object must stay
// the originals. The strict object, which every test imports, is wrapped whole.
const IDENTITY_CHECKED = ['match', 'rejects', 'doesNotReject'];

function countCalls(target: object, keep: readonly string[]): void {
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const original = record[key];
    if (keep.includes(key)) continue;
    // Classes (AssertionError, CallTracker) and the nested `strict` object are left alone.
    if (typeof original !== 'function' || /^[A-Z]/.test(key) || key === 'strict') continue;
    if ((original as unknown as Record<symbol, unknown>)[COUNTED] === true) continue;
    const counted = function (this: unknown, ...args: unknown[]): unknown {
      assertions++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    Object.defineProperty(counted, COUNTED, { value: true });
    Object.defineProperty(counted, 'name', { value: original.name });
    record[key] = counted;
  }
}

// --- per-test execution of tagged lines -----------------------------------------------------

interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

function libTags(): Map<string, CodeTag[]> {
  const byUrl = new Map<string, CodeTag[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        const tags = findCodeTags(readFileSync(path, 'utf8')).filter((t) => t.targetLine > 0);
        if (tags.length > 0) byUrl.set(pathToFileURL(path).href, tags);
      }
    }
  };
  if (existsSync(LIB_DIR)) walk(LIB_DIR);
  return byUrl;
}

const tagsByUrl = libTags();
const kept: ScriptCoverage[] = [];
const session = new Session();
session.connect();

function post(method: string, params?: object): unknown {
  let out: unknown;
  let failure: unknown;
  // A session on the main thread answers synchronously.
  session.post(method, params ?? {}, (error, result) => {
    failure = error;
    out = result;
  });
  if (failure) throw failure;
  return out;
}

post('Profiler.enable');
post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

/** Takes (and so resets) the coverage counters; keeps lib scripts for c8; returns the IDs whose tagged lines ran. */
function takeExecutedIds(): Set<string> {
  const { result } = post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
  const ids = new Set<string>();
  for (const script of result) {
    if (!script.url.startsWith(LIB_URL)) continue;
    kept.push(script);
    for (const tag of tagsByUrl.get(script.url) ?? []) {
      if (tag.ids.some((id) => !ids.has(id)) && lineExecuted(script.functions, tag.targetStart, tag.targetEnd)) {
        for (const id of tag.ids) ids.add(id);
      }
    }
  }
  return ids;
}

process.on('exit', () => {
  const executed = takeExecutedIds();
  const childFile = process.env[CHILD_TAGS_ENV];
  if (mode === 'child' && childFile !== undefined && executed.size > 0) appendFileSync(childFile, `${[...executed].join('\n')}\n`);
  const dir = process.env['NODE_V8_COVERAGE'];
  if (dir !== undefined && kept.length > 0 && existsSync(dir)) {
    writeFileSync(join(dir, `coverage-dg-preload-${process.pid}-${Date.now()}.json`), JSON.stringify({ result: kept }));
  }
});

countCalls(assertLoose, IDENTITY_CHECKED);
countCalls(assertStrict, []);
syncBuiltinESMExports();

if (mode === 'tests') {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  const preload = `--import=${self}`;
  const options = process.env['NODE_OPTIONS'] ?? '';
  if (!options.includes(preload)) process.env['NODE_OPTIONS'] = `${options} ${preload}`.trim();
  const { beforeEach, afterEach } = await import('node:test');
  let serial = 0;
  // A take costs a few milliseconds (V8 serializes every script that ran since the last one), so
  // the take that ends one test also starts the next: between the two only the runner's own code
  // and the previous test's t.after() hooks run. A test that follows no take (the first one, or
  // the first subtest inside a parent) takes its own.
  let counting = false;
  beforeEach(() => {
    assertions = 0;
    if (!counting) takeExecutedIds();
    counting = false;
    const file = join(tmpdir(), `dg-child-tags-${process.pid}-${++serial}.txt`);
    rmSync(file, { force: true });
    process.env[CHILD_TAGS_ENV] = file;
  });
  afterEach((t) => {
    if (!('diagnostic' in t)) return;
    const executed = takeExecutedIds();
    counting = true;
    const file = process.env[CHILD_TAGS_ENV];
    delete process.env[CHILD_TAGS_ENV];
    if (file !== undefined && existsSync(file)) {
      for (const id of readFileSync(file, 'utf8').split('\n')) if (id !== '') executed.add(id);
      rmSync(file, { force: true });
    }
    t.diagnostic(`dg-assertions ${assertions}`);
    t.diagnostic(`dg-exercised ${leadingIds(t.name).filter((id) => executed.has(id)).join(' ')}`.trim());
  });
}
