import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { encodeQr, qrSvg, QUIET_ZONE, type EccLevel } from '../../src/sharing/qr-code.ts';

/*
 * The QR codes on printed cards and posters must scan. They come from the
 * `uqr` library; these tests hold it to two independent references:
 *  - symbols made by libqrencode: given the same input, level and mask, uqr's
 *    module matrix must be identical, module for module;
 *  - jsQR, a decoder: every SVG we ship is drawn back into a bitmap from its
 *    own path data and must decode to exactly the link, with the mask uqr chose.
 * Where `zbarimg` is installed, it also scans the codes as a phone would.
 */

/** Reference symbols made by libqrencode 4.1.1 (`qrencode -8 -l <level> -m 0 -t ASCII`), rows as hex. */
const reference: { text: string; ecc: EccLevel; size: number; rows: string[] }[] = [
  {
    text: 'https://utvag.example/sv/',
    ecc: 'L',
    size: 25,
    rows: [
      '1fc347f',
      '104c541',
      '174165d',
      '175195d',
      '175855d',
      '1043041',
      '1fd557f',
      '0006000',
      '18ead18',
      '05b9ebe',
      '11547eb',
      '0c09169',
      '07cb341',
      '11903a2',
      '17c36fb',
      '120a22d',
      '156b9f4',
      '0019910',
      '1fde151',
      '1052513',
      '174bff4',
      '174f2c3',
      '174980d',
      '1056571',
      '1fda149',
    ],
  },
  {
    text: 'https://utvag.example/sv/',
    ecc: 'M',
    size: 25,
    rows: [
      '1fc997f',
      '1044741',
      '175665d',
      '175de5d',
      '175555d',
      '105b241',
      '1fd557f',
      '001c200',
      '17c4d7c',
      '14149a2',
      '1efa7eb',
      '079a361',
      '08d5ef7',
      '1db41aa',
      '177b6fb',
      '1332531',
      '11479f4',
      '0011b18',
      '1fc8d57',
      '105271b',
      '1757ff4',
      '17535df',
      '175980d',
      '1046779',
      '1fd8cff',
    ],
  },
  {
    text: 'https://utvag.example/sv/',
    ecc: 'Q',
    size: 29,
    rows: [
      '1fd0f17f',
      '1041b541',
      '175f0c5d',
      '1750475d',
      '174abc5d',
      '105f9f41',
      '1fd5557f',
      '00162100',
      '0afd68ed',
      '0bb76b45',
      '1659a566',
      '1834e4f6',
      '1054da68',
      '1c2c6baa',
      '177d0d43',
      '0986ff60',
      '01ea2780',
      '00b2b74f',
      '16fd38b7',
      '0318cf09',
      '12e927f4',
      '001d5113',
      '1fd1195e',
      '1050b916',
      '1745c1f8',
      '175b33dd',
      '174a0311',
      '105f2b22',
      '1fc5cb5a',
    ],
  },
  {
    text: 'https://utvag.example/sv/',
    ecc: 'H',
    size: 33,
    rows: [
      '1fd84977f',
      '10425ee41',
      '17458935d',
      '175e6c45d',
      '17442505d',
      '10492e441',
      '1fd55557f',
      '00032d900',
      '05de7ce89',
      '1a24e1945',
      '01cb2445f',
      '1713bbc00',
      '16f15d5fb',
      '1504b45eb',
      '1249579ff',
      '080481d28',
      '12ece5e4c',
      '0514450ce',
      '0a614d496',
      '11b2988d3',
      '0f689588a',
      '0f1887283',
      '12d528847',
      '0c3f89e80',
      '14e9dd5f9',
      '0018da119',
      '1fcfb4b57',
      '105d0d111',
      '1753931f2',
      '1740a6114',
      '17541a2b1',
      '10437eb26',
      '1fc95e5b7',
    ],
  },
  {
    text: 'https://utvag.example/fa/din-trygghet/',
    ecc: 'M',
    size: 29,
    rows: [
      '1fd1577f',
      '105c1441',
      '1743815d',
      '175aaa5d',
      '1741fb5d',
      '104b5341',
      '1fd5557f',
      '001c0c00',
      '16edba4b',
      '1a399ff1',
      '11429586',
      '02092781',
      '0ac86a8c',
      '0f137a47',
      '0be98697',
      '133e54f2',
      '0f5d449a',
      '08bc692e',
      '15e0f514',
      '0638cc84',
      '0f43edfc',
      '00181d1f',
      '1fd1475a',
      '1055f118',
      '174b3df4',
      '175eb399',
      '175056a5',
      '104fb1fa',
      '1fde170a',
    ],
  },
  {
    text: 'https://utvag.example/so/hjalp/abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij',
    ecc: 'M',
    size: 41,
    rows: [
      '1fd13cafc7f',
      '1043fb04641',
      '174f23e485d',
      '17583c2f45d',
      '1750ac2745d',
      '1059ba11341',
      '1fd5555557f',
      '00129cf3d00',
      '1179fdc2af9',
      '02b25c26079',
      '15e401bad51',
      '14366ab0fca',
      '0be02af0981',
      '05af972f47d',
      '0c70257f1d9',
      '0d846cd5b18',
      '0f40ebd0b28',
      '1dbc44afcf5',
      '11c709e68e1',
      '0f33bd82e6a',
      '034d37f0989',
      '018b58af47d',
      '1344a4b7d99',
      '1dbcecc7ae9',
      '05dd18d2b8a',
      '0512942b175',
      '07c4a932571',
      '128f0fe7b49',
      '0b5b19d0981',
      '100ebe27451',
      '06c4da620a1',
      '040e7b93faa',
      '1e6a09d0bf0',
      '00180caff15',
      '1fd36477359',
      '1046b1e6b1b',
      '1752e330bf9',
      '174b7c2752d',
      '174f25a2585',
      '10477f809eb',
      '1fd4839097a',
    ],
  },
  {
    text: 'https://utvag.example/en/012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789',
    ecc: 'L',
    size: 49,
    rows: [
      '1fc6e8b16a17f',
      '105c3c4ca5f41',
      '1743a8213235d',
      '175f27dac525d',
      '174698fe4885d',
      '105e35c697441',
      '1fd555555557f',
      '000fde45f2000',
      '1f7b177e095aa',
      '0e3fe8b34827a',
      '056ac2bca5c89',
      '148365a57eed1',
      '0cf2c75249fa7',
      '1f8a28107b862',
      '1b7d864fa7603',
      '17a222a1f21f9',
      '1d7d175681d47',
      '1aa2e8907b25a',
      '057a203c85e85',
      '0d36ada57ea9a',
      '0545275ac1b25',
      '0e3494e2598d2',
      '11f9b4ffa77ff',
      '19199ac532b19',
      '035217d64d357',
      '111ce8c65931e',
      '1df1cb7c85dfd',
      '0f8e72fd7ac28',
      '056fcb22097fd',
      '0899249d6a2c2',
      '15d68f20a5567',
      '0686645d32989',
      '014b17a2c5bf4',
      '083fe8d16b3e6',
      '175e250284dc5',
      '07a2befd7acab',
      '12c1272a81efd',
      '0f0e9cd34820c',
      '08ecbd00a5c4b',
      '0e1edcdd7e98a',
      '1c7217fe497f6',
      '001de8c749116',
      '1fd7dad684f55',
      '104042c5fa311',
      '175fcbfe4d3f5',
      '175d24607b13c',
      '17534e1885e60',
      '105520b17e9e9',
      '1fde17bec1c27',
    ],
  },
  {
    text: 'Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. Utväg – en väg ut. ',
    ecc: 'H',
    size: 57,
    rows: [
      '1fc693ad764f67f',
      '10530e3e83af241',
      '174d4f9c7000e5d',
      '174bae70211d25d',
      '17481667e78aa5d',
      '105610445067c41',
      '1fd55555555557f',
      '001cfe9c5829400',
      '01e88b2fdc47c62',
      '00809d51cefb14a',
      '1a6c23e34fbe95c',
      '062dcd6defa5608',
      '10787d9571410e1',
      '112100311b7798e',
      '07d0c584295e998',
      '050287116f394b3',
      '0e6e865a0437971',
      '139b38bbe69ea5c',
      '01eed611f4573d2',
      '0405f8a1ae21420',
      '196487e794eb80b',
      '193b4ae60247b98',
      '0ee8d35c3efea4e',
      '06be51c76735e28',
      '1362803877f3eb3',
      '0ab6fecac454786',
      '09f21bc7f14ebf6',
      '1118986440bbf12',
      '015946e56f9515d',
      '0917a65c461391c',
      '01fd0a1ff3303fe',
      '1b1ea199eda1c34',
      '00441231c71f2c7',
      '031345448afebf6',
      '04f0e1584f77aa9',
      '1503877d6509597',
      '0a605b8d40285e3',
      '0aba2afc0be3c2a',
      '04c46f3ff05cf7e',
      '0a0fae602ddbd7a',
      '1947f29dd391041',
      '08baff0dd501894',
      '12e9a70aec3a3ea',
      '11b43fe8b229632',
      '09556ef2e0e6f59',
      '05abb052084c11e',
      '14d3ce0f6a50a06',
      '1f384b8a8201578',
      '0046ac87fd611f1',
      '0015a7d47bc911e',
      '1fd972057e9ab58',
      '105f158468eb119',
      '175bc6efe5c55f0',
      '174cd1d078392f7',
      '17462da79f3e8d8',
      '104d371e56b9610',
      '1fc05ee995453a9',
    ],
  },
];

