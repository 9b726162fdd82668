/**
 * Renderers for an encoded symbol, each surrounding it with the light quiet
 * zone that ISO/IEC 18004:2015, 6.3 requires (four modules wide).
 */
import type { QrCode } from './encode.ts';
import { invalidArg } from './errors.ts';

/** Options of {@link renderQrText}. */
export interface QrTextOptions {
  /**
   * Light margin in modules on every side; default 4, the width the standard
   * requires. Terminals are often read fine with 2, which saves space.
   */
  readonly quietZone?: number;
  /**
   * Draw light modules instead of dark ones: for terminals that print light
   * text on a dark background, where a drawn block shows light. Default
   * false (blocks are dark modules, as on paper or a light background).
   */
  readonly invert?: boolean;
}

/** Options of {@link renderQrSvg}. */
export interface QrSvgOptions {
  /** Light margin in modules on every side; default 4 (6.3). */
  readonly quietZone?: number;
  /** Width and height of one module in user units (pixels) for the `width`/`height` attributes; default 8. */
  readonly moduleSize?: number;
}

function quietZoneOption(value: unknown): number {
  // dg:qr:render-text dg:qr:render-svg: a quiet zone of 4 modules by default.
  if (value === undefined) return 4;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 64) {
    throw invalidArg('options.quietZone must be an integer from 0 to 64');
  }
  return value;
}

function optionsObject<T extends object>(options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidArg('options must be an object');
  return options;
}

/** Dark-module test including the quiet zone around the symbol. */
function darkAt(qr: QrCode, row: number, col: number): boolean {
  return qr.modules[row]?.[col] === true;
}

const GLYPHS = [' ', '▀', '▄', '█'] as const;

/**
 * Renders the symbol as terminal text (Unicode half blocks ▀ ▄ █ and the
 * space), two module rows per line, with a quiet zone on every side (6.3).
 * Lines are joined with "\n", without a final newline; there are
 * ⌈(size + 2·quietZone) / 2⌉ of them, each size + 2·quietZone characters
 * long. The total height is always odd (so is every symbol size), and the
 * lower half of the last line is left blank.
 *
 * @throws {TypeError} `code: 'ERR_INVALID_ARG_VALUE'` for an invalid option.
 */
export function renderQrText(qr: QrCode, options?: QrTextOptions): string {
  const { quietZone, invert = false } = optionsObject(options);
  const q = quietZoneOption(quietZone);
  if (typeof invert !== 'boolean') throw invalidArg('options.invert must be a boolean');
  const width = qr.size + 2 * q;
  const drawn = (row: number, col: number): boolean => row < width && darkAt(qr, row - q, col - q) !== invert;
  const lines: string[] = [];
  // dg:qr:render-text: two module rows per line in half blocks, inside the quiet zone; invert draws the light modules.
  for (let row = 0; row < width; row += 2) {
    let line = '';
    for (let col = 0; col < width; col++) {
      line += GLYPHS[(drawn(row, col) ? 1 : 0) + (drawn(row + 1, col) ? 2 : 0)];
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * Renders the symbol as a standalone SVG document: a light background the
 * size of the symbol and its quiet zone (6.3), and one path holding every
 * dark module, merged into horizontal runs. The viewBox is in modules, so
 * the image scales without blurring; `width`/`height` are
 * (size + 2·quietZone) × moduleSize.
 *
 * @throws {TypeError} `code: 'ERR_INVALID_ARG_VALUE'` for an invalid option.
 */
export function renderQrSvg(qr: QrCode, options?: QrSvgOptions): string {
  const { quietZone, moduleSize = 8 } = optionsObject(options);
  const q = quietZoneOption(quietZone);
  if (typeof moduleSize !== 'number' || !Number.isFinite(moduleSize) || moduleSize <= 0) {
    throw invalidArg('options.moduleSize must be a positive finite number');
  }
  const width = qr.size + 2 * q;
  let d = '';
  // dg:qr:render-svg: every dark module in one path.
  for (let row = 0; row < qr.size; row++) {
    for (let col = 0; col < qr.size; col++) {
      if (!darkAt(qr, row, col)) continue;
      const start = col;
      while (darkAt(qr, row, col + 1)) col++;
      const run = col - start + 1;
      d += `M${start + q} ${row + q}h${run}v1h-${run}z`;
    }
  }
  const pixels = width * moduleSize;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${width}" width="${pixels}" height="${pixels}" shape-rendering="crispEdges">` +
    `<rect width="${width}" height="${width}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}
