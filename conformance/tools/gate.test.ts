// The traceability gate fed crafted catalog text and crafted test results: each way of fooling
// it must fail it. These run in milliseconds: no test process, no file but what a test writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCodeTags, idsOfComment, lineExecuted } from './code-tags.js';
import { evaluate, type GateInput, type TagSite, type TestResult } from './gate.js';
import { findTestSites, renderReport } from './report.js';
import { keywordsIn, normalizeRfcText, quoteOccurs } from './rfc-text.js';
import { catalogFromTexts, leadingIds, loadCatalog } from './spec-catalog.js';

const HEAD = '| ID | Section | Keyword | Quote | Requirement | Where | Notes |\n|---|---|---|---|---|---|---|\n';

// A made-up RFC whose one sentence runs over a page break, as in the real .txt files.
const RFC_TEXT = [
  '3.  Polling',
  '',
  '   The client MUST wait between requests, and the client MAY stop at',
  '   any time.  Parameters MUST NOT be repeated.  The client SHOULD log',
  '',
  '',
  'Doe, et al.                  Standards Track                   [Page 5]',
  '\f',
  'RFC 9999                     Made-up Grant                  August 2019',
  '',
  '',
  '   the error for the user.',
].join('\n');

interface Fixture {
  rows?: string[];
  /** Extra catalog files: name → rows. */
  files?: Record<string, string[]>;
  results?: Partial<TestResult>[];
  tags?: Record<string, TagSite[]>;
  requireCodeTags?: boolean;
  testScript?: string;
}

function result(name: string, extra: Partial<TestResult> = {}): TestResult {
  return { name, file: 'conformance/x.test.ts', status: 'pass', assertions: 1, exercised: leadingIds(name), ids: leadingIds(name), ...extra };
}

function run(fixture: Fixture): { failures: string[]; warnings: string[]; outcome: ReturnType<typeof evaluate> } {
  const sources = [{ file: 'rfc9999.md', text: `# RFC 9999\n\n${HEAD}${(fixture.rows ?? []).join('\n')}\n` }];
  for (const [file, rows] of Object.entries(fixture.files ?? {})) sources.push({ file, text: `# ${file}\n\n${HEAD}${rows.join('\n')}\n` });
  const input: GateInput = {
    catalog: catalogFromTexts(sources),
    results: (fixture.results ?? []).map((r) => result(r.name ?? '', r)),
    resultProblems: [],
    rfcTexts: new Map([['rfc9999', normalizeRfcText(RFC_TEXT)]]),
    tags: new Map(Object.entries(fixture.tags ?? {})),
    requireCodeTags: fixture.requireCodeTags ?? false,
    exists: () => true,
    testScript: fixture.testScript ?? 'c8 node --test --test-timeout=30000 dist/conformance',
  };
  const outcome = evaluate(input);
  return { failures: outcome.failures.map((f) => `${f.group}: ${f.text}`), warnings: outcome.warnings.map((w) => w.text), outcome };
}

const WAIT = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | lib/a.ts | |';
const passingWait = { name: 'rfc9999:3:wait waits' };

test('dg:gate:quote-in-rfc the baseline passes: a quoted MUST row with a passing, asserting test', () => {
  assert.deepEqual(run({ rows: [WAIT], results: [passingWait] }).failures, []);
});

test('dg:gate:quote-in-rfc a quote that runs over a page break (footer, form feed, header) still matches', () => {
  const row = '| rfc9999:3:log | 3 | SHOULD | "The client SHOULD log the error for the user." | Logs. | lib/a.ts | |';
  assert.deepEqual(run({ rows: [row], results: [{ name: 'rfc9999:3:log logs' }] }).failures, []);
  assert.ok(quoteOccurs(normalizeRfcText(RFC_TEXT), 'The client  SHOULD\nlog the error'));
});

test('dg:gate:quote-in-rfc a quote that is not in the RFC text fails, and so does a keyword row without a quote', () => {
  const invented = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait forever" | Waits. | lib/a.ts | |';
  assert.match(run({ rows: [invented], results: [passingWait] }).failures.join('\n'), /quote does not occur in spec\/rfc\/rfc9999\.txt/);
  const unquoted = '| rfc9999:3:wait | 3 | MUST | — | Waits. | lib/a.ts | |';
  assert.match(run({ rows: [unquoted], results: [passingWait] }).failures.join('\n'), /must quote the sentence/);
  const unquotedMay = '| rfc9999:3:stop | 3 | MAY | — | Stops. | lib/a.ts | |';
  assert.match(run({ rows: [unquotedMay] }).failures.join('\n'), /MAY row of an RFC must quote/);
});