const levels: EccLevel[] = ['L', 'M', 'Q', 'H'];
const levelOfBits: Record<number, EccLevel> = { 1: 'L', 0: 'M', 3: 'Q', 2: 'H' };

function fromHexRows(rows: string[], size: number): boolean[][] {
  return rows.map((hex) => {
    const bits = BigInt('0x' + hex)
      .toString(2)
      .padStart(size, '0');
    return [...bits].map((b) => b === '1');
  });
}

/** BCH(15,5) remainder of the format information, by long division. */
function bchFormat(data5: number): number {
  let v = data5 << 10;
  for (let bit = 14; bit >= 10; bit--) if ((v >>> bit) & 1) v ^= 0b10100110111 << (bit - 10);
  return v;
}

/** Level and mask a symbol declares in its first copy of the format bits (bit 14 first), nearest valid word. */
function formatOf(modules: boolean[][]): { ecc: EccLevel; mask: number } {
  const coords: [number, number][] = [
    [8, 0],
    [8, 1],
    [8, 2],
    [8, 3],
    [8, 4],
    [8, 5],
    [8, 7],
    [8, 8],
    [7, 8],
    [5, 8],
    [4, 8],
    [3, 8],
    [2, 8],
    [1, 8],
    [0, 8],
  ];
  const raw = coords.reduce((acc, [x, y], i) => acc | ((modules[y]![x] ? 1 : 0) << i), 0);
  let best = { dist: 99, ecc: 'M' as EccLevel, mask: 0 };
  for (let e = 0; e < 4; e++)
    for (let m = 0; m < 8; m++) {
      const word = ((((e << 3) | m) << 10) | bchFormat((e << 3) | m)) ^ 0x5412;
      let dist = 0;
      for (let d = word ^ raw; d; d &= d - 1) dist++;
      if (dist < best.dist) best = { dist, ecc: levelOfBits[e]!, mask: m };
    }
  expect(best.dist, 'format bits readable').toBe(0);
  return { ecc: best.ecc, mask: best.mask };
}

