/**
 * Module placement: function patterns (ISO/IEC 18004:2015, 6.3), codeword
 * placement (7.7), data masking (7.8.2) and the format and version
 * information areas (7.9, 7.10).
 */
import { formatInfoBits, versionInfoBits } from './info.ts';
import { alignmentCentres, symbolSize, type QrEcl, type QrMask } from './tables.ts';

/** A symbol under construction (6.3.1: size × size modules): one byte per module, row-major. */
export interface Grid {
  readonly size: number;
  /** 1 = dark. */
  readonly dark: Uint8Array;
  /** 1 = function module (never holds data, never masked). */
  readonly reserved: Uint8Array;
}

function set(grid: Grid, row: number, col: number, dark: boolean): void {
  const i = row * grid.size + col;
  grid.dark[i] = dark ? 1 : 0;
  grid.reserved[i] = 1;
}

/** Chebyshev distance, used to draw the concentric squares of finder and alignment patterns. */
function ring(dr: number, dc: number): number {
  return Math.max(Math.abs(dr), Math.abs(dc));
}

/**
 * A grid holding every function pattern of a version (6.3): the three finder
 * patterns with their separators, the timing patterns, the alignment
 * patterns (Annex E), the dark module beside the
 * bottom-left finder, the version information (7.10) and placeholders for the
 * format information (7.9).
 */
export function functionGrid(version: number): Grid {
  const size = symbolSize(version);
  const grid: Grid = { size, dark: new Uint8Array(size * size), reserved: new Uint8Array(size * size) };
  // dg:qr:matrix-layout: the timing patterns.
  for (let i = 8; i < size - 8; i++) {
    set(grid, 6, i, i % 2 === 0);
    set(grid, i, 6, i % 2 === 0);
  }
  // dg:qr:matrix-layout: the three finder patterns with their separators.
  for (const [r0, c0] of [[3, 3], [3, size - 4], [size - 4, 3]] as const) {
    for (let dr = -4; dr <= 4; dr++) {
      for (let dc = -4; dc <= 4; dc++) {
        const r = r0 + dr;
        const c = c0 + dc;
        if (r < 0 || r >= size || c < 0 || c >= size) continue;
        const d = ring(dr, dc);
        set(grid, r, c, d !== 2 && d !== 4);
      }
    }
  }
  // dg:qr:matrix-layout: the alignment patterns.
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((r0, i) => {
    centres.forEach((c0, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) set(grid, r0 + dr, c0 + dc, ring(dr, dc) !== 1);
      }
    });
  });
  drawFormatInfo(grid, 'M', 0); // reserves the area; redrawn once the mask is known
  // dg:qr:version-info: versions 7–40 carry version information in both blocks.
  if (version >= 7) {
    const bits = versionInfoBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(grid, a, b, dark); // bottom-left block, 6 wide × 3 high
      set(grid, b, a, dark); // top-right block, 3 wide × 6 high
    }
  }
  return grid;
}

/**
 * Writes both copies of the format information (7.9.1) and the
 * always-dark module at (4·version + 9, 8). Bit 0 is the least significant.
 */
export function drawFormatInfo(grid: Grid, ecl: QrEcl, mask: QrMask): void {
  // dg:qr:format-info: the 15 format bits in both copies.
  const bits = formatInfoBits(ecl, mask);
  const size = grid.size;
  for (let i = 0; i < 15; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    // Copy around the top-left finder: up column 8, then left along row 8, skipping the timing pattern.
    if (i < 6) set(grid, i, 8, dark);
    else if (i < 8) set(grid, i + 1, 8, dark);
    else if (i === 8) set(grid, 8, 7, dark);
    else set(grid, 8, 14 - i, dark);
    // Second copy: along row 8 under the top-right finder, then down column 8 beside the bottom-left one.
    if (i < 8) set(grid, 8, size - 1 - i, dark);
    else set(grid, size - 15 + i, 8, dark);
  }
  set(grid, size - 8, 8, true);
}

/**
 * Places the final codeword sequence (7.7.3): two-module-wide columns from
 * the right edge, alternately upwards and downwards, skipping function
 * modules and the vertical timing pattern; bits beyond the sequence are the
 * remainder bits (0).
 */
export function placeCodewords(grid: Grid, codewords: Uint8Array): void {
  const size = grid.size;
  const totalBits = codewords.length * 8;
  let bit = 0;
  let upward = true;
  // dg:qr:matrix-layout: codeword bits in two-module columns from the bottom right, skipping function modules.
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let k = 0; k < size; k++) {
      const row = upward ? size - 1 - k : k;
      for (let col = right; col >= right - 1; col--) {
        const i = row * size + col;
        if (grid.reserved[i] === 1) continue;
        if (bit < totalBits) grid.dark[i] = (codewords[bit >>> 3]! >>> (7 - (bit & 7))) & 1;
        bit++;
      }
    }
    upward = !upward;
  }
}

/** The eight data mask conditions of 7.8.2, Table 10 (i = row, j = column): true = invert. */
export const MASK_CONDITIONS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/**
 * A copy of the grid with data mask `mask` applied to every non-function
 * module (7.8.2) and the matching format information drawn (7.9).
 */
export function applyMask(grid: Grid, ecl: QrEcl, mask: QrMask): Grid {
  const size = grid.size;
  const out: Grid = { size, dark: grid.dark.slice(), reserved: grid.reserved };
  const condition = MASK_CONDITIONS[mask]!;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const k = i * size + j;
      // dg:qr:mask-patterns: only non-function modules, where the Table 10 condition holds.
      if (grid.reserved[k] === 0 && condition(i, j)) out.dark[k] = out.dark[k]! ^ 1;
    }
  }
  drawFormatInfo(out, ecl, mask);
  return out;
}
