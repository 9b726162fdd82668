// Structure of the symbols encodeQr builds, checked against the tables and
// rules of ISO/IEC 18004:2015 as transcribed in ./qr-support.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQr, ERR_INVALID_ARG_VALUE, ERR_QR_DATA_TOO_LONG, type QrEcl, type QrMask } from '../../lib/qr.js';
import {
  ALIGNMENT_CENTRES, BLOCKS, decodeSymbol, deinterleave, FORMAT_INFO, parseByteMode, readCodewords, readFormatInfo,
  readVersionInfo, syndromes, unmask, VERSION_INFO,
} from './qr-support.js';

const LEVELS: readonly QrEcl[] = ['L', 'M', 'Q', 'H'];

test('dg:qr:format-info every level and mask carries its Annex C format word in both copies', () => {
  for (const ecl of LEVELS) {
    for (let mask = 0; mask < 8; mask++) {
      const qr = encodeQr('https://example.com/device', { ecl, mask: mask as QrMask });
      assert.deepEqual(readFormatInfo(qr.modules), { copy1: FORMAT_INFO[ecl][mask], copy2: FORMAT_INFO[ecl][mask] }, `${ecl} mask ${mask}`);
    }
  }
  // Annex C worked example: level M, mask 101 → 100000011001110.
  assert.equal(readFormatInfo(encodeQr('x', { mask: 5 }).modules).copy1, 0b100000011001110);
});

test('dg:qr:version-info versions 7–40 carry their Annex D version word in both blocks', () => {
  for (let version = 7; version <= 40; version++) {
    const qr = encodeQr('', { minVersion: version, mask: 0 });
    assert.equal(qr.version, version);
    const expected = VERSION_INFO[version - 7]!;
    assert.deepEqual(readVersionInfo(qr.modules), { bottomLeft: expected, topRight: expected }, `version ${version}`);
  }
  assert.equal(VERSION_INFO[0], 0b000111110010010100); // Annex D worked example: version 7
});

test('dg:qr:matrix-layout finder patterns, separators, timing patterns, dark module and Annex E alignment patterns in every version', () => {
  const finder = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];
  for (let version = 1; version <= 40; version++) {
    const { modules: m, size } = encodeQr('', { minVersion: version, mask: (version % 8) as QrMask });
    assert.equal(size, 17 + 4 * version);
    assert.equal(m.length, size);
    assert.ok(m.every((row) => row.length === size));
    const at = (r: number, c: number): string => (m[r]![c] ? '1' : '0');
    for (const [r0, c0] of [[0, 0], [0, size - 7], [size - 7, 0]] as const) {
      for (let r = 0; r < 7; r++) {
        assert.equal(Array.from({ length: 7 }, (_, c) => at(r0 + r, c0 + c)).join(''), finder[r], `v${version} finder at ${r0},${c0}`);
      }
    }
    for (let i = 0; i < 8; i++) {
      // Separators: light, one module wide, along the inner edges of each finder pattern.
      for (const [r, c] of [[7, i], [i, 7], [7, size - 1 - i], [i, size - 8], [size - 8, i], [size - 1 - i, 7]] as const) {
        assert.equal(at(r, c), '0', `v${version} separator ${r},${c}`);
      }
    }
    for (let i = 8; i < size - 8; i++) {
      assert.equal(at(6, i), i % 2 === 0 ? '1' : '0', `v${version} horizontal timing ${i}`);
      assert.equal(at(i, 6), i % 2 === 0 ? '1' : '0', `v${version} vertical timing ${i}`);
    }
    assert.equal(at(4 * version + 9, 8), '1', 'dark module');
    const centres = ALIGNMENT_CENTRES[version - 1]!;
    let patterns = 0;
    for (const r0 of centres) {
      for (const c0 of centres) {
        const inFinder = (r0 < 9 && c0 < 9) || (r0 < 9 && c0 > size - 9) || (r0 > size - 9 && c0 < 9);
        if (inFinder) continue;
        patterns++;
        for (let dr = -2; dr <= 2; dr++) {
          for (let dc = -2; dc <= 2; dc++) {
            const ring = Math.max(Math.abs(dr), Math.abs(dc));
            assert.equal(at(r0 + dr, c0 + dc), ring === 1 ? '0' : '1', `v${version} alignment at ${r0},${c0}`);
          }
        }
      }
    }
    assert.equal(patterns, version === 1 ? 0 : centres.length ** 2 - 3);
  }
});

