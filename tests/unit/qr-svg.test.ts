import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alignmentPositions,
  dataCodewords,
  dataModuleOrder,
  encodeQr,
  formatBits,
  gfMultiply,
  maskFunctions,
  maxVersion,
  qrSvg,
  versionBits,
  type EccLevel,
  type QrCode,
} from '../../src/sharing/qr-svg.ts';

/*
 * The QR codes on printed pages must scan. No QR decoder is a project
 * dependency, so this file carries a small independent reader (format bits
 * by nearest valid code word, unmasking, de-interleaving, Reed–Solomon
 * syndromes, byte-mode parsing) and checks it against reference symbols made
 * by another encoder (libqrencode). Where `zbarimg` is installed, it also
 * scans the codes as a phone would.
 */

/** Reference symbols made by libqrencode 4.1.1 (`qrencode -8 -l <level> -m 0 -t ASCII`), rows as hex. */
const reference: { text: string; ecc: EccLevel; size: number; rows: string[] }[] = [{"text": "https://utvag.example/sv/", "ecc": "L", "size": 25, "rows": ["1fc347f", "104c541", "174165d", "175195d", "175855d", "1043041", "1fd557f", "0006000", "18ead18", "05b9ebe", "11547eb", "0c09169", "07cb341", "11903a2", "17c36fb", "120a22d", "156b9f4", "0019910", "1fde151", "1052513", "174bff4", "174f2c3", "174980d", "1056571", "1fda149"]}, {"text": "https://utvag.example/sv/", "ecc": "M", "size": 25, "rows": ["1fc997f", "1044741", "175665d", "175de5d", "175555d", "105b241", "1fd557f", "001c200", "17c4d7c", "14149a2", "1efa7eb", "079a361", "08d5ef7", "1db41aa", "177b6fb", "1332531", "11479f4", "0011b18", "1fc8d57", "105271b", "1757ff4", "17535df", "175980d", "1046779", "1fd8cff"]}, {"text": "https://utvag.example/sv/", "ecc": "Q", "size": 29, "rows": ["1fd0f17f", "1041b541", "175f0c5d", "1750475d", "174abc5d", "105f9f41", "1fd5557f", "00162100", "0afd68ed", "0bb76b45", "1659a566", "1834e4f6", "1054da68", "1c2c6baa", "177d0d43", "0986ff60", "01ea2780", "00b2b74f", "16fd38b7", "0318cf09", "12e927f4", "001d5113", "1fd1195e", "1050b916", "1745c1f8", "175b33dd", "174a0311", "105f2b22", "1fc5cb5a"]}, {"text": "https://utvag.example/sv/", "ecc": "H", "size": 33, "rows": ["1fd84977f", "10425ee41", "17458935d", "175e6c45d", "17442505d", "10492e441", "1fd55557f", "00032d900", "05de7ce89", "1a24e1945", "01cb2445f", "1713bbc00", "16f15d5fb", "1504b45eb", "1249579ff", "080481d28", "12ece5e4c", "0514450ce", "0a614d496", "11b2988d3", "0f689588a", "0f1887283", "12d528847", "0c3f89e80", "14e9dd5f9", "0018da119", "1fcfb4b57", "105d0d111", "1753931f2", "1740a6114", "17541a2b1", "10437eb26", "1fc95e5b7"]}, {"text": "https://utvag.example/fa/din-trygghet/", "ecc": "M", "size": 29, "rows": ["1fd1577f", "105c1441", "1743815d", "175aaa5d", "1741fb5d", "104b5341", "1fd5557f", "001c0c00", "16edba4b", "1a399ff1", "11429586", "02092781", "0ac86a8c", "0f137a47", "0be98697", "133e54f2", "0f5d449a", "08bc692e", "15e0f514", "0638cc84", "0f43edfc", "00181d1f", "1fd1475a", "1055f118", "174b3df4", "175eb399", "175056a5", "104fb1fa", "1fde170a"]}, {"text": "https://utvag.example/so/hjalp/abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", "ecc": "M", "size": 41, "rows": ["1fd13cafc7f", "1043fb04641", "174f23e485d", "17583c2f45d", "1750ac2745d", "1059ba11341", "1fd5555557f", "00129cf3d00", "1179fdc2af9", "02b25c26079", "15e401bad51", "14366ab0fca", "0be02af0981", "05af972f47d", "0c70257f1d9", "0d846cd5b18", "0f40ebd0b28", "1dbc44afcf5", "11c709e68e1", "0f33bd82e6a", "034d37f0989", "018b58af47d", "1344a4b7d99", "1dbcecc7ae9", "05dd18d2b8a", "0512942b175", "07c4a932571", "128f0fe7b49", "0b5b19d0981", "100ebe27451", "06c4da620a1", "040e7b93faa", "1e6a09d0bf0", "00180caff15", "1fd36477359", "1046b1e6b1b", "1752e330bf9", "174b7c2752d", "174f25a2585", "10477f809eb", "1fd4839097a"]}, {"text": "https://utvag.example/en/012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789", "ecc": "L", "size": 49, "rows": ["1fc6e8b16a17f", "105c3c4ca5f41", "1743a8213235d", "175f27dac525d", "174698fe4885d", "105e35c697441", "1fd555555557f", "000fde45f2000", "1f7b177e095aa", "0e3fe8b34827a", "056ac2bca5c89", "148365a57eed1", "0cf2c75249fa7", "1f8a28107b862", "1b7d864fa7603", "17a222a1f21f9", "1d7d175681d47", "1aa2e8907b25a", "057a203c85e85", "0d36ada57ea9a", "0545275ac1b25", "0e3494e2598d2", "11f9b4ffa77ff", "19199ac532b19", "035217d64d357", "111ce8c65931e", "1df1cb7c85dfd", "0f8e72fd7ac28", "056fcb22097fd", "0899249d6a2c2", "15d68f20a5567", "0686645d32989", "014b17a2c5bf4", "083fe8d16b3e6", "175e250284dc5", "07a2befd7acab", "12c1272a81efd", "0f0e9cd34820c", "08ecbd00a5c4b", "0e1edcdd7e98a", "1c7217fe497f6", "001de8c749116", "1fd7dad684f55", "104042c5fa311", "175fcbfe4d3f5", "175d24607b13c", "17534e1885e60", "105520b17e9e9", "1fde17bec1c27"]}, {"text": "Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. ", "ecc": "H", "size": 57, "rows": ["1fc693ad764f67f", "10530e3e83af241", "174d4f9c7000e5d", "174bae70211d25d", "17481667e78aa5d", "105610445067c41", "1fd55555555557f", "001cfe9c5829400", "01e88b2fdc47c62", "00809d51cefb14a", "1a6c23e34fbe95c", "062dcd6defa5608", "10787d9571410e1", "112100311b7798e", "07d0c584295e998", "050287116f394b3", "0e6e865a0437971", "139b38bbe69ea5c", "01eed611f4573d2", "0405f8a1ae21420", "196487e794eb80b", "193b4ae60247b98", "0ee8d35c3efea4e", "06be51c76735e28", "1362803877f3eb3", "0ab6fecac454786", "09f21bc7f14ebf6", "1118986440bbf12", "015946e56f9515d", "0917a65c461391c", "01fd0a1ff3303fe", "1b1ea199eda1c34", "00441231c71f2c7", "031345448afebf6", "04f0e1584f77aa9", "1503877d6509597", "0a605b8d40285e3", "0aba2afc0be3c2a", "04c46f3ff05cf7e", "0a0fae602ddbd7a", "1947f29dd391041", "08baff0dd501894", "12e9a70aec3a3ea", "11b43fe8b229632", "09556ef2e0e6f59", "05abb052084c11e", "14d3ce0f6a50a06", "1f384b8a8201578", "0046ac87fd611f1", "0015a7d47bc911e", "1fd972057e9ab58", "105f158468eb119", "175bc6efe5c55f0", "174cd1d078392f7", "17462da79f3e8d8", "104d371e56b9610", "1fc05ee995453a9"]}];

