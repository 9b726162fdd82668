// The traceability gate's rules, as one pure function of its inputs: the catalog, the test
// results, the RFC texts and the ID-tagged lines of lib/. trace.ts feeds it the real files and
// prints the outcome; gate.test.ts feeds it crafted ones. spec/README.md lists the rules.

import { keywordsIn, quoteOccurs } from './rfc-text.js';
import { leadingIds, type Catalog, type Requirement } from './spec-catalog.js';

export interface TestResult {
  name: string;
  file: string;
  status: 'pass' | 'fail';
  /** node:assert calls made (gate-preload.ts); undefined when the results file lacks it. */
  assertions: number | undefined;
  /** Title IDs whose tagged lib lines ran during the test; undefined when the results file lacks it. */
  exercised: string[] | undefined;
  ids: string[];
}

export interface Finding {
  /** A catalog file name, or 'tests' / 'results' / 'paths' for findings outside the rows. */
  group: string;
  text: string;
}

/** A line of lib/ that carries an ID (code-tags.ts), as the audit lists it. */
export interface TagSite {
  file: string;
  line: number;
}

export interface GateInput {
  catalog: Catalog;
  results: TestResult[];
  /** Problems found while reading the results file. */
  resultProblems: string[];
  /** Normalized RFC texts (rfc-text.ts) by source, e.g. 'rfc8628'. */
  rfcTexts: ReadonlyMap<string, string>;
  /** ID-tagged lines of lib/**\/*.ts by ID. */
  tags: ReadonlyMap<string, readonly TagSite[]>;
  /** REQUIRE_CODE_TAGS (gate-config.ts). */
  requireCodeTags: boolean;
  /** Whether a path relative to the package root exists. */
  exists: (path: string) => boolean;
  /** package.json's `test` script, which must set a per-test timeout. */
  testScript: string;
}

export interface FileStats {
  rows: number;
  tested: number;
  passing: number;
  /** Rows checked by `npm run bench` (Where is `bench: …`), not by the tests. */
  bench: number;
  pending: number;
  na: number;
  deviates: number;
}

export type RowStatus = 'pass' | 'fail' | 'untested' | 'bench' | 'pending' | 'n/a' | 'deviates';

export interface GateOutcome {
  failures: Finding[];
  warnings: Finding[];
  stats: Map<string, FileStats>;
  /** The tests each row is credited with (every test naming it that may count). */
  credited: Map<string, TestResult[]>;
  status: Map<string, RowStatus>;
  counts: Record<'malformed' | 'badResults' | 'badTests' | 'untestedMust' | 'pendingMust' | 'zonePending' | 'unexplained' | 'badQuotes' | 'silentTests' | 'untaggedMust' | 'unexercised' | 'unknownTags' | 'structureTags', number>;
}