test('dg:gate:quote-in-rfc WIRE, DERIVED and our own rows may go without a quote, but a quote they give must occur in the text', () => {
  const wire = '| rfc9999:3:form | 3 | WIRE | — | Form. | lib/a.ts | |';
  const derived = '| rfc9999:3:no-repeat | 3 | DERIVED | "Parameters MUST NOT be repeated." | No repeats. | lib/a.ts | |';
  const own = '| dg:polling:own | polling | MUST | "the client MAY stop at any time" | Stops. | lib/a.ts | |';
  const results = [{ name: 'rfc9999:3:form f' }, { name: 'rfc9999:3:no-repeat n' }, { name: 'dg:polling:own o' }];
  assert.deepEqual(run({ rows: [wire, derived], files: { 'project.md': [own] }, results }).failures, []);
  const badOwn = '| dg:polling:own | polling | MUST | "the client MAY stop whenever" | Stops. | lib/a.ts | |';
  assert.match(run({ rows: [wire, derived], files: { 'project.md': [badOwn] }, results }).failures.join('\n'), /dg:polling:own .*does not occur in any text/);
  const badDerived = '| rfc9999:3:no-repeat | 3 | DERIVED | "Parameters are never repeated." | No repeats. | lib/a.ts | |';
  assert.match(run({ rows: [badDerived], results }).failures.join('\n'), /rfc9999:3:no-repeat .*does not occur/);
});

test('dg:gate:keyword-from-quote a MUST row downgraded to MAY fails: the keyword must be in the quote', () => {
  const downgraded = '| rfc9999:3:wait | 3 | MAY | "The client MUST wait between requests" | Waits. | lib/a.ts | |';
  assert.match(run({ rows: [downgraded], results: [passingWait] }).failures.join('\n'), /keyword MAY is not in the quote \(it has MUST\)/);
});

test('dg:gate:keyword-from-quote MUST does not match a MUST NOT sentence, nor MUST NOT a MUST one', () => {
  assert.deepEqual(keywordsIn('Parameters MUST NOT be repeated, and NOT RECOMMENDED or RECOMMENDED'), ['MUST NOT', 'NOT RECOMMENDED', 'RECOMMENDED']);
  const must = '| rfc9999:3:no-repeat | 3 | MUST | "Parameters MUST NOT be repeated." | No repeats. | lib/a.ts | |';
  assert.match(run({ rows: [must], results: [{ name: 'rfc9999:3:no-repeat n' }] }).failures.join('\n'), /keyword MUST is not in the quote \(it has MUST NOT\)/);
  const mustNot = '| rfc9999:3:wait | 3 | MUST NOT | "The client MUST wait between requests" | Waits. | lib/a.ts | |';
  assert.match(run({ rows: [mustNot], results: [passingWait] }).failures.join('\n'), /keyword MUST NOT is not in the quote/);
  const upgraded = '| rfc9999:3:log | 3 | MUST | "The client SHOULD log the error" | Logs. | lib/a.ts | |';
  assert.match(run({ rows: [upgraded], results: [{ name: 'rfc9999:3:log l' }] }).failures.join('\n'), /keyword MUST is not in the quote \(it has SHOULD\)/);
});

test('dg:gate:assertions-counted a test that asserts nothing fails the gate and credits none of its IDs', () => {
  const { failures, outcome } = run({ rows: [WAIT], results: [{ name: 'rfc9999:3:wait waits', assertions: 0 }] });
  assert.match(failures.join('\n'), /asserts nothing/);
  assert.match(failures.join('\n'), /rfc9999:3:wait .*no passing test/);
  assert.equal(outcome.credited.get('rfc9999:3:wait'), undefined);
});

test('dg:gate:assertions-counted a result without an assertion count (the preload did not run) fails the gate', () => {
  const { failures } = run({ rows: [WAIT], results: [{ name: 'rfc9999:3:wait waits', assertions: undefined }] });
  assert.match(failures.join('\n'), /no assertion count in the results/);
});

