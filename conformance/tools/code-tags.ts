// ID comments in lib/: a `//` comment line whose text starts with one or more requirement IDs
// marks the statement below it as implementing those rows, e.g.
//   // rfc8628:3.5:slow-down: "the interval MUST be increased by 5 seconds ..."
//   state.interval += 5;
// IDs are separated by spaces or commas; a `:` right after an ID ends the list. tsc keeps these
// comments, so the same reading works on lib/**/*.ts (the audit's Code column, the gate's
// "a must-level row has tagged lines" rule) and on dist/lib/**/*.js (per-test execution, in
// gate-preload.ts). Pure functions only: no file system here.

import { ID_PATTERN } from './spec-catalog.js';

export interface CodeTag {
  /** The IDs the comment names, in order. */
  ids: string[];
  /** 1-based line of the comment. */
  line: number;
  /** 1-based line of the statement the comment tags: the next line that is neither blank nor a comment; 0 if none. */
  targetLine: number;
  /** UTF-16 offsets of the target line's text (first to last non-blank character, end exclusive). */
  targetStart: number;
  targetEnd: number;
}

/** The IDs a comment's text starts with ('' → []). `text` is what follows the `//`. */
export function idsOfComment(text: string): string[] {
  const ids: string[] = [];
  for (const raw of text.trim().split(/[\s,]+/)) {
    const closes = raw.endsWith(':');
    const token = closes ? raw.slice(0, -1) : raw;
    if (!ID_PATTERN.test(token)) break;
    if (!ids.includes(token)) ids.push(token);
    if (closes) break;
  }
  return ids;
}

const COMMENT_LINE = /^\s*\/\/(.*)$/;
const OTHER_COMMENT = /^\s*(\/\/|\/\*|\*)/;

/** Every ID comment of a source text (TypeScript or the JavaScript tsc made of it). */
export function findCodeTags(source: string): CodeTag[] {
  const lines = source.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const tags: CodeTag[] = [];
  lines.forEach((text, index) => {
    const comment = COMMENT_LINE.exec(text);
    if (!comment) return;
    const ids = idsOfComment(comment[1] ?? '');
    if (ids.length === 0) return;
    let target = index + 1;
    while (target < lines.length && (lines[target]?.trim() === '' || OTHER_COMMENT.test(lines[target] ?? ''))) target++;
    const targetText = lines[target];
    if (targetText === undefined) {
      tags.push({ ids, line: index + 1, targetLine: 0, targetStart: 0, targetEnd: 0 });
      return;
    }
    const lead = targetText.length - targetText.trimStart().length;
    const start = (starts[target] ?? 0) + lead;
    tags.push({ ids, line: index + 1, targetLine: target + 1, targetStart: start, targetEnd: start + targetText.trim().length });
  });
  return tags;
}

/** V8 block coverage of one script: functions, each with ranges nested inside its first. */
export interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}
export interface FunctionCoverage {
  ranges: CoverageRange[];
}

/**
 * Whether the target line of a tag ran, given the coverage taken over one test: some position on
 * the line lies in a range whose innermost enclosing range has a count above zero. Looking at the
 * whole line (not only its first character) credits `export function f() {`, whose first word
 * belongs to the module scope that ran when the file loaded, not during the test.
 */
export function lineExecuted(functions: readonly FunctionCoverage[], start: number, end: number): boolean {
  const ranges = functions.flatMap((f) => f.ranges);
  // Every point where the innermost range can change: range starts and ends inside the line.
  const points = new Set<number>([start]);
  for (const r of ranges) {
    if (r.startOffset > start && r.startOffset < end) points.add(r.startOffset);
    if (r.endOffset > start && r.endOffset < end) points.add(r.endOffset);
  }
  for (const p of points) {
    let best: CoverageRange | undefined;
    for (const r of ranges) {
      if (r.startOffset <= p && p < r.endOffset && (best === undefined || r.endOffset - r.startOffset < best.endOffset - best.startOffset)) best = r;
    }
    if (best !== undefined && best.count > 0) return true;
  }
  return false;
}