const levels: EccLevel[] = ['L', 'M', 'Q', 'H'];
const levelOfBits: Record<number, EccLevel> = { 1: 'L', 0: 'M', 3: 'Q', 2: 'H' };
const eccLen: Record<EccLevel, number[]> = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26],
  Q: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24],
  H: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28],
};
const blocks: Record<EccLevel, number[]> = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5],
  Q: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8],
  H: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8],
};

function fromHexRows(rows: string[], size: number): boolean[][] {
  return rows.map((hex) => {
    const bits = BigInt('0x' + hex).toString(2).padStart(size, '0');
    return [...bits].map((b) => b === '1');
  });
}

/** Evaluates a polynomial (coefficients high to low) at x in GF(256). */
function polyEval(coefs: number[], x: number): number {
  return coefs.reduce((acc, c) => gfMultiply(acc, x) ^ c, 0);
}

/** Which modules carry no data: finders with separators, timing, alignment, format, version. */
function functionMask(version: number): (x: number, y: number) => boolean {
  const size = version * 4 + 17;
  const align = alignmentPositions(version);
  const centres: [number, number][] = [];
  for (const a of align)
    for (const b of align) {
      const nearFinder = (a === 6 && b === 6) || (a === 6 && b === align.at(-1)) || (a === align.at(-1) && b === 6);
      if (!nearFinder) centres.push([a, b]);
    }
  return (x, y) => {
    if ((x < 9 && y < 9) || (x >= size - 8 && y < 9) || (x < 9 && y >= size - 8)) return true;
    if (x === 6 || y === 6) return true;
    if (version >= 7 && ((x >= size - 11 && x < size - 8 && y < 6) || (y >= size - 11 && y < size - 8 && x < 6))) return true;
    return centres.some(([cx, cy]) => Math.abs(x - cx) <= 2 && Math.abs(y - cy) <= 2);
  };
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

interface Decoded {
  text: string;
  ecc: EccLevel;
  mask: number;
  version: number;
  codewords: number[];
}

/** Reads a symbol back: what a scanner does once it has the module grid. */
function decode(modules: boolean[][]): Decoded {
  const size = modules.length;
  const version = (size - 17) / 4;
  const at = (x: number, y: number): number => (modules[y]![x] ? 1 : 0);
  // Format bits, first copy (bit 14 first), matched to the nearest valid word.
  const coords: [number, number][] = [
    [8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8],
  ];
  const raw = coords.reduce((acc, [x, y], i) => acc | (at(x, y) << i), 0);
  let best = { dist: 99, ecc: 'M' as EccLevel, mask: 0 };
  for (let e = 0; e < 4; e++)
    for (let m = 0; m < 8; m++) {
      const word = (((e << 3) | m) << 10) | bchFormat((e << 3) | m);
      const dist = popcount((word ^ 0x5412) ^ raw);
      if (dist < best.dist) best = { dist, ecc: levelOfBits[e]!, mask: m };
    }
  expect(best.dist, 'format bits readable').toBeLessThanOrEqual(3);
  const { ecc, mask } = best;
  // Data modules in reading order, unmasked.
  const isFn = functionMask(version);
  const order = dataModuleOrder(size, isFn);
  const bits = order.map(([x, y]) => at(x, y) ^ (maskFunctions[mask]!(x, y) ? 1 : 0));
  const total = Math.floor(bits.length / 8);
  const all: number[] = [];
  for (let i = 0; i < total; i++) all.push(bits.slice(i * 8, i * 8 + 8).reduce((a, b) => (a << 1) | b, 0));
  // De-interleave into blocks; check every block's syndromes are zero.
  const nb = blocks[ecc][version]!;
  const ne = eccLen[ecc][version]!;
  const shortLen = Math.floor(total / nb);
  const numShort = nb - (total % nb);
  const dataLens = Array.from({ length: nb }, (_, i) => shortLen - ne + (i < numShort ? 0 : 1));
  const blockBytes: number[][] = Array.from({ length: nb }, () => []);
  let k = 0;
  for (let i = 0; i < Math.max(...dataLens); i++) for (let b = 0; b < nb; b++) if (i < dataLens[b]!) blockBytes[b]!.push(all[k++]!);
  for (let i = 0; i < ne; i++) for (let b = 0; b < nb; b++) blockBytes[b]!.push(all[k++]!);
  let alpha = 1;
  for (let s = 0; s < ne; s++) {
    for (const block of blockBytes) expect(polyEval(block, alpha), `syndrome ${s}`).toBe(0);
    alpha = gfMultiply(alpha, 2);
  }
  const data = blockBytes.flatMap((b, i) => b.slice(0, dataLens[i]));
  // Byte mode: 0100, length, bytes.
  const dataBits = data.flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >>> (7 - i)) & 1));
  const read = (from: number, n: number): number => dataBits.slice(from, from + n).reduce((a, b) => (a << 1) | b, 0);
  expect(read(0, 4), 'byte mode').toBe(0b0100);
  const lenBits = version <= 9 ? 8 : 16;
  const length = read(4, lenBits);
  const bytes = Uint8Array.from({ length }, (_, i) => read(4 + lenBits + i * 8, 8));
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), ecc, mask, version, codewords: all };
}

