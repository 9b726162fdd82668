// The traceability gate: holds the requirement catalog (spec/*.md) against the test results
// that results-reporter.ts wrote, and exits 1 when they disagree. spec/README.md lists the
// rules. Usage:
//   node dist/conformance/tools/trace.js [.test-results.jsonl]

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leadingIds, loadCatalog, type Requirement } from './spec-catalog.js';

// This file runs as dist/conformance/tools/trace.js, so the package root is three levels up.
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface TestResult {
  name: string;
  file: string;
  status: 'pass' | 'fail';
  ids: string[];
}

interface Finding {
  /** A catalog file name, or 'tests' / 'results' for findings about the results file. */
  group: string;
  text: string;
}

function readResults(path: string, failures: Finding[]): TestResult[] {
  if (!existsSync(path)) {
    failures.push({ group: 'results', text: `results file ${path} does not exist (run the tests first)` });
    return [];
  }
  const results: TestResult[] = [];
  readFileSync(path, 'utf8').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const r = parsed as Partial<TestResult> | undefined;
    if (typeof r?.name !== 'string' || (r.status !== 'pass' && r.status !== 'fail')) {
      failures.push({ group: 'results', text: `line ${index + 1} is not a {name, file, status} record` });
      return;
    }
    results.push({ name: r.name, file: typeof r.file === 'string' ? r.file : '', status: r.status, ids: leadingIds(r.name) });
  });
  return results;
}

/** Rows that may never be pending (spec/README.md, "The traceability gate"). */
function inNoPendingZone(req: Requirement): boolean {
  switch (req.source) {
    case 'rfc8628':
      return ['3.1', '3.2', '3.3', '3.4'].includes(req.section) && !/interval|expir/.test(req.slug);
    case 'rfc8414':
      return true;
    case 'rfc6749':
      return ['2.3', '5.2'].some((s) => req.section === s || req.section.startsWith(`${s}.`));
    default:
      return false;
  }
}

function describeRow(req: Requirement): string {
  const where =
    req.where.kind === 'lib' ? req.where.paths.join(', ') : req.where.kind === 'bench' ? `bench: ${req.where.path}` : `${req.where.kind}: …`;
  return `${req.id} (${req.keyword}, ${where})`;
}

function testLabel(t: TestResult): string {
  return t.file ? `"${t.name}" (${t.file})` : `"${t.name}"`;
}

interface FileStats {
  rows: number;
  tested: number;
  passing: number;
  /** Rows checked by `npm run bench` (Where is `bench: …`), not by the tests. */
  bench: number;
  pending: number;
  na: number;
  deviates: number;
}