test('dg:qr:byte-mode dg:qr:error-correction the data stream is mode 0100, count, UTF-8 bytes, terminator and 0xEC/0x11 padding', () => {
  const qr = encodeQr('Grüße', { ecl: 'M', mask: 3 });
  assert.equal(qr.version, 1);
  const codewords = readCodewords(unmask(qr.modules, 3));
  assert.equal(codewords.length, 26);
  // 0100 | 00000111 (7 bytes) | 47 72 C3 BC C3 9F 65 | 0000 | EC 11 EC 11 EC 11 EC
  const bits = '0100' + '00000111' + [0x47, 0x72, 0xc3, 0xbc, 0xc3, 0x9f, 0x65].map((b) => b.toString(2).padStart(8, '0')).join('') + '0000';
  const expected = bits.match(/.{8}/g)!.map((b) => parseInt(b, 2));
  while (expected.length < 16) expected.push(expected.length % 2 === 1 ? 0xec : 0x11);
  assert.deepEqual(codewords.slice(0, 16), expected);
  assert.deepEqual(syndromes(codewords, 10), new Array(10).fill(0));
  assert.deepEqual([...parseByteMode(codewords.slice(0, 16), 1)], [0x47, 0x72, 0xc3, 0xbc, 0xc3, 0x9f, 0x65]);
});

test('dg:qr:error-correction dg:qr:byte-mode blocks follow Table 9, interleave per 7.6 and have zero RS syndromes', () => {
  const cases: [string, number, QrEcl][] = [['5-Q', 5, 'Q'], ['14-M', 14, 'M'], ['40-L', 40, 'L'], ['40-H', 40, 'H'], ['6-H', 6, 'H']];
  for (const [key, version, ecl] of cases) {
    const text = `https://example.com/device?user_code=${key}&`.repeat(60).slice(0, 9 * version);
    const qr = encodeQr(text, { ecl, minVersion: version, mask: 6 });
    assert.equal(qr.version, version);
    const layout = BLOCKS[key]!;
    const blocks = deinterleave(readCodewords(unmask(qr.modules, 6)), layout.ec, layout.groups);
    for (const b of blocks) assert.deepEqual(syndromes([...b.data, ...b.ecc], layout.ec), new Array(layout.ec).fill(0), key);
    assert.equal(decodeSymbol(qr.modules).text, text, key);
  }
});

test('dg:qr:capacity the smallest version is chosen: the Table 7 byte capacity fits, one byte more moves up a version', () => {
  // Table 7, byte mode, level M, versions 1–40.
  const M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
    711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331];
  M.forEach((capacity, i) => {
    assert.equal(encodeQr('a'.repeat(capacity), { mask: 0 }).version, i + 1, `${capacity} bytes`);
    if (i < 39) assert.equal(encodeQr('a'.repeat(capacity + 1), { mask: 0 }).version, i + 2, `${capacity + 1} bytes`);
  });
  // Other levels at versions 1, 9, 10 (count indicator grows to 16 bits) and 40.
  const others: Record<QrEcl, number[]> = { L: [17, 230, 271, 2953], M: [14, 180, 213, 2331], Q: [11, 130, 151, 1663], H: [7, 98, 119, 1273] };
  for (const ecl of LEVELS) {
    others[ecl].forEach((capacity, k) => {
      const version = [1, 9, 10, 40][k]!;
      assert.equal(encodeQr('b'.repeat(capacity), { ecl, mask: 1 }).version, version, `${ecl} ${capacity}`);
      if (version < 40) assert.equal(encodeQr('b'.repeat(capacity + 1), { ecl, mask: 1 }).version, version + 1);
    });
  }
  // Capacity counts UTF-8 bytes, not characters: 7 × "é" is 14 bytes (fits 1-M), 8 × is 16 (does not).
  assert.equal(encodeQr('é'.repeat(7), { mask: 0 }).version, 1);
  assert.equal(encodeQr('é'.repeat(8), { mask: 0 }).version, 2);
  // minVersion raises the floor but never lowers the fit.
  assert.equal(encodeQr('hi', { minVersion: 5 }).version, 5);
  assert.equal(encodeQr('a'.repeat(100), { minVersion: 2, mask: 0 }).version, 6);
});