/** Rows that may never be pending whatever their level (spec/README.md, "The traceability gate"). */
export function inNoPendingZone(req: Requirement): boolean {
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

/** A reason of substance: at least three words of two or more letters. */
export function hasSubstance(reason: string): boolean {
  return (reason.match(/\p{L}{2,}/gu) ?? []).length >= 3;
}

/** Keywords that come from the RFC 2119 text, so that a quote must show them. */
const TEXT_KEYWORDS = ['MUST', 'MUST NOT', 'REQUIRED', 'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'NOT RECOMMENDED', 'MAY', 'OPTIONAL'];

function isSpecSource(source: string): boolean {
  return /^rfc\d+$/.test(source);
}

/** Checks a row's Quote against its RFC: presence, occurrence in the text, and the keyword. */
function checkQuote(req: Requirement, rfcTexts: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const textKeyword = TEXT_KEYWORDS.includes(req.keyword);
  if (req.quote === '') {
    if (isSpecSource(req.source) && textKeyword) problems.push(`a ${req.keyword} row of an RFC must quote the sentence that carries its keyword`);
    return problems;
  }
  // Our own rows may quote any RFC text; a specification's rows quote their own.
  const texts = isSpecSource(req.source) ? [rfcTexts.get(req.source)].filter((t) => t !== undefined) : [...rfcTexts.values()];
  if (texts.length === 0) {
    problems.push(`no text in spec/rfc/ to check the quote against`);
    return problems;
  }
  if (!texts.some((t) => quoteOccurs(t, req.quote))) {
    problems.push(`the quote does not occur in ${isSpecSource(req.source) ? `spec/rfc/${req.source}.txt` : 'any text of spec/rfc/'}`);
  }
  // Our own rows set their keyword by decision; a specification's row takes it from the text.
  if (textKeyword && isSpecSource(req.source)) {
    const found = keywordsIn(req.quote);
    if (!found.includes(req.keyword)) {
      problems.push(`keyword ${req.keyword} is not in the quote (it has ${found.length > 0 ? found.join(', ') : 'no RFC 2119 keyword'})`);
    }
  }
  return problems;
}

function describeRow(req: Requirement): string {
  const where = req.where.kind === 'lib' ? req.where.paths.join(', ') : req.where.kind === 'structure' ? `structure: ${req.where.paths.join(', ')}` : req.where.kind === 'bench' ? `bench: ${req.where.path}` : `${req.where.kind}: …`;
  return `${req.id} (${req.keyword}, ${where})`;
}

export function testLabel(t: Pick<TestResult, 'name' | 'file'>): string {
  return t.file ? `"${t.name}" (${t.file})` : `"${t.name}"`;
}

export function evaluate(input: GateInput): GateOutcome {
  const { catalog, results } = input;
  const failures: Finding[] = catalog.problems.map((p) => ({ group: p.file, text: p.line > 0 ? `line ${p.line}: ${p.message}` : p.message }));
  const warnings: Finding[] = [];
  const counts: GateOutcome['counts'] = {
    malformed: failures.length, badResults: input.resultProblems.length, badTests: 0, untestedMust: 0, pendingMust: 0, zonePending: 0,
    unexplained: 0, badQuotes: 0, silentTests: 0, untaggedMust: 0, unexercised: 0, unknownTags: 0, structureTags: 0,
  };
  for (const text of input.resultProblems) failures.push({ group: 'results', text });
  // A hang must fail the run instead of blocking CI.
  if (!/--test-timeout=[1-9]\d*\b/.test(input.testScript)) {
    failures.push({ group: 'package.json', text: 'the test script must give node --test a per-test timeout (--test-timeout=MS)' });
  }

  // Tests: every one names known IDs, asserts something, and (with code tags) runs what it names.
  const credited = new Map<string, TestResult[]>();
  for (const t of results) {
    if (t.ids.length === 0) {
      failures.push({ group: 'tests', text: `${testLabel(t)}: title does not start with a requirement ID` });
      counts.badTests++;
    }
    let silent = false;
    if (t.assertions === undefined) {
      failures.push({ group: 'tests', text: `${testLabel(t)}: no assertion count in the results (run the tests with the gate preload, as npm test does)` });
      counts.silentTests++;
      silent = true;
    } else if (t.assertions === 0 && t.status === 'pass') {
      failures.push({ group: 'tests', text: `${testLabel(t)}: asserts nothing (no node:assert call), so it proves none of its IDs` });
      counts.silentTests++;
      silent = true;
    }
    for (const id of t.ids) {
      if (!catalog.byId.has(id)) {
        failures.push({ group: 'tests', text: `${testLabel(t)}: unknown requirement ID ${id}` });
        counts.badTests++;
        continue;
      }
      if (silent) continue;
      const sites = input.tags.get(id) ?? [];
      // A structure row is proven by reading files or running a separate program: nothing of lib/ need run.
      const structural = catalog.byId.get(id)?.where.kind === 'structure';
      if (input.requireCodeTags && sites.length > 0 && !structural && !(t.exercised ?? []).includes(id)) {
        failures.push({
          group: 'tests',
          text: `${testLabel(t)}: names ${id} but ran none of its ${sites.length} tagged line${sites.length === 1 ? '' : 's'} (${sites.map((s) => `${s.file}:${s.line}`).join(', ')})`,
        });
        counts.unexercised++;
        continue;
      }
      credited.set(id, [...(credited.get(id) ?? []), t]);
    }
  }

  // Rows.
  const stats = new Map<string, FileStats>(catalog.files.map((f) => [f, { rows: 0, tested: 0, passing: 0, bench: 0, pending: 0, na: 0, deviates: 0 }]));
  const status = new Map<string, RowStatus>();
  const missingPaths = new Map<string, string[]>();
  for (const req of catalog.requirements) {
    const s = stats.get(req.file);
    if (s === undefined) continue;
    const tests = credited.get(req.id) ?? [];
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

    const quoteProblems = checkQuote(req, input.rfcTexts);
    if (quoteProblems.length > 0) counts.badQuotes++;
    for (const text of quoteProblems) fail(text);

    const where = req.where;
    if (where.kind === 'lib' || where.kind === 'structure') {
      status.set(req.id, passing ? 'pass' : failing.length > 0 ? 'fail' : 'untested');
      for (const path of where.paths) {
        if (!input.exists(path)) missingPaths.set(path, [...(missingPaths.get(path) ?? []), req.id]);
      }
      if (req.level === 'must' && !passing) {
        counts.untestedMust++;
        fail(failing.length > 0 ? `failing test: ${failing.map(testLabel).join('; ')}` : 'no passing test');
      } else if (req.level === 'should' && tests.length === 0) {
        warn('no test');
      }
      const namesLib = where.paths.some((p) => p.startsWith('lib/'));
      const tagged = (input.tags.get(req.id) ?? []).length > 0;
      if (where.kind === 'structure') {
        // An ID comment claims that a line implements the row, and no test of a structure row runs it.
        if (tagged && input.requireCodeTags) {
          counts.structureTags++;
          fail('an ID comment in lib/ names a structure row: no test runs that line, so the comment claims what nothing checks');
        }
      } else if (input.requireCodeTags && req.level === 'must' && namesLib && !tagged) {
        counts.untaggedMust++;
        fail('no line of lib/ carries this ID (an ID comment above the implementing line)');
      }
    } else if (where.kind === 'bench') {
      // Checked by `npm run bench` (conformance/bench/run.ts), never by the tests: no failure here.
      status.set(req.id, 'bench');
      s.bench++;
      if (!input.exists(where.path)) missingPaths.set(where.path, [...(missingPaths.get(where.path) ?? []), req.id]);
    } else {
      status.set(req.id, where.kind);
      if (!hasSubstance(where.reason)) {
        counts.unexplained++;
        fail(`"${where.kind}:" needs a reason of substance (at least three words), got ${JSON.stringify(where.reason)}`);
      }
      if (where.kind === 'pending') {
        s.pending++;
        if (req.level === 'must') {
          counts.pendingMust++;
          fail('a must-level row may not be pending');
        } else if (inNoPendingZone(req)) {
          counts.zonePending++;
          fail('may not be pending: it is in the no-pending zone');
        }
      } else if (where.kind === 'n/a') {
        s.na++;
        if (req.level === 'must' && where.justification === undefined) {
          counts.unexplained++;
          fail('a must-level row may be n/a only with a named justification: n/a (platform|absent-feature|server-side): reason');
        }
      } else {
        s.deviates++;
        if (req.level === 'must') warn(`must-level row marked deviates: ${where.reason}`);
      }
    }
    if (failing.length > 0 && !((where.kind === 'lib' || where.kind === 'structure') && req.level === 'must')) {
      warn(`failing test: ${failing.map(testLabel).join('; ')}`);
    }
  }
  // An ID comment that names no row is a typo or a dropped row: nothing could ever check it.
  for (const [id, sites] of input.tags) {
    if (catalog.byId.has(id)) continue;
    const text = `${sites.map((site) => `${site.file}:${site.line}`).join(', ')}: ID comment names unknown requirement ${id}`;
    if (input.requireCodeTags) {
      failures.push({ group: 'code', text });
      counts.unknownTags++;
    } else {
      warnings.push({ group: 'code', text });
    }
  }
  for (const [path, ids] of missingPaths) {
    warnings.push({ group: 'paths', text: `${path} does not exist (named by ${ids.length} row${ids.length === 1 ? '' : 's'})` });
  }
  return { failures, warnings, stats, credited, status, counts };
}

/** Parses the results file written by results-reporter.ts. */
export function parseResults(text: string): { results: TestResult[]; problems: string[] } {
  const results: TestResult[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const r = parsed as Partial<TestResult> | undefined;
    if (typeof r?.name !== 'string' || (r.status !== 'pass' && r.status !== 'fail')) {
      problems.push(`line ${index + 1} is not a {name, file, status} record`);
      return;
    }
    results.push({
      name: r.name,
      file: typeof r.file === 'string' ? r.file : '',
      status: r.status,
      assertions: typeof r.assertions === 'number' ? r.assertions : undefined,
      exercised: Array.isArray(r.exercised) ? r.exercised.filter((id): id is string => typeof id === 'string') : undefined,
      ids: leadingIds(r.name),
    });
  });
  return { results, problems };
}