test('dg:gate:reason-of-substance "n/a: ." and other empty reasons fail, on any row', () => {
  const cases = ['n/a: .', 'n/a: n/a', 'deviates: -', 'pending: soon', 'deviates: we do'];
  for (const where of cases) {
    const row = `| rfc9999:3:log | 3 | SHOULD | "The client SHOULD log the error" | Logs. | ${where} | |`;
    assert.match(run({ rows: [row] }).failures.join('\n'), /reason of substance/, where);
  }
  const fine = '| rfc9999:3:log | 3 | SHOULD | "The client SHOULD log the error" | Logs. | n/a: the library never prints anything itself | |';
  assert.deepEqual(run({ rows: [fine] }).failures, []);
});

test('dg:gate:reason-of-substance a must-level n/a needs one of the named justifications', () => {
  const bare = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | n/a: the platform does the waiting for us | |';
  assert.match(run({ rows: [bare] }).failures.join('\n'), /named justification/);
  const named = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | n/a (platform): the platform does the waiting for us | |';
  assert.deepEqual(run({ rows: [named] }).failures, []);
  const unknown = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | n/a (because): the platform does the waiting for us | |';
  assert.match(run({ rows: [unknown] }).failures.join('\n'), /unknown n\/a justification "because"/);
  const onDeviates = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | deviates (platform): we do not wait at all here | |';
  assert.match(run({ rows: [onDeviates] }).failures.join('\n'), /only n\/a takes a justification/);
});

test('dg:gate:no-must-pending a pending must-level row fails wherever it is; a pending SHOULD row outside the zone does not', () => {
  const must = '| rfc9999:3:wait | 3 | MUST | "The client MUST wait between requests" | Waits. | pending: the polling work in lib/device | |';
  assert.match(run({ rows: [must] }).failures.join('\n'), /a must-level row may not be pending/);
  const own = '| dg:polling:later | polling | MUST | — | Later. | pending: the polling work in lib/device | |';
  assert.match(run({ files: { 'project.md': [own] } }).failures.join('\n'), /dg:polling:later .*may not be pending/);
  const should = '| rfc9999:3:log | 3 | SHOULD | "The client SHOULD log the error" | Logs. | pending: the logging work in lib/cli | |';
  assert.deepEqual(run({ rows: [should] }).failures, []);
});

test('dg:gate:code-tags with the switch off, neither code-tag rule applies', () => {
  const { failures } = run({ rows: [WAIT], results: [{ name: 'rfc9999:3:wait waits', exercised: [] }], tags: {} });
  assert.deepEqual(failures, []);
});

test('dg:gate:code-tags with the switch on, a must-level lib row without a tagged line fails', () => {
  const { failures } = run({ rows: [WAIT], results: [passingWait], tags: {}, requireCodeTags: true });
  assert.match(failures.join('\n'), /rfc9999:3:wait .*no line of lib\/ carries this ID/);
  const tagged = run({ rows: [WAIT], results: [passingWait], tags: { 'rfc9999:3:wait': [{ file: 'lib/a.ts', line: 3 }] }, requireCodeTags: true });
  assert.deepEqual(tagged.failures, []);
});

test('dg:gate:code-tags with the switch on, a multi-ID title that never ran one ID\'s tagged lines fails and is not credited with it', () => {
  const log = '| rfc9999:3:log | 3 | SHOULD | "The client SHOULD log the error" | Logs. | lib/b.ts | |';
  const tags = { 'rfc9999:3:wait': [{ file: 'lib/a.ts', line: 3 }], 'rfc9999:3:log': [{ file: 'lib/b.ts', line: 9 }] };
  const name = 'rfc9999:3:wait rfc9999:3:log waits and logs';
  const { failures, outcome } = run({ rows: [WAIT, log], results: [{ name, exercised: ['rfc9999:3:wait'] }], tags, requireCodeTags: true });
  assert.match(failures.join('\n'), /names rfc9999:3:log but ran none of its 1 tagged line \(lib\/b\.ts:9\)/);
  assert.equal(outcome.credited.get('rfc9999:3:log'), undefined);
  assert.equal(outcome.credited.get('rfc9999:3:wait')?.length, 1);
  const honest = run({ rows: [WAIT, log], results: [{ name, exercised: ['rfc9999:3:wait', 'rfc9999:3:log'] }], tags, requireCodeTags: true });
  assert.deepEqual(honest.failures, []);
  const noData = run({ rows: [WAIT], results: [{ name: 'rfc9999:3:wait w', exercised: undefined }], tags, requireCodeTags: true });
  assert.match(noData.failures.join('\n'), /ran none of its 1 tagged line/);
});

