/**
 * Evaluation of data masking results (ISO/IEC 18004:2015, 7.8.3, Table 11).
 */
import { invalidArg } from './errors.ts';

const N1 = 3;
const N2 = 3;
const N3 = 40;
const N4 = 10;

/** A module matrix as rows of modules, true = dark. */
export type QrMatrix = readonly (readonly boolean[])[];

/**
 * Penalty of one row or column read through `at` (0 = light, 1 = dark):
 * feature 1 (runs of five or more same-coloured modules: N1 + run − 5) and
 * feature 3 (a 1:1:3:1:1 dark:light:dark:light:dark pattern with four light
 * modules on one side: N3 per side that has them). Modules outside the
 * symbol count as light, as the quiet zone that surrounds it is.
 */
function linePenalty(length: number, at: (k: number) => number): number {
  let score = 0;
  let run = 0;
  for (let k = 0; k <= length; k++) {
    if (k > 0 && k < length && at(k) === at(k - 1)) {
      run++;
      continue;
    }
    if (run >= 5) score += N1 + run - 5;
    run = 1;
  }
  const light = (from: number): boolean => {
    for (let k = from; k < from + 4; k++) if (k >= 0 && k < length && at(k) === 1) return false;
    return true;
  };
  for (let k = 0; k + 7 <= length; k++) {
    if (at(k) === 1 && at(k + 1) === 0 && at(k + 2) === 1 && at(k + 3) === 1 &&
      at(k + 4) === 1 && at(k + 5) === 0 && at(k + 6) === 1) {
      if (light(k - 4)) score += N3;
      if (light(k + 7)) score += N3;
    }
  }
  return score;
}

/** Penalty of a row-major grid of 0/1 modules (7.8.3.1). Exported for the encoder. */
export function gridPenalty(rows: number, cols: number, dark: Uint8Array): number {
  let score = 0;
  // dg:qr:mask-penalty: rules 1 and 3 along every row and every column.
  for (let r = 0; r < rows; r++) score += linePenalty(cols, (k) => dark[r * cols + k]!);
  for (let c = 0; c < cols; c++) score += linePenalty(rows, (k) => dark[k * cols + c]!);
  // dg:qr:mask-penalty: feature 2, every 2×2 block of one colour, overlapping blocks each counted.
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < cols; c++) {
      const v = dark[r * cols + c];
      if (dark[r * cols + c + 1] === v && dark[(r + 1) * cols + c] === v && dark[(r + 1) * cols + c + 1] === v) score += N2;
    }
  }
  // dg:qr:mask-penalty: feature 4, N4 for each full 5 % step the dark proportion deviates from 50 %.
  let count = 0;
  for (const v of dark) count += v;
  const total = rows * cols;
  score += N4 * Math.floor(Math.abs(20 * count - 10 * total) / total);
  return score;
}

/**
 * Mask penalty score of a module matrix by the four rules of ISO/IEC
 * 18004:2015, 7.8.3.1, Table 11 (lower is better):
 *
 * 1. each row or column run of five or more same-coloured modules scores
 *    3 + (run length − 5);
 * 2. each 2×2 block of one colour scores 3 (overlapping blocks all count);
 * 3. each 1:1:3:1:1 (dark:light:dark:light:dark) pattern in a row or column
 *    scores 40 for each side on which it is followed by four light modules,
 *    modules beyond the edge counting as light (the quiet zone);
 * 4. 10 for every full 5 % by which the proportion of dark modules deviates
 *    from 50 %.
 *
 * Any rectangular matrix is accepted; the encoder scores the complete symbol,
 * format information included.
 *
 * @throws {TypeError} `code: 'ERR_INVALID_ARG_VALUE'` unless `modules` is a
 *   non-empty array of equally long, non-empty arrays.
 */
export function qrPenalty(modules: QrMatrix): number {
  // dg:qr:mask-penalty: the scoring function is exported as qrPenalty.
  const rows = Array.isArray(modules) ? modules.length : 0;
  const first: unknown = rows > 0 ? modules[0] : undefined;
  const cols = Array.isArray(first) ? first.length : 0;
  if (rows === 0 || cols === 0 || !modules.every((row) => Array.isArray(row) && row.length === cols)) {
    throw invalidArg('modules must be a non-empty rectangular matrix');
  }
  const dark = new Uint8Array(rows * cols);
  modules.forEach((row, r) => row.forEach((v, c) => { dark[r * cols + c] = v ? 1 : 0; }));
  return gridPenalty(rows, cols, dark);
}