/** Draws the dark modules of an SVG we made (its viewBox and path only) into an RGBA bitmap. */
function svgToBitmap(svg: string, scale = 4): { data: Uint8ClampedArray; width: number; height: number; modules: boolean[][] } {
  const dim = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const d = /<path fill="#000" d="([^"]*)"/.exec(svg)![1]!;
  const modules = Array.from({ length: dim }, () => new Array<boolean>(dim).fill(false));
  const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
  expect(runs.map((r) => r[0]).join(''), 'the path is nothing but runs').toBe(d);
  for (const [, x, y, run] of runs) for (let i = 0; i < Number(run); i++) modules[Number(y)]![Number(x) + i] = true;
  const width = dim * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++)
    for (let px = 0; px < width; px++) {
      if (!modules[Math.floor(py / scale)]![Math.floor(px / scale)]) continue;
      const o = (py * width + px) * 4;
      data[o] = data[o + 1] = data[o + 2] = 0;
    }
  return { data, width, height: width, modules };
}

/** A module matrix (no quiet zone) as the SVG-less bitmap jsQR reads, with a quiet zone added. */
function matrixToBitmap(modules: boolean[][], scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const dim = modules.length + QUIET_ZONE * 2;
  const width = dim * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++)
    for (let px = 0; px < width; px++) {
      const mx = Math.floor(px / scale) - QUIET_ZONE;
      const my = Math.floor(py / scale) - QUIET_ZONE;
      if (!modules[my]?.[mx]) continue;
      const o = (py * width + px) * 4;
      data[o] = data[o + 1] = data[o + 2] = 0;
    }
  return { data, width, height: width };
}

function scan(bitmap: { data: Uint8ClampedArray; width: number; height: number }): { bytes: number[]; version: number } {
  const found = jsQR(bitmap.data, bitmap.width, bitmap.height, { inversionAttempts: 'dontInvert' });
  expect(found, 'jsQR finds a code').not.toBeNull();
  return { bytes: found!.binaryData, version: found!.version };
}

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];

