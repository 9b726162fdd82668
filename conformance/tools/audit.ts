// `npm run audit`: writes spec/REPORT.md from the catalog, the ID comments in lib/ and the results
// of the last `npm test` (.test-results.jsonl). It does not run the tests: run `npm test` first.
// Usage: node dist/conformance/tools/audit.js [.test-results.jsonl] [output file]

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate } from './gate.js';
import { loadGateInput, PACKAGE_ROOT } from './gate-inputs.js';
import { findTestSites, renderReport, type TestSite } from './report.js';

/** Every conformance/**\/*.test.ts, relative to the package root, sorted. */
function testFiles(dir: string): string[] {
  if (!existsSync(join(PACKAGE_ROOT, dir))) return [];
  const out: string[] = [];
  for (const entry of readdirSync(join(PACKAGE_ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

function main(argv: string[]): number {
  const resultsPath = resolve(argv[0] ?? '.test-results.jsonl');
  const output = resolve(argv[1] ?? join(PACKAGE_ROOT, 'spec', 'REPORT.md'));
  const input = loadGateInput(resultsPath);
  if (input.resultProblems.length > 0) {
    console.error(`audit: ${input.resultProblems.join('; ')}`);
    return 1;
  }
  const tests: TestSite[] = testFiles('conformance').flatMap((file) => findTestSites(readFileSync(join(PACKAGE_ROOT, file), 'utf8'), file));
  const outcome = evaluate(input);
  writeFileSync(output, renderReport({ catalog: input.catalog, outcome, tags: input.tags, tests }));
  console.log(`audit: wrote ${output} (${input.catalog.requirements.length} requirements, gate ${outcome.failures.length === 0 ? 'PASS' : 'FAIL'})`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
