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

import { relative, isAbsolute } from 'node:path';

interface TestEventData {
  name: string;
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

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data as TestEventData;
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
    yield `${JSON.stringify(line)}\n`;
  }
}
