/**
 * The encoder: byte mode data encodation (ISO/IEC 18004:2015, 7.4), error
 * correction and interleaving (7.5, 7.6), matrix construction (6.3, 7.7) and
 * data mask selection (7.8).
 */
import { ERR_QR_DATA_TOO_LONG, invalidArg } from './errors.ts';
import { applyMask, functionGrid, placeCodewords, type Grid } from './matrix.ts';
import { gridPenalty } from './penalty.ts';
import { rsRemainder } from './reed-solomon.ts';
import { blockLayout, byteCapacity, byteCountBits, QR_ECLS, type QrEcl, type QrMask } from './tables.ts';

/** Options of {@link encodeQr}. */
export interface QrEncodeOptions {
  /** Error correction level (7.5.1); default `'M'`. */
  readonly ecl?: QrEcl;
  /** Force this data mask (7.8.2) instead of choosing the lowest penalty (7.8.3). */
  readonly mask?: QrMask;
  /** Smallest version (1–40) to consider; default 1. */
  readonly minVersion?: number;
}

/** An encoded QR Code model 2 symbol. */
export interface QrCode {
  /** Version 1–40 (6.3.1). */
  readonly version: number;
  /** Error correction level (7.5.1). */
  readonly ecl: QrEcl;
  /** Data mask pattern reference (7.8.2). */
  readonly mask: QrMask;
  /** Modules per side: 17 + 4 × version. */
  readonly size: number;
  /** `modules[row][column]`, true = dark; the quiet zone is not included. */
  readonly modules: readonly (readonly boolean[])[];
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Byte mode bit stream as data codewords (7.4.5, 7.4.9, 7.4.10): mode
 * indicator 0100, the character count (8 or 16 bits), the bytes, the
 * four-bit terminator 0000, then the pad codewords 11101100 and 00010001 in
 * turn. Mode and count take 4 bits more than whole bytes, so the stream is
 * the count and data bytes shifted right by one nibble, the mode indicator
 * in front and the terminator behind, ending on a byte boundary.
 */
function dataCodewords(bytes: Uint8Array, version: number, capacity: number): Uint8Array {
  // dg:qr:byte-mode: an 8-bit count for versions 1–9, 16-bit for 10–40.
  const count = byteCountBits(version) === 8 ? [bytes.length] : [bytes.length >>> 8, bytes.length & 0xff];
  const payload = [...count, ...bytes];
  const out = new Uint8Array(capacity);
  // dg:qr:byte-mode: mode indicator 0100, then the count and the bytes, shifted by one nibble.
  let previous = 0b0100;
  payload.forEach((byte, i) => {
    out[i] = (previous << 4) | (byte >>> 4);
    previous = byte & 0x0f;
  });
  out[payload.length] = previous << 4;
  // dg:qr:byte-mode: after the terminator, the pad codewords 0xEC and 0x11 alternately.
  for (let i = payload.length + 1, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) out[i] = pad;
  return out;
}

/**
 * Splits the data codewords into blocks, appends each block's Reed–Solomon
 * codewords (7.5.2), and interleaves them into the final sequence (7.6):
 * data codewords column by column across the blocks (the longer blocks
 * last), then the error correction codewords likewise.
 */
function finalSequence(data: Uint8Array, version: number, ecl: QrEcl): Uint8Array {
  const { total, ecPerBlock, blocks } = blockLayout(version, ecl);
  const shortBlocks = blocks - (total % blocks);
  const shortData = Math.floor(total / blocks) - ecPerBlock;
  const dataBlocks: Uint8Array[] = [];
  const ecBlocks: Uint8Array[] = [];
  for (let b = 0, k = 0; b < blocks; b++) {
    const length = shortData + (b < shortBlocks ? 0 : 1);
    const block = data.subarray(k, k + length);
    k += length;
    dataBlocks.push(block);
    // dg:qr:error-correction: each Table 9 block gets its Reed–Solomon codewords.
    ecBlocks.push(rsRemainder(block, ecPerBlock));
  }
  const out = new Uint8Array(total);
  let i = 0;
  // dg:qr:error-correction: data then error correction codewords, interleaved column by column.
  for (let column = 0; column <= shortData; column++) {
    for (const block of dataBlocks) if (column < block.length) out[i++] = block[column]!;
  }
  for (let column = 0; column < ecPerBlock; column++) {
    for (const block of ecBlocks) out[i++] = block[column]!;
  }
  return out;
}

function toModules(grid: Grid): boolean[][] {
  const rows: boolean[][] = [];
  for (let r = 0; r < grid.size; r++) {
    rows.push(Object.freeze(Array.from(grid.dark.subarray(r * grid.size, (r + 1) * grid.size), (v) => v === 1)) as boolean[]);
  }
  return rows;
}

/**
 * Encodes `text` as a QR Code model 2 symbol (ISO/IEC 18004:2015, clause 7):
 * one byte mode segment (7.4.5) holding the UTF-8 encoding of `text`, in the
 * smallest version from `minVersion` that holds it at level `ecl` (Table 7),
 * with Reed–Solomon error correction (7.5), the final codeword sequence
 * (7.6) placed in the matrix (7.7), and the data mask that scores the lowest
 * penalty under 7.8.3 (the lowest-numbered on a tie) unless `mask` forces
 * one. The result and its rows are frozen.
 *
 * No ECI header is written (7.4.2): the standard's default byte mode
 * interpretation is ISO/IEC 8859-1, which is identical for ASCII URLs, and
 * readers in practice decode non-ASCII byte mode data as UTF-8.
 *
 * @throws {RangeError} `code: 'ERR_QR_DATA_TOO_LONG'` when the data does not
 *   fit a version 40 symbol at that level (at `'M'`, 2331 bytes).
 * @throws {TypeError} `code: 'ERR_INVALID_ARG_VALUE'` for a `text` that is
 *   not a string or an option outside its domain.
 */
export function encodeQr(text: string, options?: QrEncodeOptions): QrCode {
  // dg:qr:options: a non-string text or a bad option is a TypeError whose code is ERR_INVALID_ARG_VALUE.
  if (typeof text !== 'string') throw invalidArg('text must be a string');
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArg('options must be an object');
  }
  // dg:qr:options: level M by default.
  const { ecl = 'M', mask, minVersion = 1 } = options ?? {};
  if (!QR_ECLS.includes(ecl)) throw invalidArg("options.ecl must be 'L', 'M', 'Q' or 'H'");
  if (mask !== undefined && !isInteger(mask, 0, 7)) throw invalidArg('options.mask must be an integer from 0 to 7');
  if (!isInteger(minVersion, 1, 40)) throw invalidArg('options.minVersion must be an integer from 1 to 40');

