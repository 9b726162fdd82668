// Data masking (ISO/IEC 18004:2015, 7.8): the eight mask patterns, the four
// penalty rules of 7.8.3.1 on hand-built matrices, and mask selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQr, qrPenalty, type QrMask } from '../../lib/qr.js';
import { checkerboard, formatInfoPositions, functionModules, loadFixtures, MASKS, matrixOf, transpose } from './qr-support.js';

test('dg:qr:mask-penalty a 10×10 checkerboard scores 0 under all four rules', () => {
  assert.equal(qrPenalty(checkerboard(10, 10)), 0);
});

test('dg:qr:mask-penalty rule 1: a run of five or more same-coloured modules scores 3 + (length − 5)', () => {
  // Row 0 becomes 11111 00000 (dark count unchanged): two runs of 5 → 3 + 3.
  const fives = checkerboard(10, 10);
  fives[0] = [...'1111100000'].map((ch) => ch === '1');
  assert.equal(qrPenalty(fives), 6);
  // Row 0 becomes 1111111 000: a run of 7 → 3 + 2 (52 % dark: rule 4 still 0).
  const seven = checkerboard(10, 10);
  seven[0] = [...'1111111000'].map((ch) => ch === '1');
  assert.equal(qrPenalty(seven), 5);
  // The same run in a column scores the same.
  assert.equal(qrPenalty(transpose(seven)), 5);
  // A run of four scores nothing: row 0 = 1111 0 1 0 0 0 0 is runs of 4, 1, 1, 4.
  const four = checkerboard(10, 10);
  four[0] = [...'1111010000'].map((ch) => ch === '1');
  assert.equal(qrPenalty(four), 0);
});

test('dg:qr:mask-penalty rule 2: each 2×2 block of one colour scores 3, overlapping blocks each counted', () => {
  const one = checkerboard(10, 10);
  one[0]![1] = true;
  one[1]![0] = true; // (0,0)–(1,1) all dark; 52 % dark
  assert.equal(qrPenalty(one), 3);
  const nine = checkerboard(10, 10);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) nine[r]![c] = true; // a 3×3 dark square holds four 2×2 blocks
  assert.equal(qrPenalty(nine), 12);
  const light = checkerboard(10, 10);
  light[4]![4] = false;
  light[5]![5] = false; // (4,4)–(5,5) all light; 48 % dark
  assert.equal(qrPenalty(light), 3);
});

test('dg:qr:mask-penalty rule 3: a 1:1:3:1:1 pattern scores 40 for each side with four light modules (beyond the edge counts as light)', () => {
  // 0000 1011101 | edge: light on both sides → 80; 5/11 dark → rule 4 is 0; the run of four light is below rule 1.
  assert.equal(qrPenalty(matrixOf('00001011101')), 80);
  // The same pattern read down a column.
  assert.equal(qrPenalty(transpose(matrixOf('00001011101'))), 80);
  // A dark module within the four on the left: only the right side (the edge) counts.
  assert.equal(qrPenalty(matrixOf('10001011101')), 40);
  // Within a wider row, light on neither side: 0 from rule 3. Dark 9/13 → 69 %: rule 4 scores 30.
  assert.equal(qrPenalty(matrixOf('1101011101011')), 30);
  // The pattern with only three light modules before a dark one on each side: no rule 3 penalty; 7/15 dark.
  assert.equal(qrPenalty(matrixOf('100010111010001')), 0);
  // Beyond the right or left edge is light, not the next or previous row: each row below is the other's
  // complement (no runs ≥ 5 in columns, no 2×2 blocks, 50 % dark), and only the pattern row scores.
  assert.equal(qrPenalty(matrixOf('00001011101', '11110100010')), 80);
  assert.equal(qrPenalty(matrixOf('01000101111', '10111010000')), 80);
});

test('dg:qr:mask-penalty rule 4: 10 points per full 5 % the dark proportion deviates from 50 %', () => {
  // Diagonal stripes (i + j) mod 3 ≠ 0: 24/36 = 66.7 % dark, no runs ≥ 5, no 2×2 block, no 1:1:3:1:1 → 3 × 10.
  const stripes = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i + j) % 3 !== 0));
  assert.equal(qrPenalty(stripes), 30);
  assert.equal(qrPenalty(stripes.map((row) => row.map((v) => !v))), 30); // 33.3 % dark
  assert.equal(qrPenalty(matrixOf('1')), 100);
  assert.equal(qrPenalty(matrixOf('0')), 100);
  assert.equal(qrPenalty(matrixOf('10101010101010101011')), 10); // exactly 55 %
  assert.equal(qrPenalty(matrixOf('10101010101010101010')), 0); // 50 %
});

test('dg:qr:mask-penalty qrPenalty rejects a matrix that is empty or not rectangular', () => {
  for (const bad of [[], [[]], [[true], [true, false]], null, undefined, 'abc', [true], [[true], 'x']]) {
    assert.throws(() => qrPenalty(bad as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }, JSON.stringify(bad));
  }
});

test('dg:qr:mask-penalty encodeQr picks the mask with the lowest penalty of the eight (the lowest number on a tie)', () => {
  // Found by search: at level M, masks 2 and 6 tie for the lowest score; mask 2 must win.
  const tie = 'https://example.com/device?user_code=47';
  const tieScores = Array.from({ length: 8 }, (_, m) => qrPenalty(encodeQr(tie, { mask: m as QrMask }).modules));
  assert.equal(tieScores[2], Math.min(...tieScores));
  assert.equal(tieScores[6], tieScores[2]);
  assert.equal(encodeQr(tie).mask, 2);
  const inputs = [tie, 
    'WDJB-MJHT', 'https://example.com/device?user_code=WDJB-MJHT', 'https://example.com/device',
    ...loadFixtures().map((f) => f.input), 'a'.repeat(700),
  ];
  const chosen = new Set<number>();
  for (const text of inputs) {
    for (const ecl of ['L', 'M', 'Q', 'H'] as const) {
      const scores = Array.from({ length: 8 }, (_, m) => qrPenalty(encodeQr(text, { ecl, mask: m as QrMask }).modules));
      assert.ok(new Set(scores).size > 1, 'the masks score differently');
      const best = scores.indexOf(Math.min(...scores));
      const qr = encodeQr(text, { ecl });
      assert.equal(qr.mask, best, `${ecl} ${text.slice(0, 30)} scores ${scores.join(',')}`);
      assert.deepEqual(qr.modules, encodeQr(text, { ecl, mask: qr.mask }).modules);
      chosen.add(qr.mask);
    }
  }
  assert.ok(chosen.size >= 3, 'selection is not stuck on one mask');
});

test('dg:qr:mask-patterns a forced mask inverts exactly the data modules its Table 10 condition selects', () => {
  const text = 'https://example.com/device?user_code=WDJB-MJHT';
  const base = encodeQr(text, { mask: 0 });
  const fn = functionModules(base.version);
  const format = new Set(Object.values(formatInfoPositions(base.size)).flat().map(([r, c]) => `${r},${c}`));
  for (let mask = 1; mask < 8; mask++) {
    const qr = encodeQr(text, { mask: mask as QrMask });
    assert.equal(qr.mask, mask);
    assert.equal(qr.version, base.version);
    qr.modules.forEach((row, i) => row.forEach((v, j) => {
      if (format.has(`${i},${j}`)) return;
      const flipped = !fn[i]![j] && MASKS[0]!(i, j) !== MASKS[mask]!(i, j);
      assert.equal(v !== base.modules[i]![j], flipped, `mask ${mask} module (${i}, ${j})`);
    }));
  }
});
