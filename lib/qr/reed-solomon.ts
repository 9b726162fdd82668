/**
 * Reed–Solomon error correction over GF(2⁸) as used by QR Code
 * (ISO/IEC 18004:2015, 7.5.2 and Annex A).
 */

// GF(2⁸) with the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), α = 2.
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    EXP[i + 255] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
}

/** Product of two field elements in GF(2⁸) (7.5.2). */
export function gfMultiply(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

const generators = new Map<number, Uint8Array>();

/**
 * Generator polynomial g(x) = (x − α⁰)(x − α¹)…(x − α^(degree−1)) of 7.5.2 and
 * Annex A. Coefficients from the highest power down, the leading 1 omitted.
 */
export function rsGenerator(degree: number): Uint8Array {
  const cached = generators.get(degree);
  if (cached) return cached;
  const g = new Uint8Array(degree);
  g[degree - 1] = 1; // g(x) = 1, stored right-aligned
  let root = 1;
  for (let i = 0; i < degree; i++) {
    // g(x) ← g(x)·(x + αⁱ): shift left by one power, then add αⁱ·g(x).
    for (let j = 0; j < degree; j++) {
      g[j] = gfMultiply(g[j]!, root) ^ (j + 1 < degree ? g[j + 1]! : 0);
    }
    root = gfMultiply(root, 2);
  }
  generators.set(degree, g);
  return g;
}

/**
 * Error correction codewords of one block (7.5.2): the remainder of
 * data(x)·x^degree divided by the generator polynomial.
 */
export function rsRemainder(data: Uint8Array, degree: number): Uint8Array {
  const g = rsGenerator(degree);
  const r = new Uint8Array(degree);
  // dg:qr:error-correction: polynomial division by the generator over GF(2⁸) (0x11D).
  for (const byte of data) {
    const factor = byte ^ r[0]!;
    r.copyWithin(0, 1);
    r[degree - 1] = 0;
    for (let j = 0; j < degree; j++) r[j] = r[j]! ^ gfMultiply(g[j]!, factor);
  }
  return r;
}
