// `npm run bench`: runs every benchmark that a spec row names with `bench: conformance/bench/<file>.ts`
// (the dg:perf:* rows), each in its own node process (with --expose-gc), prints the figures
// against the rows' budgets, writes them to dist/bench-results.json, and exits 1 when a figure
// is over budget, a row got no figure, or a benchmark failed.
//
//   npm run bench                 all benchmarks
//   npm run bench -- polling      only benchmarks whose file name contains "polling"

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, type Requirement } from '../tools/spec-catalog.js';
import { RESULT_MARKER, type BenchResult } from './support.js';

// This file runs as dist/conformance/bench/run.js, so the package root is three levels up.
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RESULTS_FILE = join(PACKAGE_ROOT, 'dist', 'bench-results.json');

interface Outcome {
  file: string;
  exitCode: number | null;
  results: BenchResult[];
  seconds: number;
}

/** Runs one compiled benchmark; echoes its output and picks up its result line. */
function runBench(sourcePath: string): Promise<Outcome> {
  const compiled = join(PACKAGE_ROOT, 'dist', sourcePath.replace(/\.ts$/, '.js'));
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--expose-gc', compiled], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    const results: BenchResult[] = [];
    const onLine = (line: string): void => {
      if (line.startsWith(RESULT_MARKER)) results.push(...(JSON.parse(line.slice(RESULT_MARKER.length)) as BenchResult[]));
      else if (line !== '') console.log(`  ${line}`);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('close', (exitCode) => {
      onLine(buffer);
      resolvePromise({ file: sourcePath, exitCode, results, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function format(value: number, unit: string): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${unit}`;
}

async function main(argv: string[]): Promise<number> {
  const catalog = loadCatalog(join(PACKAGE_ROOT, 'spec'));
  const rows = catalog.requirements.filter((r): r is Requirement & { where: { kind: 'bench'; path: string } } => r.where.kind === 'bench');
  const filter = argv[0];
  const files = [...new Set(rows.map((r) => r.where.path))].filter((f) => filter === undefined || f.includes(filter));
  if (files.length === 0) {
    console.error(filter === undefined ? 'bench: no spec row has a "bench:" Where' : `bench: no benchmark file matches "${filter}"`);
    return 1;
  }
  const problems: string[] = [];
  const outcomes: Outcome[] = [];
  for (const file of files) {
    console.log(`${file}`);
    const outcome = await runBench(file);
    outcomes.push(outcome);
    if (outcome.exitCode !== 0) problems.push(`${file} exited with code ${outcome.exitCode}`);
  }

  const results = outcomes.flatMap((o) => o.results);
  const checked = rows.filter((r) => files.includes(r.where.path));
  console.log('');
  console.log('row                        figure                budget        verdict');
  for (const row of checked) {
    const result = results.find((r) => r.id === row.id);
    if (result === undefined) {
      problems.push(`${row.id}: ${row.where.path} reported no figure`);
      console.log(`${row.id.padEnd(26)} ${'(none)'.padEnd(21)} ${''.padEnd(13)} MISSING`);
      continue;
    }
    const over = !(result.value <= result.budget);
    if (over) problems.push(`${row.id}: ${format(result.value, result.unit)} is over the budget of ${format(result.budget, result.unit)}`);
    console.log(
      `${row.id.padEnd(26)} ${format(result.value, result.unit).padEnd(21)} ${format(result.budget, result.unit).padEnd(13)} ${over ? `OVER by ${format(result.value - result.budget, result.unit)}` : 'ok'}`,
    );
  }
  for (const result of results) {
    if (!checked.some((r) => r.id === result.id)) problems.push(`${result.id}: a figure for a row that does not name this benchmark`);
  }

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    results: results.map((r) => ({ ...r, pass: r.value <= r.budget, row: catalog.byId.get(r.id)?.text })),
    runs: outcomes.map((o) => ({ file: o.file, exitCode: o.exitCode, seconds: Math.round(o.seconds * 10) / 10 })),
    problems,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log('');
  console.log(`figures written to ${RESULTS_FILE}`);
  if (problems.length > 0) {
    console.log(`bench: FAIL (${problems.length}):`);
    for (const p of problems) console.log(`  ${p}`);
    return 1;
  }
  console.log('bench: PASS: every figure is within its budget');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