/** BCH(15,5) remainder, computed by long division written out separately from the encoder. */
function bchFormat(data5: number): number {
  let v = data5 << 10;
  for (let bit = 14; bit >= 10; bit--) if ((v >>> bit) & 1) v ^= 0b10100110111 << (bit - 10);
  return v;
}

function expectFinder(modules: boolean[][], left: number, top: number): void {
  for (let dy = 0; dy < 7; dy++)
    for (let dx = 0; dx < 7; dx++) {
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      expect(modules[top + dy]![left + dx], `finder at ${left},${top}`).toBe(ring !== 2);
    }
}

function expectStructure(qr: QrCode): void {
  const { size, modules } = qr;
  expect(size).toBe(qr.version * 4 + 17);
  expectFinder(modules, 0, 0);
  expectFinder(modules, size - 7, 0);
  expectFinder(modules, 0, size - 7);
  // Separators are light.
  for (let i = 0; i < 8; i++) {
    expect(modules[7]![i]).toBe(false);
    expect(modules[i]![7]).toBe(false);
    expect(modules[7]![size - 1 - i]).toBe(false);
    expect(modules[size - 8]![i]).toBe(false);
  }
  // Timing patterns alternate, starting dark.
  for (let i = 8; i < size - 8; i++) {
    expect(modules[6]![i], `timing row ${i}`).toBe(i % 2 === 0);
    expect(modules[i]![6], `timing column ${i}`).toBe(i % 2 === 0);
  }
  expect(modules[size - 8]![8], 'dark module').toBe(true);
  // Both copies of the format bits agree.
  const first = [0, 1, 2, 3, 4, 5, 7, 8].map((y) => modules[y]![8]).concat([7, 5, 4, 3, 2, 1, 0].map((x) => modules[8]![x]));
  const second = Array.from({ length: 8 }, (_, i) => modules[8]![size - 1 - i]).concat(
    Array.from({ length: 7 }, (_, i) => modules[size - 7 + i]![8]),
  );
  expect(second).toEqual(first);
  const word = first.reduce((acc, b, i) => acc | ((b ? 1 : 0) << i), 0);
  expect(word).toBe(formatBits(qr.ecc, qr.mask));
  // Version information (7+): both copies, BCH(18,6).
  if (qr.version >= 7) {
    const bits = versionBits(qr.version);
    expect(bits >>> 12).toBe(qr.version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      expect(modules[Math.floor(i / 3)]![size - 11 + (i % 3)]).toBe(dark);
      expect(modules[size - 11 + (i % 3)]![Math.floor(i / 3)]).toBe(dark);
    }
  }
}

