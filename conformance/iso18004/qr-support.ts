// Test-side knowledge of ISO/IEC 18004:2015, written independently of lib/qr:
// fixture parsing, the Annex C/D/E tables, the function-module map, the data
// masks, and a small reader (codeword extraction, de-interleaving, RS
// syndromes, byte mode parsing) used to check that a symbol really decodes.
import { readdirSync, readFileSync } from 'node:fs';

export type Ecl = 'L' | 'M' | 'Q' | 'H';
export type Matrix = readonly (readonly boolean[])[];

/** Package root, from dist/conformance/iso18004/ (fixtures live in the source tree). */
export const PACKAGE_ROOT = new URL('../../../', import.meta.url);
export const FIXTURE_DIR = new URL('conformance/fixtures/qr/', PACKAGE_ROOT);

export interface Fixture {
  readonly file: string;
  readonly command: string;
  readonly input: string;
  readonly bytes: number;
  /** The symbol without qrencode's margin. */
  readonly modules: Matrix;
  readonly margin: number;
}

/** Parses `qrencode -t ASCII` output: "##" = dark module, two spaces = light, a light margin around. */
export function parseQrencodeAscii(lines: readonly string[]): { modules: boolean[][]; margin: number } {
  const n = lines.length;
  const grid = lines.map((line) => {
    if (line.length > 2 * n || !/^(##|  )*$/.test(line.padEnd(2 * n, ' '))) throw new Error('not qrencode ASCII output');
    return Array.from({ length: n }, (_, c) => line.slice(2 * c, 2 * c + 2) === '##');
  });
  const margin = grid.findIndex((row) => row.includes(true));
  const inner = grid.slice(margin, n - margin);
  for (const [r, row] of grid.entries()) {
    for (const [c, dark] of row.entries()) {
      const inside = r >= margin && r < n - margin && c >= margin && c < n - margin;
      if (dark && !inside) throw new Error('dark module in the margin');
    }
  }
  return { modules: inner.map((row) => row.slice(margin, n - margin)), margin };
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt')).sort().map((file) => {
    const text = readFileSync(new URL(file, FIXTURE_DIR), 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const header = new Map<string, string>();
    while (lines[0]?.startsWith('# ')) {
      const line = lines.shift()!;
      const colon = line.indexOf(': ');
      header.set(line.slice(2, colon), line.slice(colon + 2));
    }
    const { modules, margin } = parseQrencodeAscii(lines);
    return {
      file,
      command: header.get('command')!,
      input: header.get('input')!,
      bytes: Number(header.get('bytes')),
      modules,
      margin,
    };
  });
}

/** Annex C, Table C.1: the masked 15-bit format information for each level and mask 0–7. */
export const FORMAT_INFO: Readonly<Record<Ecl, readonly number[]>> = {
  L: [0x77c4, 0x72f3, 0x7daa, 0x789d, 0x662f, 0x6318, 0x6c41, 0x6976],
  M: [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0],
  Q: [0x355f, 0x3068, 0x3f31, 0x3a06, 0x24b4, 0x2183, 0x2eda, 0x2bed],
  H: [0x1689, 0x13be, 0x1ce7, 0x19d0, 0x0762, 0x0255, 0x0d0c, 0x083b],
};

/** Annex D, Table D.1: the 18-bit version information of versions 7–40 (index 0 = version 7). */
export const VERSION_INFO: readonly number[] = [
  0x07c94, 0x085bc, 0x09a99, 0x0a4d3, 0x0bbf6, 0x0c762, 0x0d847, 0x0e60d, 0x0f928, 0x10b78, 0x1145d, 0x12a17,
  0x13532, 0x149a6, 0x15683, 0x168c9, 0x177ec, 0x18ec4, 0x191e1, 0x1afab, 0x1b08e, 0x1cc1a, 0x1d33f, 0x1ed75,
  0x1f250, 0x209d5, 0x216f0, 0x228ba, 0x2379f, 0x24b0b, 0x2542e, 0x26a64, 0x27541, 0x28c69,
];

/** Annex E, Table E.1: row/column coordinates of alignment pattern centres (index 0 = version 1). */
export const ALIGNMENT_CENTRES: readonly (readonly number[])[] = [
  [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
  [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],
  [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90], [6, 28, 50, 72, 94], [6, 26, 50, 74, 98],
  [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
  [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
  [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146], [6, 30, 54, 78, 102, 126, 150],
  [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
  [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
];

/** Table 9 for the version/level pairs the tests decode: EC codewords per block and [blocks, data codewords] groups. */
export const BLOCKS: Readonly<Record<string, { readonly ec: number; readonly groups: readonly (readonly [number, number])[] }>> = {
  '1-M': { ec: 10, groups: [[1, 16]] },
  '3-L': { ec: 15, groups: [[1, 55]] },
  '4-M': { ec: 18, groups: [[2, 32]] },
  '4-Q': { ec: 26, groups: [[2, 24]] },
  '5-Q': { ec: 18, groups: [[2, 15], [2, 16]] },
  '6-M': { ec: 16, groups: [[4, 27]] },
  '6-H': { ec: 28, groups: [[4, 15]] },
  '13-M': { ec: 22, groups: [[8, 37], [1, 38]] },
  '14-M': { ec: 24, groups: [[4, 40], [5, 41]] },
  '40-L': { ec: 30, groups: [[19, 118], [6, 119]] },
  '40-H': { ec: 30, groups: [[20, 15], [61, 16]] },
};

/** Table 10: data mask conditions, i = row, j = column. */
export const MASKS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

export const versionOfSize = (size: number): number => (size - 17) / 4;

/** Coordinates [row, col] of format information bit i (0 = least significant) in copy 1 and copy 2. */
export function formatInfoPositions(size: number): { copy1: [number, number][]; copy2: [number, number][] } {
  const copy1: [number, number][] = [];
  const copy2: [number, number][] = [];
  for (let i = 0; i < 15; i++) {
    copy1.push(i < 6 ? [i, 8] : i < 8 ? [i + 1, 8] : i === 8 ? [8, 7] : [8, 14 - i]);
    copy2.push(i < 8 ? [8, size - 1 - i] : [size - 15 + i, 8]);
  }
  return { copy1, copy2 };
}

function readBits(m: Matrix, positions: readonly [number, number][]): number {
  return positions.reduce((acc, [r, c], i) => acc | ((m[r]![c]! ? 1 : 0) << i), 0);
}

export function readFormatInfo(m: Matrix): { copy1: number; copy2: number } {
  const { copy1, copy2 } = formatInfoPositions(m.length);
  return { copy1: readBits(m, copy1), copy2: readBits(m, copy2) };
}

/** Level and mask of a format information word, by lookup in Annex C (undefined if not a valid word). */
export function decodeFormatInfo(bits: number): { ecl: Ecl; mask: number } | undefined {
  for (const ecl of ['L', 'M', 'Q', 'H'] as const) {
    const mask = FORMAT_INFO[ecl].indexOf(bits);
    if (mask >= 0) return { ecl, mask };
  }
  return undefined;
}

export function versionInfoPositions(size: number): { bottomLeft: [number, number][]; topRight: [number, number][] } {
  const bottomLeft: [number, number][] = [];
  const topRight: [number, number][] = [];
  for (let i = 0; i < 18; i++) {
    bottomLeft.push([size - 11 + (i % 3), Math.floor(i / 3)]);
    topRight.push([Math.floor(i / 3), size - 11 + (i % 3)]);
  }
  return { bottomLeft, topRight };
}

export function readVersionInfo(m: Matrix): { bottomLeft: number; topRight: number } {
  const { bottomLeft, topRight } = versionInfoPositions(m.length);
  return { bottomLeft: readBits(m, bottomLeft), topRight: readBits(m, topRight) };
}

/** true for every function module (finders, separators, timing, alignment, format, dark module, version). */
export function functionModules(version: number): boolean[][] {
  const size = 17 + 4 * version;
  const fn = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const mark = (r: number, c: number): void => { fn[r]![c] = true; };
  for (let i = 0; i < size; i++) { mark(6, i); mark(i, 6); }
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) mark(r, c); // finder, separator, format
  for (let r = 0; r < 9; r++) for (let c = size - 8; c < size; c++) mark(r, c);
  for (let r = size - 8; r < size; r++) for (let c = 0; c < 9; c++) mark(r, c);
  const centres = ALIGNMENT_CENTRES[version - 1]!;
  const first = centres[0];
  const last = centres.at(-1);
  for (const r0 of centres) {
    for (const c0 of centres) {
      // No alignment pattern where it would overlap one of the three finder patterns.
      if ((r0 === first && c0 === first) || (r0 === first && c0 === last) || (r0 === last && c0 === first)) continue;
      for (let r = r0 - 2; r <= r0 + 2; r++) for (let c = c0 - 2; c <= c0 + 2; c++) mark(r, c);
    }
  }
  if (version >= 7) {
    const { bottomLeft, topRight } = versionInfoPositions(size);
    for (const [r, c] of [...bottomLeft, ...topRight]) mark(r, c);
  }
  return fn;
}

/** Data/EC module values with the mask undone; function modules read as false. */
export function unmask(m: Matrix, mask: number): boolean[][] {
  const fn = functionModules(versionOfSize(m.length));
  return m.map((row, i) => row.map((v, j) => !fn[i]![j] && v !== MASKS[mask]!(i, j)));
}

/** Reads codewords in the 7.7.3 placement order from an unmasked matrix. */
export function readCodewords(unmasked: Matrix): number[] {
  const size = unmasked.length;
  const fn = functionModules(versionOfSize(size));
  const bits: boolean[] = [];
  let upward = true;
  for (let right = size - 1; right > 0; right -= 2) {
    if (right === 6) right--;
    for (let k = 0; k < size; k++) {
      const r = upward ? size - 1 - k : k;
      for (const c of [right, right - 1]) if (!fn[r]![c]) bits.push(unmasked[r]![c]!);
    }
    upward = !upward;
  }
  const out: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | (b ? 1 : 0), 0));
  return out;
}

/** Undoes the 7.6 interleaving: returns each block's data and EC codewords. */
export function deinterleave(codewords: readonly number[], ec: number, groups: readonly (readonly [number, number])[]):
  { data: number[]; ecc: number[] }[] {
  const blocks: { data: number[]; ecc: number[] }[] = [];
  for (const [count, length] of groups) for (let b = 0; b < count; b++) blocks.push({ data: new Array(length), ecc: [] });
  let i = 0;
  const longest = Math.max(...groups.map(([, length]) => length));
  for (let col = 0; col < longest; col++) for (const b of blocks) if (col < b.data.length) b.data[col] = codewords[i++]!;
  for (let col = 0; col < ec; col++) for (const b of blocks) b.ecc.push(codewords[i++]!);
  return blocks;
}

// GF(2^8), primitive polynomial 0x11D.
function gfMul(a: number, b: number): number {
  let p = 0;
  for (; b > 0; b >>= 1, a = (a << 1) ^ (a & 0x80 ? 0x11d : 0)) if (b & 1) p ^= a;
  return p;
}

/** Syndromes S_i = c(α^i), i = 0..ec−1, of a block; all zero for a valid codeword. */
export function syndromes(block: readonly number[], ec: number): number[] {
  const out: number[] = [];
  let alpha = 1;
  for (let i = 0; i < ec; i++) {
    out.push(block.reduce((acc, cw) => gfMul(acc, alpha) ^ cw, 0));
    alpha = gfMul(alpha, 2);
  }
  return out;
}

/** Parses a byte mode data stream (7.4.5): checks mode, count, terminator and pad codewords; returns the bytes. */
export function parseByteMode(data: readonly number[], version: number): Uint8Array {
  const bits = data.flatMap((b) => Array.from({ length: 8 }, (_, k) => (b >> (7 - k)) & 1));
  let pos = 0;
  const take = (n: number): number => { let v = 0; for (let k = 0; k < n; k++) v = (v << 1) | bits[pos++]!; return v; };
  if (take(4) !== 0b0100) throw new Error('not byte mode');
  const count = take(version < 10 ? 8 : 16);
  const bytes = Uint8Array.from({ length: count }, () => take(8));
  const rest = bits.length - pos;
  if (take(Math.min(4, rest)) !== 0) throw new Error('bad terminator');
  if (pos % 8 !== 0) throw new Error('not byte aligned after terminator');
  data.slice(pos / 8).forEach((b, k) => { if (b !== (k % 2 === 0 ? 0xec : 0x11)) throw new Error('bad pad codeword'); });
  return bytes;
}

/**
 * Fully reads a symbol: format information (both copies equal and valid), unmasking, codeword extraction,
 * de-interleaving with the Table 9 structure from BLOCKS, RS syndromes, byte mode parsing.
 */
export function decodeSymbol(m: Matrix): { ecl: Ecl; mask: number; version: number; text: string; codewords: number[] } {
  const version = versionOfSize(m.length);
  const { copy1, copy2 } = readFormatInfo(m);
  if (copy1 !== copy2) throw new Error('format information copies differ');
  const format = decodeFormatInfo(copy1);
  if (!format) throw new Error('invalid format information');
  const layout = BLOCKS[`${version}-${format.ecl}`];
  if (!layout) throw new Error(`no Table 9 entry in the test for ${version}-${format.ecl}`);
  const codewords = readCodewords(unmask(m, format.mask));
  const blocks = deinterleave(codewords, layout.ec, layout.groups);
  for (const b of blocks) {
    if (syndromes([...b.data, ...b.ecc], layout.ec).some((s) => s !== 0)) throw new Error('RS syndrome not zero');
  }
  const bytes = parseByteMode(blocks.flatMap((b) => b.data), version);
  return { ...format, version, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), codewords };
}

export function transpose(m: Matrix): boolean[][] {
  return m[0]!.map((_, c) => m.map((row) => row[c]!));
}

/** Builds a matrix from strings of '1' (dark) and '0' (light). */
export function matrixOf(...rows: string[]): boolean[][] {
  return rows.map((row) => [...row].map((ch) => ch === '1'));
}

export const checkerboard = (rows: number, cols: number): boolean[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (r + c) % 2 === 0));