test('dg:gate:per-test-execution ID comments are read from a tagged line to the statement under it', () => {
  assert.deepEqual(idsOfComment(' rfc8628:3.5:slow-down: "the interval MUST be increased"'), ['rfc8628:3.5:slow-down']);
  assert.deepEqual(idsOfComment(' rfc8628:3.5:slow-down dg:polling:x, dg:polling:y: why'), ['rfc8628:3.5:slow-down', 'dg:polling:x', 'dg:polling:y']);
  assert.deepEqual(idsOfComment(' RFC 8628 §3.5: not an ID'), []);
  const source = 'const a = 1;\n  // rfc8628:3.5:slow-down: "quote"\n  // continued\n\n  state.interval += 5;\n// dg:polling:x: last\n';
  const tags = findCodeTags(source);
  assert.equal(tags.length, 2);
  assert.deepEqual(tags[0], { ids: ['rfc8628:3.5:slow-down'], line: 2, targetLine: 5, targetStart: source.indexOf('state'), targetEnd: source.indexOf('5;') + 2 });
  assert.equal(tags[1]?.targetLine, 0);
});

test('dg:gate:per-test-execution a tagged line ran when its innermost coverage range has a count above zero', () => {
  // function f(x) { if (x) { A } B }: the function ran once, the if-block never.
  const functions = [{ ranges: [{ startOffset: 0, endOffset: 100, count: 1 }, { startOffset: 20, endOffset: 40, count: 0 }] }];
  assert.equal(lineExecuted(functions, 25, 30), false);
  assert.equal(lineExecuted(functions, 50, 60), true);
  // A line that starts in module scope (count 0 since the last take) and opens a function that ran.
  const declaration = [{ ranges: [{ startOffset: 0, endOffset: 500, count: 0 }] }, { ranges: [{ startOffset: 7, endOffset: 80, count: 2 }] }];
  assert.equal(lineExecuted(declaration, 0, 20), true);
  assert.equal(lineExecuted([], 0, 20), false);
});

test('dg:gate:catalog-files README.md, design.md, REPORT.md and spec/rfc/ are not read as catalog files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-catalog-'));
  try {
    writeFileSync(join(dir, 'project.md'), `# p\n\n${HEAD}| dg:polling:a | polling | MUST | — | A. | lib/a.ts | |\n`);
    for (const file of ['README.md', 'design.md', 'REPORT.md']) writeFileSync(join(dir, file), '# not a catalog\n\n| a | b |\n|---|---|\n');
    mkdirSync(join(dir, 'rfc'));
    writeFileSync(join(dir, 'rfc', 'rfc9999.txt'), RFC_TEXT);
    const catalog = loadCatalog(dir);
    assert.deepEqual(catalog.files, ['project.md']);
    assert.deepEqual(catalog.problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = catalogFromTexts([{ file: 'rfc9999.md', text: `# r\n\n${HEAD}| rfc9999:3:wait | 3 | MUST | The client MUST wait | Waits. | lib/a.ts | |\n` }]);
  assert.match(bad.problems.map((p) => p.message).join('\n'), /Quote must be — or the source's words between double quotes/);
});

test('dg:gate:audit-report one table per section with the six columns, code and test lines, and statuses with reasons', () => {
  const na = '| rfc9999:3:stop | 3 | MAY | "the client MAY stop at any time" | Stops. | n/a (platform): the runtime stops the process for us | |';
  const own = '| dg:polling:own | polling | MUST | — | Own \\| piped. | lib/a.ts | |';
  const { outcome } = run({ rows: [WAIT, na], files: { 'project.md': [own] }, results: [passingWait, { name: 'dg:polling:own o', status: 'fail' }] });
  const sites = findTestSites("test('rfc9999:3:wait waits', () => {});\n  await t.test(`dg:polling:own o`, () => {});\ntest('no id here', () => {});\n", 'conformance/x.test.ts');
  assert.deepEqual(sites.map((s) => [s.line, s.ids]), [[1, ['rfc9999:3:wait']], [2, ['dg:polling:own']]]);
  const text = renderReport({
    catalog: catalogFromTexts([
      { file: 'rfc9999.md', text: `# r\n\n${HEAD}${WAIT}\n${na}\n` },
      { file: 'project.md', text: `# p\n\n${HEAD}${own}\n` },
    ]),
    outcome,
    tags: new Map([['rfc9999:3:wait', [{ file: 'lib/a.ts', line: 12 }, { file: 'lib/b.ts', line: 3 }]]]),
    tests: sites,
  });
  const lines = text.split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('## ')), ['## RFC 9999 §3', '## Our own rows: polling']);
  assert.equal(lines.filter((l) => l === '| ID | Level | Requirement | Code | Tests | Status |').length, 2);
  assert.ok(lines.includes('| rfc9999:3:wait | MUST | "The client MUST wait between requests"<br>Waits. | lib/a.ts:12<br>lib/b.ts:3 | conformance/x.test.ts:1 | pass |'));
  assert.ok(lines.includes('| rfc9999:3:stop | MAY | "the client MAY stop at any time"<br>Stops. | — | — | n/a (platform: the runtime stops the process for us) |'));
  assert.ok(lines.includes('| dg:polling:own | MUST | Own \\| piped. | — | conformance/x.test.ts:2 | **fail** |'));
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}|\/tmp\/|\/home\/|\/work\//);
});

