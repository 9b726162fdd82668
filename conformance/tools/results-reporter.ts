// A node:test custom reporter that writes one JSON line per finished leaf test:
//   {"name": "...", "file": "...", "status": "pass" | "fail"}
// The traceability gate (trace.ts) reads these lines. Use it next to the spec reporter:
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//     --test-reporter=./dist/conformance/tools/results-reporter.js \
//     --test-reporter-destination=.test-results.jsonl dist/conformance
//
// What counts, given Node 20's event shapes:
// - Only `test:pass` and `test:fail` events. Children always finish before their parent.
// - Suites (`describe`, where details.type === 'suite') are never written.
// - A test that has subtests is not a leaf, so it is written only when it fails and none of
//   its subtests failed: its own failure (an assertion after the subtests) is not lost.
// - `todo` and `skip` tests are not written: they never count as passing. A `todo` test that
//   fails does not fail the run either.
// - A file that crashes while loading comes as a failed test named after the file. It is
//   written, and since its name holds no requirement ID, the gate reports it.
// - gate-preload.ts reports, for each test, `dg-assertions N` and `dg-exercised ID ...` as
//   diagnostics, which node emits right after the test's pass or fail event at the same nesting.
//   They become the line's `assertions` and `exercised` fields; a line is therefore written only
//   when the next test event of its file (or the end of the stream) arrives.

import { relative, isAbsolute } from 'node:path';

interface TestEventData {
  name: string;
  message?: string;
  nesting: number;
  file?: string;
  skip?: boolean | string;
  todo?: boolean | string;
  details?: { type?: string };
}

interface TestEvent {
  type: string;
  data?: unknown;
}

export interface ResultLine {
  name: string;
  file: string;
  status: 'pass' | 'fail';
  /** node:assert calls the test made (gate-preload.ts); absent when the preload did not run. */
  assertions?: number;
  /** The IDs of the title whose tagged lib lines ran during the test; absent without the preload. */
  exercised?: string[];
}

function displayFile(file: string | undefined): string {
  if (file === undefined) return '';
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export default async function* resultsReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  // Per test file, and for each nesting level: did a test finish at that level, and did one
  // fail, since the last test finished one level up? Index n + 1 therefore describes the
  // children of a test at level n. Node 20 reports each file's events in order; keeping the
  // state per file means that would still hold if files' events interleaved.
  const perFile = new Map<string, { finished: boolean[]; failed: boolean[] }>();
  // The last line of each file not written yet, waiting for its diagnostics.
  const held = new Map<string, { line: ResultLine; nesting: number }>();
  const flush = function* (file: string): Generator<string> {
    const entry = held.get(file);
    if (entry === undefined) return;
    held.delete(file);
    yield `${JSON.stringify(entry.line)}\n`;
  };

  for await (const event of source) {
    if (event.type === 'test:diagnostic') {
      const data = event.data as TestEventData;
      const entry = held.get(data.file ?? '');
      const message = data.message ?? '';
      if (entry === undefined || entry.nesting !== data.nesting) continue;
      const assertions = /^dg-assertions (\d+)$/.exec(message);
      if (assertions) entry.line.assertions = Number(assertions[1]);
      else if (/^dg-exercised( |$)/.test(message)) entry.line.exercised = message.split(' ').slice(1).filter((id) => id !== '');
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data as TestEventData;
    yield* flush(data.file ?? '');
    const level = data.nesting;
    let state = perFile.get(data.file ?? '');
    if (state === undefined) {
      state = { finished: [], failed: [] };
      perFile.set(data.file ?? '', state);
    }
    const { finished, failed } = state;
    const hadChildren = finished[level + 1] === true;
    const childFailed = failed[level + 1] === true;
    finished[level + 1] = false;
    failed[level + 1] = false;

    const passed = event.type === 'test:pass';
    const ignored = Boolean(data.skip) || Boolean(data.todo);
    finished[level] = true;
    if (!passed && !ignored) failed[level] = true;

    if (data.details?.type === 'suite' || ignored) continue;
    if (hadChildren && (passed || childFailed)) continue;

    const line: ResultLine = { name: data.name, file: displayFile(data.file), status: passed ? 'pass' : 'fail' };
    held.set(data.file ?? '', { line, nesting: level });
  }
  for (const file of [...held.keys()]) yield* flush(file);
}
