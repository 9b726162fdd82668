// Known-answer tests against symbols recorded once with Debian's qrencode 4.1.1
// (conformance/fixtures/qr/*.txt; each file names its exact command).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQr, type QrEcl, type QrMask } from '../../lib/qr.js';
import { decodeFormatInfo, decodeSymbol, functionModules, loadFixtures, readFormatInfo, unmask, versionOfSize } from './qr-support.js';

const fixtures = loadFixtures();

test('dg:qr:known-answer the fixture set covers versions 1–2, a ~100-byte URL, a 300+-byte URL, UTF-8 and every level', () => {
  assert.ok(fixtures.length >= 8);
  const versions = fixtures.map((f) => versionOfSize(f.modules.length));
  assert.ok(versions.some((v) => v <= 2));
  assert.ok(fixtures.some((f) => f.bytes >= 300 && /%/.test(f.input) && /&/.test(f.input) && /=/.test(f.input)));
  assert.ok(fixtures.some((f) => f.bytes >= 95 && f.bytes <= 110));
  assert.ok(fixtures.some((f) => f.bytes > f.input.length), 'a fixture with multi-byte UTF-8');
  const levels = new Set(fixtures.map((f) => decodeFormatInfo(readFormatInfo(f.modules).copy1)?.ecl));
  assert.deepEqual([...levels].sort(), ['H', 'L', 'M', 'Q']);
  // Our encoder picks the same (smallest) version as qrencode for every fixture at its level.
  for (const f of fixtures) {
    const ecl = decodeFormatInfo(readFormatInfo(f.modules).copy1)?.ecl as QrEcl;
    assert.equal(encodeQr(f.input, { ecl }).version, versionOfSize(f.modules.length), f.file);
  }
});

for (const fixture of fixtures) {
  const version = versionOfSize(fixture.modules.length);
  const format = decodeFormatInfo(readFormatInfo(fixture.modules).copy1);

  test(`dg:qr:known-answer dg:qr:format-info ${fixture.file}: qrencode's symbol has valid format information and is what its command says`, () => {
    assert.equal(fixture.margin, 4);
    assert.ok(Number.isInteger(version) && version >= 1 && version <= 40);
    const { copy1, copy2 } = readFormatInfo(fixture.modules);
    assert.equal(copy1, copy2);
    assert.ok(format, 'format information is one of the 32 Annex C words');
    // Our encoder writes the same format word for the same level and mask.
    const ours = encodeQr(fixture.input, { ecl: format.ecl as QrEcl, mask: format.mask as QrMask });
    assert.equal(readFormatInfo(ours.modules).copy1, copy1);
    assert.equal(fixture.command, `qrencode -8 -l ${format.ecl} -t ASCII -o - '${fixture.input}'`);
    assert.equal(new TextEncoder().encode(fixture.input).length, fixture.bytes);
    // The test-side reader agrees with qrencode too, so it can judge our symbols below.
    assert.equal(decodeSymbol(fixture.modules).text, fixture.input);
  });

  test(`dg:qr:known-answer ${fixture.file}: version ${version}, level ${format?.ecl}, mask ${format?.mask} matches qrencode module for module`, () => {
    assert.ok(format);
    const qr = encodeQr(fixture.input, { ecl: format.ecl as QrEcl, mask: format.mask as QrMask });
    assert.equal(qr.version, version);
    assert.equal(qr.size, fixture.modules.length);
    assert.equal(qr.ecl, format.ecl);
    assert.equal(qr.mask, format.mask);
    assert.deepEqual(qr.modules, fixture.modules);
  });

  test(`dg:qr:known-answer dg:qr:mask-penalty ${fixture.file}: with the mask chosen by penalty the symbol is a valid code of the same version carrying the same codewords`, () => {
    assert.ok(format);
    const qr = encodeQr(fixture.input, { ecl: format.ecl as QrEcl });
    assert.equal(qr.version, version);
    const ours = decodeSymbol(qr.modules);
    assert.deepEqual({ ecl: ours.ecl, mask: ours.mask, version: ours.version }, { ecl: format.ecl, mask: qr.mask, version });
    assert.equal(ours.text, fixture.input);
    assert.deepEqual(ours.codewords, decodeSymbol(fixture.modules).codewords);
    // Function patterns other than the format information are unaffected by the mask choice.
    const fn = functionModules(version);
    const formatArea = (r: number, c: number): boolean => (r === 8 || c === 8);
    fixture.modules.forEach((row, r) => row.forEach((v, c) => {
      if (fn[r]![c] && !formatArea(r, c)) assert.equal(qr.modules[r]![c], v, `function module (${r}, ${c})`);
    }));
    assert.deepEqual(unmask(qr.modules, qr.mask), unmask(fixture.modules, format.mask));
  });
}
