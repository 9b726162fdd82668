// Reads the gate's inputs from the package: the catalog (spec/*.md), the RFC texts (spec/rfc/),
// the ID-tagged lines of lib/**/*.ts and the test results file. trace.ts and audit.ts share it.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCodeTags } from './code-tags.js';
import { REQUIRE_CODE_TAGS } from './gate-config.js';
import { parseResults, type GateInput, type TagSite } from './gate.js';
import { normalizeRfcText } from './rfc-text.js';
import { loadCatalog } from './spec-catalog.js';

// This file runs as dist/conformance/tools/gate-inputs.js, so the package root is three levels up.
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** spec/rfc/rfcNNNN.txt, normalized, by source name. */
export function loadRfcTexts(dir: string): Map<string, string> {
  const texts = new Map<string, string>();
  if (!existsSync(dir)) return texts;
  for (const file of readdirSync(dir).filter((f) => /^rfc\d+\.txt$/.test(f)).sort()) {
    texts.set(file.slice(0, -4), normalizeRfcText(readFileSync(join(dir, file), 'utf8')));
  }
  return texts;
}

/** Every `.ts` file under dir, as paths relative to root with `/` separators, sorted. */
function tsFiles(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...tsFiles(root, path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** The ID-tagged lines of lib/**\/*.ts (the comment's line), by ID, in file and line order. */
export function loadTags(root: string): Map<string, TagSite[]> {
  const byId = new Map<string, TagSite[]>();
  for (const file of tsFiles(root, 'lib')) {
    for (const tag of findCodeTags(readFileSync(join(root, file), 'utf8'))) {
      for (const id of tag.ids) byId.set(id, [...(byId.get(id) ?? []), { file, line: tag.line }]);
    }
  }
  return byId;
}

function testScript(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
  const script = pkg.scripts?.['test'];
  return typeof script === 'string' ? script : '';
}

export function loadGateInput(resultsPath: string, root: string = PACKAGE_ROOT): GateInput {
  const resultProblems: string[] = [];
  let parsed: ReturnType<typeof parseResults> = { results: [], problems: [] };
  if (existsSync(resultsPath)) parsed = parseResults(readFileSync(resultsPath, 'utf8'));
  else resultProblems.push(`results file ${relative(root, resultsPath) || resultsPath} does not exist (run the tests first)`);
  return {
    catalog: loadCatalog(join(root, 'spec')),
    results: parsed.results,
    resultProblems: [...resultProblems, ...parsed.problems],
    rfcTexts: loadRfcTexts(join(root, 'spec', 'rfc')),
    tags: loadTags(root),
    requireCodeTags: REQUIRE_CODE_TAGS,
    exists: (path) => existsSync(join(root, path)),
    testScript: testScript(root),
  };
}