  const bytes = new TextEncoder().encode(text);
  let version = minVersion;
  // dg:qr:capacity: the smallest version from minVersion that holds the data; past 40, ERR_QR_DATA_TOO_LONG with none of the data in its message.
  while (bytes.length > byteCapacity(version, ecl)) {
    if (version === 40) {
      throw Object.assign(new RangeError('data too long for a version 40 QR Code at this error correction level'), {
        code: ERR_QR_DATA_TOO_LONG,
      });
    }
    version++;
  }

  const grid = functionGrid(version);
  // dg:qr:byte-mode dg:qr:known-answer: the UTF-8 bytes as one byte mode segment, without an ECI header.
  const data = dataCodewords(bytes, version, blockLayout(version, ecl).data);
  // dg:qr:error-correction: the final sequence, interleaved, goes into the matrix.
  placeCodewords(grid, finalSequence(data, version, ecl));

  // dg:qr:mask-patterns: a forced mask is applied as given.
  let chosen: QrMask = mask ?? 0;
  let symbol = applyMask(grid, ecl, chosen);
  // dg:qr:mask-penalty: otherwise all eight are scored and the lowest wins, the lowest-numbered on a tie.
  if (mask === undefined) {
    let best = gridPenalty(grid.size, grid.size, symbol.dark);
    for (let m = 1; m < 8; m++) {
      const candidate = applyMask(grid, ecl, m as QrMask);
      const score = gridPenalty(grid.size, grid.size, candidate.dark);
      if (score < best) {
        best = score;
        chosen = m as QrMask;
        symbol = candidate;
      }
    }
  }
  return Object.freeze({
    version,
    ecl,
    mask: chosen,
    size: grid.size,
    modules: Object.freeze(toModules(symbol)),
  });
}