function main(argv: string[]): number {
  const resultsPath = resolve(argv[0] ?? '.test-results.jsonl');
  const catalog = loadCatalog(join(PACKAGE_ROOT, 'spec'));
  const failures: Finding[] = catalog.problems.map((p) => ({
    group: p.file,
    text: p.line > 0 ? `line ${p.line}: ${p.message}` : p.message,
  }));
  const warnings: Finding[] = [];
  const malformed = failures.length;

  // Tests: every one must name at least one ID, and only known IDs.
  const results = readResults(resultsPath, failures);
  const badResults = failures.length - malformed;
  const testsById = new Map<string, TestResult[]>();
  let badTests = 0;
  for (const t of results) {
    if (t.ids.length === 0) {
      failures.push({ group: 'tests', text: `${testLabel(t)}: title does not start with a requirement ID` });
      badTests++;
    }
    for (const id of t.ids) {
      if (!catalog.byId.has(id)) {
        failures.push({ group: 'tests', text: `${testLabel(t)}: unknown requirement ID ${id}` });
        badTests++;
        continue;
      }
      const list = testsById.get(id) ?? [];
      list.push(t);
      testsById.set(id, list);
    }
  }

  // Rows.
  const stats = new Map<string, FileStats>(catalog.files.map((f) => [f, { rows: 0, tested: 0, passing: 0, bench: 0, pending: 0, na: 0, deviates: 0 }]));
  const missingPaths = new Map<string, string[]>();
  let untestedMust = 0;
  let zonePending = 0;
  let unexplained = 0;
  for (const req of catalog.requirements) {
    const s = stats.get(req.file);
    if (s === undefined) continue;
    const tests = testsById.get(req.id) ?? [];
    const failing = tests.filter((t) => t.status === 'fail');
    const passing = tests.length > 0 && failing.length === 0;
    s.rows++;
    if (tests.length > 0) s.tested++;
    if (passing) s.passing++;
    const fail = (text: string): void => {
      failures.push({ group: req.file, text: `${describeRow(req)}: ${text}` });
    };
    const warn = (text: string): void => {
      warnings.push({ group: req.file, text: `${describeRow(req)}: ${text}` });
    };

    const where = req.where;
    if (where.kind === 'lib') {
      for (const path of where.paths) {
        if (!existsSync(join(PACKAGE_ROOT, path))) missingPaths.set(path, [...(missingPaths.get(path) ?? []), req.id]);
      }
      if (req.level === 'must' && !passing) {
        untestedMust++;
        fail(failing.length > 0 ? `failing test: ${failing.map(testLabel).join('; ')}` : 'no passing test');
      } else if (req.level === 'should' && tests.length === 0) {
        warn('no test');
      }
    } else if (where.kind === 'bench') {
      // Checked by `npm run bench` (conformance/bench/run.ts), never by the tests: no failure here.
      s.bench++;
      if (!existsSync(join(PACKAGE_ROOT, where.path))) missingPaths.set(where.path, [...(missingPaths.get(where.path) ?? []), req.id]);
    } else if (where.kind === 'pending') {
      s.pending++;
      if (inNoPendingZone(req)) {
        zonePending++;
        fail('may not be pending: it is in the no-pending zone');
      }
    } else if (where.kind === 'n/a') {
      s.na++;
    } else {
      s.deviates++;
      if (where.reason === '') {
        unexplained++;
        fail('"deviates:" gives no reason');
      } else if (req.level === 'must') {
        warn(`must-level row marked deviates: ${where.reason}`);
      }
    }
    if (failing.length > 0 && !(where.kind === 'lib' && req.level === 'must')) {
      warn(`failing test: ${failing.map(testLabel).join('; ')}`);
    }
  }
  for (const [path, ids] of missingPaths) {
    warnings.push({ group: 'paths', text: `${path} does not exist (named by ${ids.length} row${ids.length === 1 ? '' : 's'})` });
  }

  printTable(stats);
  printFindings('Gate failures', failures);
  printFindings('Warnings', warnings);

  const total = [...stats.values()].reduce((a, s) => a + s.rows, 0);
  const passingRows = [...stats.values()].reduce((a, s) => a + s.passing, 0);
  const benchRows = [...stats.values()].reduce((a, s) => a + s.bench, 0);
  const verdict = failures.length === 0 ? 'PASS' : 'FAIL';
  console.log(
    `trace: ${verdict}: ${total} requirements, ${passingRows} passing, ${benchRows} checked by npm run bench, ${results.length} test results; ` +
      `${malformed} malformed rows, ${badResults} results-file problems, ${badTests} bad test names, ` +
      `${untestedMust} must-level rows without a passing test, ` +
      `${zonePending} pending in the no-pending zone, ${unexplained} unexplained deviations; ${warnings.length} warnings`,
  );
  return failures.length === 0 ? 0 : 1;
}

function printTable(stats: Map<string, FileStats>): void {
  const header = ['spec file', 'rows', 'tested', 'passing', 'bench', 'pending', 'n/a', 'deviates'];
  const rows: string[][] = [];
  const sum: FileStats = { rows: 0, tested: 0, passing: 0, bench: 0, pending: 0, na: 0, deviates: 0 };
  for (const [file, s] of stats) {
    rows.push([file, ...[s.rows, s.tested, s.passing, s.bench, s.pending, s.na, s.deviates].map(String)]);
    for (const key of Object.keys(sum) as (keyof FileStats)[]) sum[key] += s[key];
  }
  rows.push(['total', ...[sum.rows, sum.tested, sum.passing, sum.bench, sum.pending, sum.na, sum.deviates].map(String)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(format(header));
  for (const r of rows) console.log(format(r));
  console.log('');
}

function printFindings(title: string, findings: Finding[]): void {
  if (findings.length === 0) return;
  console.log(`${title} (${findings.length}):`);
  const groups = new Map<string, string[]>();
  for (const f of findings) groups.set(f.group, [...(groups.get(f.group) ?? []), f.text]);
  for (const [group, texts] of groups) {
    console.log(`  ${group}`);
    for (const text of texts) console.log(`    ${text}`);
  }
  console.log('');
}

process.exitCode = main(process.argv.slice(2));
