/**
 * BCH-protected side information: format information (ISO/IEC 18004:2015,
 * 7.9 and Annex C) and version information (7.10 and Annex D).
 */
import { ECL_FORMAT_BITS, type QrEcl, type QrMask } from './tables.ts';

/** Remainder of value·x^(degree of generator) divided by generator, over GF(2). */
function bchRemainder(value: number, generator: number): number {
  const degree = 31 - Math.clz32(generator);
  let r = value << degree;
  for (let bit = 31 - Math.clz32(r); bit >= degree; bit--) {
    if ((r >>> bit) & 1) r ^= generator << (bit - degree);
  }
  return r;
}

/**
 * The 15-bit format information (7.9.1, Annex C): two level bits and three
 * mask bits, a BCH(15,5) remainder with generator x¹⁰+x⁸+x⁵+x⁴+x²+x+1
 * (0x537), all XORed with 101010000010010 (0x5412) so it is never all light.
 */
export function formatInfoBits(ecl: QrEcl, mask: QrMask): number {
  const data = (ECL_FORMAT_BITS[ecl] << 3) | mask;
  // dg:qr:format-info: BCH(15,5) with generator 0x537, masked with 0x5412.
  return ((data << 10) | bchRemainder(data, 0x537)) ^ 0x5412;
}

/**
 * The 18-bit version information for versions 7 to 40 (7.10, Annex D): the
 * six version bits followed by a BCH(18,6) remainder with generator
 * x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1 (0x1F25); it is not masked.
 */
export function versionInfoBits(version: number): number {
  // dg:qr:version-info: BCH(18,6) with generator 0x1F25.
  return (version << 12) | bchRemainder(version, 0x1f25);
}