describe('QR encoder', () => {
  it('has the standard format words (ISO 18004 annex C examples)', () => {
    // Level M, mask 5 → 100000011001110 (annex C); level L, mask 4 → 110011000101111.
    expect(formatBits('M', 5)).toBe(0b100000011001110);
    expect(formatBits('L', 4)).toBe(0b110011000101111);
    // Version 7 → 000111110010010100 (annex D).
    expect(versionBits(7)).toBe(0b000111110010010100);
  });

  it('has the standard capacities and alignment positions', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => dataCodewords(v, 'M'))).toEqual([16, 28, 44, 64, 86, 108, 124, 154, 182, 216]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => dataCodewords(v, 'H'))).toEqual([9, 16, 26, 36, 46, 60, 66, 86, 100, 122]);
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(2)).toEqual([6, 18]);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(10)).toEqual([6, 28, 50]);
  });

  it('the reader decodes the reference symbols from another encoder', () => {
    for (const ref of reference) {
      const decoded = decode(fromHexRows(ref.rows, ref.size));
      expect(decoded.text).toBe(ref.text);
      expect(decoded.ecc).toBe(ref.ecc);
    }
  });

  it('makes the same code words as the reference encoder (whatever mask each picked)', () => {
    for (const ref of reference) {
      const theirs = decode(fromHexRows(ref.rows, ref.size));
      const ours = encodeQr(ref.text, { ecc: ref.ecc });
      expect(ours.size, ref.text).toBe(ref.size);
      expect(decode(ours.modules).codewords, ref.text).toEqual(theirs.codewords);
      // With the reference's mask, the whole symbol is identical.
      const sameMask = encodeQr(ref.text, { ecc: ref.ecc, mask: theirs.mask });
      expect(sameMask.modules, ref.text).toEqual(fromHexRows(ref.rows, ref.size));
    }
  });

  it('round-trips every version, level and mask, with a valid structure', () => {
    for (const ecc of levels) {
      for (let version = 1; version <= maxVersion; version++) {
        const capacity = dataCodewords(version, ecc) - (version <= 9 ? 2 : 3);
        const text = 'https://utvag.example/'.concat('x'.repeat(400)).slice(0, capacity);
        const qr = encodeQr(text, { ecc, minVersion: version });
        expect(qr.version).toBe(version);
        expectStructure(qr);
        expect(decode(qr.modules).text).toBe(text);
      }
      for (let mask = 0; mask < 8; mask++) {
        const qr = encodeQr('https://utvag.example/ar/fara/', { ecc, mask });
        expect(qr.mask).toBe(mask);
        expectStructure(qr);
        expect(decode(qr.modules).text).toBe('https://utvag.example/ar/fara/');
      }
    }
  });

  it('encodes UTF-8 text and refuses text that does not fit', () => {
    expect(decode(encodeQr('Hjälp där du bor – ትግርኛ – فارسی').modules).text).toBe('Hjälp där du bor – ትግርኛ – فارسی');
    expect(() => encodeQr('x'.repeat(300))).toThrow(/too long/);
  });

  it('draws an SVG with a viewBox and fill attributes, no style', () => {
    const svg = qrSvg('https://utvag.example/sv/fara/', { title: 'QR-kod till sidan', id: 'qr', className: 'share-block__qr' });
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 37 37"/);
    expect(svg).toContain('<title id="qr-title">QR-kod till sidan</title>');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('fill="#000"');
    expect(svg).not.toMatch(/style/i);
    expect(svg).not.toMatch(/<script/i);
  });
});

