// Renderers: terminal text with Unicode half blocks, and standalone SVG,
// both with the light quiet zone of ISO/IEC 18004:2015, 6.3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQr, renderQrSvg, renderQrText, type QrCode } from '../../lib/qr.js';

const GLYPH_BITS: Record<string, [boolean, boolean]> = { ' ': [false, false], '▀': [true, false], '▄': [false, true], '█': [true, true] };

/** Turns rendered text back into module rows (drawn = true), two per line. */
function textToRows(text: string): boolean[][] {
  return text.split('\n').flatMap((line) => {
    const cells = [...line].map((ch) => {
      const bits = GLYPH_BITS[ch];
      assert.ok(bits, `unexpected character ${JSON.stringify(ch)}`);
      return bits;
    });
    return [cells.map(([top]) => top), cells.map(([, bottom]) => bottom)];
  });
}

/** The symbol inside a light quiet zone of q modules. */
function withQuietZone(qr: QrCode, q: number): boolean[][] {
  const n = qr.size + 2 * q;
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.modules[r - q]?.[c - q] === true));
}

const samples = [encodeQr('WDJB-MJHT'), encodeQr('https://example.com/device?user_code=WDJB-MJHT', { ecl: 'H' })];

test('dg:qr:render-text half blocks, two module rows per line, ⌈(size + 2·quiet)/2⌉ lines, default quiet zone 4', () => {
  for (const qr of samples) {
    for (const quietZone of [undefined, 0, 1, 2, 4, 5]) {
      const q = quietZone ?? 4;
      const text = renderQrText(qr, quietZone === undefined ? {} : { quietZone });
      const lines = text.split('\n');
      assert.equal(lines.length, Math.ceil((qr.size + 2 * q) / 2));
      assert.ok(lines.every((line) => [...line].length === qr.size + 2 * q));
      assert.match(text, /^[ ▀▄█\n]+$/u);
      assert.ok(!text.endsWith('\n'));
      const rows = textToRows(text);
      const expected = withQuietZone(qr, q);
      assert.deepEqual(rows.slice(0, expected.length), expected, `quiet zone ${q}`);
      // The half row below an odd-height image is blank.
      assert.ok(rows.slice(expected.length).every((row) => row.every((v) => !v)));
    }
  }
  assert.equal(renderQrText(samples[0]!), renderQrText(samples[0]!, { quietZone: 4, invert: false }));
});

test('dg:qr:render-text the quiet zone is light: no glyph in the margin, and all four glyphs occur in the symbol', () => {
  const qr = samples[0]!;
  const lines = renderQrText(qr).split('\n');
  assert.equal(lines[0], ' '.repeat(qr.size + 8));
  assert.equal(lines[1], ' '.repeat(qr.size + 8));
  assert.ok(lines.every((line) => line.startsWith('    ') && line.endsWith('    ')));
  assert.equal(lines.at(-1), ' '.repeat(qr.size + 8)); // rows size+4 .. size+7 are quiet zone
  for (const glyph of ['▀', '▄', '█']) assert.ok(lines.join('').includes(glyph), glyph);
});

test('dg:qr:render-text invert draws light modules, quiet zone included, for light-on-dark terminals', () => {
  for (const qr of samples) {
    const rows = textToRows(renderQrText(qr, { invert: true, quietZone: 2 }));
    const expected = withQuietZone(qr, 2).map((row) => row.map((v) => !v));
    assert.deepEqual(rows.slice(0, expected.length), expected);
    assert.ok(rows.slice(expected.length).every((row) => row.every((v) => !v)), 'the padding half row stays blank');
  }
});

test('dg:qr:render-svg one path of the dark modules over a light background; viewBox matches size and quiet zone', () => {
  for (const qr of samples) {
    for (const [options, q, px] of [[undefined, 4, 8], [{ quietZone: 2, moduleSize: 3.5 }, 2, 3.5], [{ quietZone: 0 }, 0, 8]] as const) {
      const svg = renderQrSvg(qr, options);
      const n = qr.size + 2 * q;
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^<>]*>(<rect [^<>]*\/>)<path d="[^"<>]*" fill="#000"\/><\/svg>$/);
      assert.equal((svg.match(/<path /g) ?? []).length, 1);
      assert.ok(svg.includes(`viewBox="0 0 ${n} ${n}"`));
      assert.ok(svg.includes(`width="${n * px}" height="${n * px}"`));
      assert.ok(svg.includes(`<rect width="${n}" height="${n}" fill="#fff"/>`));
      // Paint the path's runs and compare with the symbol inside its quiet zone.
      const d = /<path d="([^"]*)"/.exec(svg)![1]!;
      const painted = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
      const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
      assert.equal(runs.map((m) => m[0]).join(''), d, 'the path is only M x y h n v1 h-n z runs');
      for (const [, x, y, w, back] of runs) {
        assert.equal(w, back);
        for (let k = 0; k < Number(w); k++) {
          assert.equal(painted[Number(y)]![Number(x) + k], false, 'runs do not overlap');
          painted[Number(y)]![Number(x) + k] = true;
        }
      }
      assert.deepEqual(painted, withQuietZone(qr, q));
    }
  }
});

test('dg:qr:render-text dg:qr:render-svg bad options throw TypeError ERR_INVALID_ARG_VALUE', () => {
  const qr = samples[0]!;
  const badText = [null, 'x', { quietZone: -1 }, { quietZone: 1.5 }, { quietZone: 65 }, { quietZone: '4' }, { invert: 'yes' }, { invert: 1 }];
  const badSvg = [null, 3, { quietZone: -1 }, { quietZone: Number.NaN }, { moduleSize: 0 }, { moduleSize: -2 },
    { moduleSize: Number.POSITIVE_INFINITY }, { moduleSize: Number.NaN }, { moduleSize: '8' }];
  for (const options of badText) {
    assert.throws(() => renderQrText(qr, options as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }, JSON.stringify(options));
  }
  for (const options of badSvg) {
    assert.throws(() => renderQrSvg(qr, options as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }, JSON.stringify(options));
  }
  assert.equal(renderQrText(qr, { quietZone: 64 }).split('\n').length, Math.ceil((qr.size + 128) / 2));
});