test('dg:qr:capacity a 300+-byte verification_uri_complete fits at level M and decodes', () => {
  const uri = 'https://login.example.com/oauth2/device/verify?user_code=WDJB-MJHT&client_id=3f9c2a7e-51d4-4b8e-9a1f-6c0e2d7b8a94' +
    '&redirect_hint=https%3A%2F%2Fapp.example.com%2Fcallback%3Fstate%3Dxyz%26mode%3Dtv&scope=openid%20profile%20email' +
    '%20offline_access&ui_locales=en-GB%20de-DE&nonce=n-0S6_WzA2Mj&display=tv&pad=' + 'x'.repeat(20);
  assert.equal(uri.length, 322);
  const qr = encodeQr(uri);
  assert.equal(qr.ecl, 'M');
  assert.equal(qr.version, 13); // 1-M … 13-M hold up to 331 bytes (Table 7)
  assert.equal(decodeSymbol(qr.modules).text, uri);
});

test('dg:qr:capacity input beyond version 40 throws RangeError ERR_QR_DATA_TOO_LONG without echoing the data', () => {
  const secret = 'SECRET-USER-CODE-';
  for (const [ecl, capacity] of [['L', 2953], ['M', 2331], ['Q', 1663], ['H', 1273]] as const) {
    assert.equal(encodeQr('z'.repeat(capacity), { ecl, mask: 0 }).version, 40);
    const text = (secret + 'z'.repeat(capacity)).slice(0, capacity + 1);
    assert.throws(() => encodeQr(text, { ecl }), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.equal((error as RangeError & { code: unknown }).code, ERR_QR_DATA_TOO_LONG);
      assert.equal(ERR_QR_DATA_TOO_LONG, 'ERR_QR_DATA_TOO_LONG');
      assert.ok(!error.message.includes(secret));
      return true;
    });
  }
  assert.throws(() => encodeQr('é'.repeat(1166)), { name: 'RangeError', code: 'ERR_QR_DATA_TOO_LONG' }); // 2332 bytes
});

test('dg:qr:options level M is the default; results are frozen', () => {
  const qr = encodeQr('https://example.com/device');
  assert.equal(qr.ecl, 'M');
  assert.equal(readFormatInfo(qr.modules).copy1, FORMAT_INFO.M[qr.mask]);
  assert.deepEqual(encodeQr('https://example.com/device', {}), qr);
  assert.ok(Object.isFrozen(qr) && Object.isFrozen(qr.modules) && qr.modules.every((row) => Object.isFrozen(row)));
});

test('dg:qr:options bad arguments throw TypeError ERR_INVALID_ARG_VALUE', () => {
  const bad: [unknown, unknown][] = [
    [42, undefined], [undefined, undefined], ['x', null], ['x', 'M'], ['x', 7],
    ['x', { ecl: 'X' }], ['x', { ecl: 'm' }], ['x', { ecl: null }],
    ['x', { mask: 8 }], ['x', { mask: -1 }], ['x', { mask: 1.5 }], ['x', { mask: '1' }], ['x', { mask: null }],
    ['x', { minVersion: 0 }], ['x', { minVersion: 41 }], ['x', { minVersion: 2.5 }], ['x', { minVersion: Number.NaN }],
    ['x', { minVersion: '3' }], ['x', { minVersion: null }],
  ];
  for (const [text, options] of bad) {
    assert.throws(() => encodeQr(text as string, options as never), (error: unknown) => {
      assert.ok(error instanceof TypeError, `${String(text)} ${JSON.stringify(options)}`);
      assert.equal((error as TypeError & { code: unknown }).code, ERR_INVALID_ARG_VALUE);
      return true;
    });
  }
  assert.equal(ERR_INVALID_ARG_VALUE, 'ERR_INVALID_ARG_VALUE');
  // Boundary values are accepted.
  assert.equal(encodeQr('x', { mask: 0, minVersion: 1 }).mask, 0);
  assert.equal(encodeQr('x', { mask: 7, minVersion: 40 }).version, 40);
});