/** zbarimg, when installed (Debian: zbar-tools), scans our codes as a phone would. */
const hasZbar = spawnSync('zbarimg', ['--version']).status === 0;
describe.skipIf(!hasZbar)('QR codes scan with zbarimg', () => {
  it('every share link shape and the largest version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qr-'));
    const texts = [
      'https://utvag.example/sv/',
      'https://utvag.example/ti/din-trygghet/',
      'https://utvag.example/fa/hjalp/stockholm/',
      'https://utvag.example/en/'.concat('a'.repeat(180)),
    ];
    texts.forEach((text, n) => {
      const qr = encodeQr(text);
      const scale = 4;
      const quiet = 4;
      const dim = (qr.size + quiet * 2) * scale;
      const lines = [`P1`, `${dim} ${dim}`];
      for (let y = 0; y < dim; y++) {
        const row: number[] = [];
        for (let x = 0; x < dim; x++) {
          const mx = Math.floor(x / scale) - quiet;
          const my = Math.floor(y / scale) - quiet;
          row.push(mx >= 0 && my >= 0 && mx < qr.size && my < qr.size && qr.modules[my]![mx] ? 1 : 0);
        }
        lines.push(row.join(' '));
      }
      const file = join(dir, `qr${n}.pbm`);
      writeFileSync(file, lines.join('\n') + '\n');
      const out = execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(out.trim()).toBe(text);
    });
  });
});
