/**
 * Static parameters of QR Code model 2 symbols (ISO/IEC 18004:2015).
 *
 * The two block tables are transcribed from Table 9 (error correction
 * characteristics); everything else (module counts, codeword counts, block
 * lengths, alignment pattern centres) is derived from the symbol geometry of
 * clause 6.3 so that it cannot drift from the tables.
 */

/** Error correction level (ISO/IEC 18004:2015, 7.5.1): recovers about 7 %, 15 %, 25 % or 30 % of codewords. */
export type QrEcl = 'L' | 'M' | 'Q' | 'H';

/** Mask pattern reference (ISO/IEC 18004:2015, 7.8.2, Table 10). */
export type QrMask = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The four error correction levels (7.5.1) in ascending order of redundancy. */
export const QR_ECLS: readonly QrEcl[] = ['L', 'M', 'Q', 'H'];

/** The two-bit level indicator carried in the format information (7.9.1). */
export const ECL_FORMAT_BITS: Readonly<Record<QrEcl, number>> = { L: 1, M: 0, Q: 3, H: 2 };

// Table 9, one entry per version 1..40: error correction codewords per block.
const EC_PER_BLOCK: Readonly<Record<QrEcl, readonly number[]>> = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
    28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
    28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
    30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};

// Table 9, one entry per version 1..40: number of error correction blocks.
const BLOCK_COUNT: Readonly<Record<QrEcl, readonly number[]>> = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
    8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
    23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
    25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

/** Side length in modules of a version (6.3.1): 21 for version 1, four more per version. */
export function symbolSize(version: number): number {
  return 17 + 4 * version;
}

/**
 * Row/column centres of the alignment patterns (6.3, Annex E): the first is
 * always 6, the last is size − 7, and the ones between are evenly spaced by an
 * even step counted back from the last (version 32 is the one irregular step).
 */
export function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  // dg:qr:matrix-layout: the Annex E alignment pattern centres.
  const count = Math.floor(version / 7) + 2;
  const last = symbolSize(version) - 7;
  const step = version === 32 ? 26 : Math.ceil((last - 6) / (count - 1) / 2) * 2;
  const centres = [6];
  for (let i = count - 2; i >= 0; i--) centres.push(last - i * step);
  return centres;
}

/** Modules left for data and error correction codewords plus remainder bits (6.3.1, Table 1). */
export function encodingModules(version: number): number {
  const size = symbolSize(version);
  const align = alignmentCentres(version).length;
  let n = size * size - 3 * 64 - 2 * (size - 16) - 31; // finders+separators, timing, format+dark module
  if (align > 0) n -= 25 * (align * align - 3) - 10 * (align - 2);
  if (version >= 7) n -= 36;
  return n;
}

/** Block structure of one version and level (7.5.1, Table 9). */
export interface QrBlockLayout {
  /** Total codewords in the symbol (data and error correction). */
  readonly total: number;
  /** Data codewords in the symbol. */
  readonly data: number;
  /** Error correction codewords in each block. */
  readonly ecPerBlock: number;
  /** Number of blocks. */
  readonly blocks: number;
}

/** Codeword counts of a version at a level (7.5.1, Table 9). */
export function blockLayout(version: number, ecl: QrEcl): QrBlockLayout {
  const total = Math.floor(encodingModules(version) / 8);
  // dg:qr:error-correction: the Table 9 block split for the version and level.
  const ecPerBlock = EC_PER_BLOCK[ecl][version - 1]!;
  const blocks = BLOCK_COUNT[ecl][version - 1]!;
  return { total, data: total - ecPerBlock * blocks, ecPerBlock, blocks };
}

/** Bits of the byte mode character count indicator (7.4.1, Table 3). */
export function byteCountBits(version: number): number {
  // dg:qr:byte-mode: the character count is 8 bits in versions 1–9 and 16 bits in 10–40.
  return version < 10 ? 8 : 16;
}

/** Largest number of bytes that byte mode can hold in a version at a level (7.4.10, Table 7). */
export function byteCapacity(version: number, ecl: QrEcl): number {
  // dg:qr:capacity: byte mode capacity is the data bits less the mode indicator and the count.
  return Math.floor((blockLayout(version, ecl).data * 8 - 4 - byteCountBits(version)) / 8);
}