describe('QR codes (uqr)', () => {
  it('the decoder reads the reference symbols from libqrencode', () => {
    for (const ref of reference) {
      const { bytes, version } = scan(matrixToBitmap(fromHexRows(ref.rows, ref.size)));
      expect(bytes, ref.text).toEqual(utf8(ref.text));
      expect(version).toBe((ref.size - 17) / 4);
      expect(formatOf(fromHexRows(ref.rows, ref.size)).ecc).toBe(ref.ecc);
    }
  });

  it("with the reference's mask, the symbol is identical to libqrencode's, module for module", () => {
    for (const ref of reference) {
      const theirs = fromHexRows(ref.rows, ref.size);
      const { mask } = formatOf(theirs);
      const ours = encodeQr(ref.text, { ecc: ref.ecc, mask });
      expect(ours.size, ref.text).toBe(ref.size);
      expect(ours.mask).toBe(mask);
      expect(ours.modules, ref.text).toEqual(theirs);
    }
  });

  it('with its own mask choice, the same version and level, and it decodes to the same bytes', () => {
    for (const ref of reference) {
      const ours = encodeQr(ref.text, { ecc: ref.ecc });
      expect(ours.size, ref.text).toBe(ref.size);
      expect(formatOf(ours.modules)).toEqual({ ecc: ref.ecc, mask: ours.mask });
      expect(scan(matrixToBitmap(ours.modules)).bytes, ref.text).toEqual(utf8(ref.text));
    }
  });

  it('every shipped SVG, drawn back from its own path, scans to exactly its link, at every level', () => {
    const links = [
      'https://utvag.example/sv/',
      'https://utvag.example/ar/material/kort/',
      'https://utvag.example/ti/hjalp/upplands-bro/',
      'https://utvag.example/fa/l/stockholm/',
      'Hjälp där du bor – ትግርኛ – فارسی',
    ];
    for (const ecc of levels)
      for (const link of links) {
        const svg = qrSvg(link, { ecc });
        const bitmap = svgToBitmap(svg);
        const qr = encodeQr(link, { ecc });
        // The path draws the module matrix and nothing else; the quiet zone stays light.
        const expected = bitmap.modules.map((row, y) => row.map((_, x) => qr.modules[y - QUIET_ZONE]?.[x - QUIET_ZONE] === true));
        expect(bitmap.modules).toEqual(expected);
        expect(scan(bitmap).bytes, `${ecc} ${link}`).toEqual(utf8(link));
      }
  });

  it('keeps the level it is given and the smallest version that fits', () => {
    // uqr would raise the level to fill the version if asked; we never ask.
    expect(formatOf(encodeQr('https://utvag.example/sv/', { ecc: 'L' }).modules).ecc).toBe('L');
    expect(encodeQr('https://utvag.example/sv/', { ecc: 'M' }).version).toBe(2);
    expect(encodeQr('https://utvag.example/sv/', { ecc: 'M', minVersion: 5 }).version).toBe(5);
    expect(() => encodeQr('x'.repeat(3000), { ecc: 'H' })).toThrow();
  });

  it('draws an SVG with a viewBox and fill attributes, an accessible name, no style and no script', () => {
    const svg = qrSvg('https://utvag.example/sv/fara/', { title: 'QR-kod till sidan', id: 'qr', className: 'share-block__qr' });
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 37 37"/);
    expect(svg).toContain('<title id="qr-title">QR-kod till sidan</title>');
    expect(svg).toContain('aria-labelledby="qr-title"');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('fill="#000"');
    expect(svg).not.toMatch(/style/i);
    expect(svg).not.toMatch(/<script/i);
    // Without an id (a code repeated on a card sheet): named by aria-label, no duplicate ids.
    const repeated = qrSvg('https://utvag.example/sv/', { title: 'QR "kod" <1>' });
    expect(repeated).toContain('aria-label="QR &quot;kod&quot; &lt;1&gt;"');
    expect(repeated).not.toContain(' id=');
    // Without a title it is decoration.
    expect(qrSvg('https://utvag.example/sv/')).toContain('aria-hidden="true"');
  });
});

/** zbarimg, when installed (Debian: zbar-tools), scans our SVGs as a phone would. */
const hasZbar = spawnSync('zbarimg', ['--version']).status === 0;
describe.skipIf(!hasZbar)('QR codes scan with zbarimg', () => {
  it('every share link shape and a long one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qr-'));
    const texts = [
      'https://utvag.example/sv/',
      'https://utvag.example/ti/material/affisch/huddinge/',
      'https://utvag.example/fa/hjalp/stockholm/',
      'https://utvag.example/en/'.concat('a'.repeat(180)),
    ];
    texts.forEach((text, n) => {
      const { modules } = svgToBitmap(qrSvg(text));
      const lines = ['P1', `${modules.length * 4} ${modules.length * 4}`];
      for (let y = 0; y < modules.length * 4; y++)
        lines.push(
          Array.from({ length: modules.length * 4 }, (_, x) => (modules[Math.floor(y / 4)]![Math.floor(x / 4)] ? 1 : 0)).join(' '),
        );
      const file = join(dir, `qr${n}.pbm`);
      writeFileSync(file, lines.join('\n') + '\n');
      const out = execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(out.trim()).toBe(text);
    });
  });
});
