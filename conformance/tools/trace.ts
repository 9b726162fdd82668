// The traceability gate: holds the requirement catalog (spec/*.md) against the test results
// that results-reporter.ts wrote, and exits 1 when they disagree. spec/README.md lists the
// rules. Usage:
//   node dist/conformance/tools/trace.js [.test-results.jsonl]

import { resolve } from 'node:path';
import { evaluate, type FileStats, type Finding } from './gate.js';
import { loadGateInput } from './gate-inputs.js';

function main(argv: string[]): number {
  const input = loadGateInput(resolve(argv[0] ?? '.test-results.jsonl'));
  const outcome = evaluate(input);
  const { failures, warnings, stats, counts } = outcome;

  printTable(stats);
  printFindings('Gate failures', failures);
  printFindings('Warnings', warnings);

  const total = [...stats.values()].reduce((a, s) => a + s.rows, 0);
  const passingRows = [...stats.values()].reduce((a, s) => a + s.passing, 0);
  const benchRows = [...stats.values()].reduce((a, s) => a + s.bench, 0);
  const verdict = failures.length === 0 ? 'PASS' : 'FAIL';
  console.log(
    `trace: ${verdict}: ${total} requirements, ${passingRows} passing, ${benchRows} checked by npm run bench, ${input.results.length} test results; ` +
      `${counts.malformed} malformed rows, ${counts.badResults} results-file problems, ${counts.badTests} bad test names, ` +
      `${counts.silentTests} tests without assertions, ${counts.badQuotes} rows with a bad or missing quote, ` +
      `${counts.untestedMust} must-level rows without a passing test, ${counts.pendingMust} pending must-level rows, ` +
      `${counts.zonePending} pending in the no-pending zone, ${counts.unexplained} unexplained n/a or deviations; ` +
      `code tags ${input.requireCodeTags ? 'required' : 'not required'}: ${counts.untaggedMust} untagged must-level rows, ${counts.unexercised} IDs named but not run, ${counts.unknownTags} comments naming unknown IDs, ${counts.structureTags} naming structure rows; ` +
      `${warnings.length} warnings`,
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
