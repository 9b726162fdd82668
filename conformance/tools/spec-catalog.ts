// Reads the requirement catalog in spec/*.md: one Markdown table per file, with the columns
// ID | Section | Keyword | Quote | Requirement | Where | Notes (spec/README.md describes the format).
// Parsing and row validation live here so that the traceability gate, the benchmarks and any
// other tool share one reading of the catalog.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const ID_PATTERN = /^[a-z0-9]+:[A-Za-z0-9.]+:[a-z0-9-]+$/;

export const COLUMNS = ['ID', 'Section', 'Keyword', 'Quote', 'Requirement', 'Where', 'Notes'] as const;

export const KEYWORDS = [
  'MUST', 'MUST NOT', 'REQUIRED', 'SHALL', 'SHALL NOT', 'WIRE',
  'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'NOT RECOMMENDED', 'DERIVED',
  'MAY', 'OPTIONAL',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

export type Level = 'must' | 'should' | 'may';

const LEVELS: Record<Keyword, Level> = {
  'MUST': 'must', 'MUST NOT': 'must', 'REQUIRED': 'must', 'SHALL': 'must', 'SHALL NOT': 'must',
  'WIRE': 'must',
  'SHOULD': 'should', 'SHOULD NOT': 'should', 'RECOMMENDED': 'should', 'NOT RECOMMENDED': 'should',
  'DERIVED': 'should',
  'MAY': 'may', 'OPTIONAL': 'may',
};

export function levelOf(keyword: Keyword): Level {
  return LEVELS[keyword];
}

export function isKeyword(text: string): text is Keyword {
  return (KEYWORDS as readonly string[]).includes(text);
}

/** The IDs a test covers: the leading whitespace-separated tokens of its name that match ID_PATTERN. */
export function leadingIds(testName: string): string[] {
  const ids: string[] = [];
  for (const token of testName.trim().split(/\s+/)) {
    if (!ID_PATTERN.test(token)) break;
    if (!ids.includes(token)) ids.push(token);
  }
  return ids;
}

/**
 * Where a requirement lives: implementation files, the shape of the source or package
 * (`structure:`), a benchmark, or one of the three reasoned markers.
 */
export type Where =
  | { kind: 'lib'; paths: string[] }
  | { kind: 'structure'; paths: string[] }
  | { kind: 'bench'; path: string }
  | { kind: 'pending' | 'n/a' | 'deviates'; reason: string; justification?: string };

/**
 * The named justifications an `n/a` may give, as `n/a (name): reason`. A must-level row may be
 * n/a only with one of them (spec/README.md, "Where").
 */
export const NA_JUSTIFICATIONS = {
  'platform': 'the platform (its fetch, its TLS stack) does it, and the library has no way to change or weaken it',
  'absent-feature': 'the rule binds a feature the library does not have (it never processes, sends or offers the thing the rule is about)',
  'server-side': 'the rule binds the server alone, and nothing the client sends, checks or shows depends on it',
} as const;

export type NaJustification = keyof typeof NA_JUSTIFICATIONS;

export interface Requirement {
  id: string;
  /** ID parts: `source:section:slug`. */
  source: string;
  section: string;
  slug: string;
  keyword: Keyword;
  level: Level;
  /** The normative words quoted from the source's text, without the quotation marks; '' for none (`—`). */
  quote: string;
  text: string;
  where: Where;
  notes: string;
  /** Catalog file name (e.g. `rfc8628.md`) and 1-based line, for messages. */
  file: string;
  line: number;
}

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Catalog {
  /** Catalog file names in the order read, NOT_CATALOG excluded. */
  files: string[];
  requirements: Requirement[];
  byId: Map<string, Requirement>;
  problems: Problem[];
}

const MARKER = /^(pending|n\/a|deviates)(?: \(([a-z-]+)\))?:(.*)$/s;
/** Files in spec/ that are not catalog files. */
export const NOT_CATALOG = ['README.md', 'design.md', 'REPORT.md'];
const BENCH = /^bench:(.*)$/s;
const STRUCTURE = /^structure:(.*)$/s;
// What a structure row may name: lib/ paths and the package's own root files.
const ROOT_FILE = /^(?:package\.json|README\.md|tsconfig\.json)$/;
const BENCH_PATH = /^conformance\/bench\/[A-Za-z0-9_.-]+\.ts$/;
// lib/ for the library; conformance/tools/ for the rows of the gate itself (spec/gate.md).
const LIB_PATH = /^(?:lib|conformance\/tools)\/(?:[A-Za-z0-9_.-]+\/)*(?:[A-Za-z0-9_.-]+\.ts|[A-Za-z0-9_.-]+\/)$/;

/** Parses a Where cell; returns an error message for a cell that fits none of the six forms. */
export function parseWhere(cell: string): Where | string {
  const text = cell.replaceAll('`', '').trim();
  const structure = STRUCTURE.exec(text);
  if (structure) {
    const paths = (structure[1] ?? '').split(',').map((p) => p.trim());
    const bad = paths.filter((p) => !LIB_PATH.test(p) && !ROOT_FILE.test(p));
    if (bad.length > 0) return `"structure:" must name lib/ paths or package.json, README.md, tsconfig.json, got ${bad.map((b) => JSON.stringify(b)).join(', ')}`;
    return { kind: 'structure', paths };
  }
  const bench = BENCH.exec(text);
  if (bench) {
    const path = (bench[1] ?? '').trim();
    return BENCH_PATH.test(path) ? { kind: 'bench', path } : `"bench:" must name one file conformance/bench/<name>.ts, got ${JSON.stringify(path)}`;
  }
  const marker = MARKER.exec(text);
  if (marker) {
    const kind = marker[1] as 'pending' | 'n/a' | 'deviates';
    const justification = marker[2];
    const reason = (marker[3] ?? '').trim();
    if (justification === undefined) return { kind, reason };
    if (kind !== 'n/a') return `only n/a takes a justification in parentheses, got "${kind} (${justification}):"`;
    if (!Object.hasOwn(NA_JUSTIFICATIONS, justification)) {
      return `unknown n/a justification "${justification}" (known: ${Object.keys(NA_JUSTIFICATIONS).join(', ')})`;
    }
    return { kind, reason, justification };
  }
  if (text === '') return 'Where is empty';
  const paths = text.split(',').map((p) => p.trim());
  const bad = paths.filter((p) => !LIB_PATH.test(p));
  if (bad.length > 0) {
    return `Where must be lib paths or structure:/bench:/pending:/n/a:/deviates:, got ${bad.map((b) => JSON.stringify(b)).join(', ')}`;
  }
  return { kind: 'lib', paths };
}

/**
 * The ID source a catalog file must use: an external specification's file (rfc8628.md,
 * oidc.md) uses its base name; any other file (project.md, or a later one such as a QR file)
 * holds our own requirements, whose IDs start with `dg`.
 */
export function sourceForFile(file: string): string {
  const name = basename(file, '.md');
  return /^rfc\d+$/.test(name) || name === 'oidc' ? name : 'dg';
}

/** Splits a Markdown table line into trimmed cells, honouring `\|` escapes. */
export function splitRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && body[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

const SEPARATOR_CELL = /^:?-{3,}:?$/;

/** Parses one catalog file's text. The table is the one whose header is exactly COLUMNS. */
export function parseCatalogText(text: string, file: string): { requirements: Requirement[]; problems: Problem[] } {
  const requirements: Requirement[] = [];
  const problems: Problem[] = [];
  const problem = (line: number, message: string): void => {
    problems.push({ file, line, message });
  };
  const lines = text.split(/\r?\n/);
  const expectedSource = sourceForFile(file);

  let state: 'before' | 'separator' | 'rows' | 'after' = 'before';
  lines.forEach((raw, index) => {
    const line = index + 1;
    const isTableLine = raw.trim().startsWith('|');
    if (state === 'before') {
      if (!isTableLine) return;
      const header = splitRow(raw);
      if (header.length !== COLUMNS.length || header.some((h, i) => h !== COLUMNS[i])) {
        problem(line, `table header must be | ${COLUMNS.join(' | ')} |`);
        state = 'after';
        return;
      }
      state = 'separator';
    } else if (state === 'separator') {
      const cells = isTableLine ? splitRow(raw) : [];
      if (cells.length !== COLUMNS.length || !cells.every((c) => SEPARATOR_CELL.test(c))) {
        problem(line, 'the header must be followed by a |---| separator row');
      }
      state = 'rows';
    } else if (state === 'rows') {
      if (!isTableLine) {
        state = 'after';
        return;
      }
      const row = parseRow(splitRow(raw), file, line, expectedSource, problem);
      if (row) requirements.push(row);
    } else if (isTableLine) {
      problem(line, 'only one table is allowed per file, and nothing but prose after it');
      state = 'rows';
    }
  });
  if (state === 'before') problem(0, 'no requirement table found');
  return { requirements, problems };
}

function parseRow(
  cells: string[],
  file: string,
  line: number,
  expectedSource: string,
  problem: (line: number, message: string) => void,
): Requirement | undefined {
  if (cells.length !== COLUMNS.length) {
    problem(line, `row has ${cells.length} cells, expected ${COLUMNS.length}`);
    return undefined;
  }
  const [id = '', section = '', keyword = '', quoteCell = '', text = '', whereCell = '', notes = ''] = cells;
  const quoted = /^"(.+)"$/s.exec(quoteCell);
  const quote = quoted?.[1] ?? '';
  let ok = true;
  const fail = (message: string): void => {
    problem(line, `${id || '(no ID)'}: ${message}`);
    ok = false;
  };
  if (quoteCell !== '—' && !quoted) fail('Quote must be — or the source\'s words between double quotes');
  if (!ID_PATTERN.test(id)) fail(`ID does not match ${ID_PATTERN.source}`);
  const [source = '', idSection = '', slug = ''] = id.split(':');
  if (ID_PATTERN.test(id) && source !== expectedSource) fail(`ID must start with "${expectedSource}:" in this file`);
  // In a specification's file the ID carries the section; our own rows carry a category there,
  // and their Section column may cite a clause of a non-RFC standard instead (qr.md).
  if (ID_PATTERN.test(id) && expectedSource !== 'dg' && idSection !== section) {
    fail(`ID section "${idSection}" differs from Section "${section}"`);
  }
  if (section === '') fail('Section is empty');
  if (!isKeyword(keyword)) fail(`unknown keyword ${JSON.stringify(keyword)}`);
  if (text === '') fail('Requirement is empty');
  const where = parseWhere(whereCell);
  if (typeof where === 'string') fail(where);
  else if ((where.kind === 'pending' || where.kind === 'n/a') && where.reason === '') {
    fail(`"${where.kind}:" needs a reason`);
  }
  if (!ok || typeof where === 'string' || !isKeyword(keyword)) return undefined;
  return {
    id, source, section, slug, keyword, level: levelOf(keyword), quote, text, where, notes, file, line,
  };
}

/** Reads every spec/*.md except NOT_CATALOG (spec/rfc/ holds .txt files), and checks IDs for uniqueness across files. */
export function loadCatalog(specDir: string): Catalog {
  const files = readdirSync(specDir)
    .filter((f) => f.endsWith('.md') && !NOT_CATALOG.includes(f))
    .sort();
  const catalog = catalogFromTexts(files.map((file) => ({ file, text: readFileSync(join(specDir, file), 'utf8') })));
  if (files.length === 0) catalog.problems.push({ file: specDir, line: 0, message: 'no catalog files found' });
  return catalog;
}

/** Builds a catalog from file texts given in order (loadCatalog, and the gate's own tests). */
export function catalogFromTexts(sources: readonly { file: string; text: string }[]): Catalog {
  const requirements: Requirement[] = [];
  const problems: Problem[] = [];
  const byId = new Map<string, Requirement>();
  for (const { file, text } of sources) {
    const parsed = parseCatalogText(text, file);
    problems.push(...parsed.problems);
    for (const req of parsed.requirements) {
      const first = byId.get(req.id);
      if (first) {
        problems.push({ file, line: req.line, message: `${req.id}: duplicate ID (first at ${first.file}:${first.line})` });
        continue;
      }
      byId.set(req.id, req);
      requirements.push(req);
    }
  }
  return { files: sources.map((s) => s.file), requirements, byId, problems };
}