test('dg:gate:test-timeout a test script without a per-test timeout fails the gate', () => {
  assert.match(run({ testScript: 'c8 node --test dist/conformance' }).failures.join('\n'), /per-test timeout/);
  assert.match(run({ testScript: 'c8 node --test --test-timeout=0 dist/conformance' }).failures.join('\n'), /per-test timeout/);
  assert.deepEqual(run({ testScript: 'node --test --test-timeout=30000 x' }).failures, []);
});

test('dg:gate:code-tags an ID comment naming an unknown requirement warns with the switch off and fails with it on', () => {
  const tags = { 'rfc9999:3:wait': [{ file: 'lib/a.ts', line: 3 }], 'rfc9999:3:wiat': [{ file: 'lib/a.ts', line: 7 }] };
  const off = run({ rows: [WAIT], results: [passingWait], tags });
  assert.deepEqual(off.failures, []);
  assert.ok(off.warnings.includes('lib/a.ts:7: ID comment names unknown requirement rfc9999:3:wiat'));
  const on = run({ rows: [WAIT], results: [passingWait], tags, requireCodeTags: true });
  assert.deepEqual(on.failures, ['code: lib/a.ts:7: ID comment names unknown requirement rfc9999:3:wiat']);
});

test('dg:gate:structure-rows a structure row needs a passing test like a lib row, but no lib line run, and an ID comment naming it fails', () => {
  const shape = '| dg:layout:shape | layout | MUST | — | The entry re-exports only. | structure: lib/index.ts, package.json | |';
  const files = { 'project.md': [shape] };
  // Credited without running anything of lib/, with the code-tag switch on.
  const proven = run({ files, results: [{ name: 'dg:layout:shape reads the entry', exercised: [] }], requireCodeTags: true });
  assert.deepEqual(proven.failures, []);
  assert.equal(proven.outcome.status.get('dg:layout:shape'), 'pass');
  // Still a must-level row: with no passing test it fails, as a lib row does.
  assert.match(run({ files, requireCodeTags: true }).failures.join('\n'), /dg:layout:shape \(MUST, structure: lib\/index\.ts, package\.json\): no passing test/);
  // An ID comment naming it claims a line implements it, which no test of the row runs.
  const tags = { 'dg:layout:shape': [{ file: 'lib/index.ts', line: 3 }] };
  const commented = run({ files, results: [{ name: 'dg:layout:shape reads the entry', exercised: [] }], tags, requireCodeTags: true });
  assert.match(commented.failures.join('\n'), /dg:layout:shape .*an ID comment in lib\/ names a structure row/);
  assert.equal(commented.outcome.counts.structureTags, 1);
  // Only lib/ paths and the package's root files may be named.
  const bad = run({ files: { 'project.md': [shape.replace('package.json', 'conformance/x.ts')] } });
  assert.match(bad.failures.join('\n'), /"structure:" must name lib\/ paths or package\.json, README\.md, tsconfig\.json, got "conformance\/x\.ts"/);
  // The audit report shows what the row's tests read, in the Code column.
  const report = renderReport({ catalog: catalogFromTexts([{ file: 'project.md', text: `# p\n\n${HEAD}${shape}\n` }]), outcome: proven.outcome, tags: new Map(), tests: [] });
  assert.match(report, /\| dg:layout:shape \| MUST \| The entry re-exports only\. \| structure: lib\/index\.ts, package\.json \| — \| pass \|/);
});
