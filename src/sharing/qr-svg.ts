/**
 * A small QR code encoder (ISO/IEC 18004, model 2) for the share block.
 * Runs at build time only: the page gets the finished SVG, no script.
 *
 * Byte mode (UTF-8), versions 1–10 (up to 213 bytes at level M: far more
 * than a page address needs), error correction L/M/Q/H, automatic mask by
 * the standard's penalty rules. The SVG uses a viewBox and fill attributes
 * only, never a style attribute, so the strict CSP allows it inline.
 */

export type EccLevel = 'L' | 'M' | 'Q' | 'H';

/** Format-information bits for each level (ISO 18004 table 12). */
const eccFormatBits: Record<EccLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

/** Error-correction codewords per block, index = version (ISO 18004 table 9). */
const eccPerBlock: Record<EccLevel, readonly number[]> = {
  L: [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18],
  M: [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26],
  Q: [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24],
  H: [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28],
};

/** Number of error-correction blocks, index = version. */
const blockCount: Record<EccLevel, readonly number[]> = {
  L: [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4],
  M: [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5],
  Q: [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8],
  H: [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8],
};

export const maxVersion = 10;

/** A finished symbol: `modules[y][x]` is true for a dark module. */
export interface QrCode {
  version: number;
  size: number;
  ecc: EccLevel;
  mask: number;
  modules: boolean[][];
}

// ---------------------------------------------------------------- GF(256)

/** Multiplication in GF(2^8) with the QR polynomial x^8+x^4+x^3+x^2+1. */
export function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

/** Generator polynomial of the given degree, coefficients high to low, leading 1 dropped. */
function rsDivisor(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < result.length; j++) {
      result[j] = gfMultiply(result[j]!, root);
      if (j + 1 < result.length) result[j] = result[j]! ^ result[j + 1]!;
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

/** The remainder of data(x)·x^n divided by the generator: the ECC codewords. */
export function rsRemainder(data: readonly number[], degree: number): number[] {
  const divisor = rsDivisor(degree);
  const result = new Array<number>(degree).fill(0);
  for (const b of data) {
    const factor = b ^ result.shift()!;
    result.push(0);
    divisor.forEach((coef, i) => {
      result[i] = result[i]! ^ gfMultiply(coef, factor);
    });
  }
  return result;
}

// ---------------------------------------------------------------- sizes

function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const numAlign = Math.floor(version / 7) + 2;
    result -= (25 * numAlign - 10) * numAlign - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

export function dataCodewords(version: number, ecc: EccLevel): number {
  return Math.floor(rawDataModules(version) / 8) - eccPerBlock[ecc][version]! * blockCount[ecc][version]!;
}

/** Centre coordinates of the alignment patterns of a version. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const numAlign = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + numAlign * 3 + 5) / (numAlign * 4 - 4)) * 2;
  const size = version * 4 + 17;
  const result = [6];
  for (let pos = size - 7; result.length < numAlign; pos -= step) result.splice(1, 0, pos);
  return result;
}

// ---------------------------------------------------------------- data

function appendBits(bits: number[], value: number, length: number): void {
  for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
}

/** Data codewords for `bytes` in byte mode, with terminator and pad bytes. */
export function encodeData(bytes: Uint8Array, version: number, ecc: EccLevel): number[] {
  const capacityBits = dataCodewords(version, ecc) * 8;
  const bits: number[] = [];
  appendBits(bits, 0b0100, 4); // byte mode
  appendBits(bits, bytes.length, version <= 9 ? 8 : 16);
  for (const b of bytes) appendBits(bits, b, 8);
  if (bits.length > capacityBits) throw new Error('Data too long for this version');
  appendBits(bits, 0, Math.min(4, capacityBits - bits.length));
  appendBits(bits, 0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacityBits; pad ^= 0xec ^ 0x11) appendBits(bits, pad, 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, b) => (acc << 1) | b, 0));
  return out;
}

/** Splits data into blocks, adds Reed–Solomon codewords, interleaves. */
export function addEccAndInterleave(data: readonly number[], version: number, ecc: EccLevel): number[] {
  const numBlocks = blockCount[ecc][version]!;
  const eccLen = eccPerBlock[ecc][version]!;
  const rawCodewords = Math.floor(rawDataModules(version) / 8);
  const numShortBlocks = numBlocks - (rawCodewords % numBlocks);
  const shortBlockLen = Math.floor(rawCodewords / numBlocks);
  const blocks: { data: number[]; ecc: number[] }[] = [];
  for (let i = 0, k = 0; i < numBlocks; i++) {
    const len = shortBlockLen - eccLen + (i < numShortBlocks ? 0 : 1);
    const d = data.slice(k, k + len);
    k += len;
    blocks.push({ data: d, ecc: rsRemainder(d, eccLen) });
  }
  const result: number[] = [];
  const maxData = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < maxData; i++) for (const b of blocks) if (i < b.data.length) result.push(b.data[i]!);
  for (let i = 0; i < eccLen; i++) for (const b of blocks) result.push(b.ecc[i]!);
  return result;
}

// ---------------------------------------------------------------- matrix

/** The 15 format bits (level + mask, BCH-protected, XOR-masked). */
export function formatBits(ecc: EccLevel, mask: number): number {
  const data = (eccFormatBits[ecc] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The 18 version bits (versions 7 and up, BCH-protected). */
export function versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
}

export const maskFunctions: readonly ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

class Matrix {
  readonly size: number;
  readonly modules: boolean[][];
  readonly isFunction: boolean[][];
  constructor(size: number) {
    this.size = size;
    this.modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.isFunction = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }
  setFunction(x: number, y: number, dark: boolean): void {
    this.modules[y]![x] = dark;
    this.isFunction[y]![x] = true;
  }
}

function drawFinder(m: Matrix, cx: number, cy: number): void {
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x < 0 || y < 0 || x >= m.size || y >= m.size) continue;
      const dist = Math.max(Math.abs(dx), Math.abs(dy));
      m.setFunction(x, y, dist !== 2 && dist !== 4);
    }
  }
}

function drawAlignment(m: Matrix, cx: number, cy: number): void {
  for (let dy = -2; dy <= 2; dy++)
    for (let dx = -2; dx <= 2; dx++) m.setFunction(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
}

function drawFormat(m: Matrix, ecc: EccLevel, mask: number): void {
  const bits = formatBits(ecc, mask);
  const bit = (i: number): boolean => ((bits >>> i) & 1) !== 0;
  const size = m.size;
  // Around the top-left finder.
  for (let i = 0; i <= 5; i++) m.setFunction(8, i, bit(i));
  m.setFunction(8, 7, bit(6));
  m.setFunction(8, 8, bit(7));
  m.setFunction(7, 8, bit(8));
  for (let i = 9; i < 15; i++) m.setFunction(14 - i, 8, bit(i));
  // The copy split between the other two finders.
  for (let i = 0; i < 8; i++) m.setFunction(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) m.setFunction(8, size - 15 + i, bit(i));
  m.setFunction(8, size - 8, true); // the dark module
}

function drawVersion(m: Matrix, version: number): void {
  if (version < 7) return;
  const bits = versionBits(version);
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) !== 0;
    const a = m.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    m.setFunction(a, b, dark);
    m.setFunction(b, a, dark);
  }
}

function drawFunctionPatterns(m: Matrix, version: number, ecc: EccLevel): void {
  const size = m.size;
  for (let i = 0; i < size; i++) {
    m.setFunction(6, i, i % 2 === 0);
    m.setFunction(i, 6, i % 2 === 0);
  }
  drawFinder(m, 3, 3);
  drawFinder(m, size - 4, 3);
  drawFinder(m, 3, size - 4);
  const align = alignmentPositions(version);
  const n = align.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === n - 1) || (i === n - 1 && j === 0)) continue;
      drawAlignment(m, align[i]!, align[j]!);
    }
  }
  drawFormat(m, ecc, 0); // reserves the area; redrawn with the real mask
  drawVersion(m, version);
}

/**
 * The order in which data bits fill the symbol: two-module columns from the
 * right, zigzagging up and down, skipping the vertical timing column.
 * Exported so the tests can read a symbol back the same way a scanner does.
 */
export function dataModuleOrder(size: number, isFunction: (x: number, y: number) => boolean): [number, number][] {
  const order: [number, number][] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (!isFunction(x, y)) order.push([x, y]);
      }
    }
  }
  return order;
}

function drawCodewords(m: Matrix, codewords: readonly number[]): void {
  const order = dataModuleOrder(m.size, (x, y) => m.isFunction[y]![x]!);
  order.forEach(([x, y], i) => {
    const byte = codewords[i >>> 3];
    // Remainder bits (beyond the last codeword) stay light.
    m.modules[y]![x] = byte !== undefined && ((byte >>> (7 - (i & 7))) & 1) === 1;
  });
}

function applyMask(m: Matrix, mask: number): void {
  const fn = maskFunctions[mask]!;
  for (let y = 0; y < m.size; y++)
    for (let x = 0; x < m.size; x++) if (!m.isFunction[y]![x] && fn(x, y)) m.modules[y]![x] = !m.modules[y]![x];
}

/** The standard's four penalty rules (ISO 18004 §7.8.3). Lower is better. */
export function penaltyScore(modules: readonly (readonly boolean[])[]): number {
  const size = modules.length;
  let score = 0;
  const at = (x: number, y: number): boolean => modules[y]![x]!;
  const line = (i: number, horizontal: boolean): boolean[] =>
    Array.from({ length: size }, (_, k) => (horizontal ? at(k, i) : at(i, k)));
  for (let i = 0; i < size; i++) {
    for (const horizontal of [true, false]) {
      const row = line(i, horizontal);
      // Rule 1: runs of five or more of one colour.
      let run = 1;
      for (let k = 1; k <= size; k++) {
        if (k < size && row[k] === row[k - 1]) run++;
        else {
          if (run >= 5) score += 3 + (run - 5);
          run = 1;
        }
      }
      // Rule 3: 1:1:3:1:1 finder-like pattern with four light modules on either side.
      const padded = [false, false, false, false, ...row, false, false, false, false];
      const pattern = [true, false, true, true, true, false, true];
      for (let k = 0; k + 7 <= padded.length; k++) {
        if (!pattern.every((v, j) => padded[k + j] === v)) continue;
        const before = k >= 4 && [0, 1, 2, 3].every((j) => !padded[k - 1 - j]);
        const after = k + 11 <= padded.length && [0, 1, 2, 3].every((j) => !padded[k + 7 + j]);
        if (before || after) score += 40;
      }
    }
  }
  // Rule 2: 2×2 blocks of one colour.
  for (let y = 0; y < size - 1; y++)
    for (let x = 0; x < size - 1; x++) {
      const c = at(x, y);
      if (c === at(x + 1, y) && c === at(x, y + 1) && c === at(x + 1, y + 1)) score += 3;
    }
  // Rule 4: balance of dark and light.
  const dark = modules.reduce((n, row) => n + row.filter(Boolean).length, 0);
  const total = size * size;
  const k = Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1;
  score += k * 10;
  return score;
}

export interface EncodeOptions {
  ecc?: EccLevel;
  /** Force a mask (0–7) instead of the one with the lowest penalty. */
  mask?: number;
  minVersion?: number;
}

/** Encodes text (UTF-8, byte mode) in the smallest version that fits. */
export function encodeQr(text: string, options: EncodeOptions = {}): QrCode {
  const ecc = options.ecc ?? 'M';
  const bytes = new TextEncoder().encode(text);
  let version = options.minVersion ?? 1;
  const headerBits = (v: number): number => 4 + (v <= 9 ? 8 : 16);
  while (version <= maxVersion && headerBits(version) + bytes.length * 8 > dataCodewords(version, ecc) * 8) version++;
  if (version > maxVersion) throw new Error(`Text too long for a QR code up to version ${maxVersion}: ${bytes.length} bytes`);

  const codewords = addEccAndInterleave(encodeData(bytes, version, ecc), version, ecc);
  const size = version * 4 + 17;
  const build = (mask: number): Matrix => {
    const m = new Matrix(size);
    drawFunctionPatterns(m, version, ecc);
    drawCodewords(m, codewords);
    applyMask(m, mask);
    drawFormat(m, ecc, mask);
    return m;
  };
  let best = options.mask;
  if (best === undefined) {
    let bestScore = Infinity;
    for (let mask = 0; mask < 8; mask++) {
      const score = penaltyScore(build(mask).modules);
      if (score < bestScore) {
        bestScore = score;
        best = mask;
      }
    }
  }
  const m = build(best!);
  return { version, size, ecc, mask: best!, modules: m.modules };
}

/**
 * The code as SVG markup: a white square with a four-module quiet zone and
 * one dark path, scaled by the viewBox. `title` becomes the accessible name.
 */
export function qrSvg(text: string, options: EncodeOptions & { title?: string; className?: string; id?: string } = {}): string {
  const qr = encodeQr(text, options);
  const quiet = 4;
  const dim = qr.size + quiet * 2;
  let path = '';
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (!qr.modules[y]![x]) continue;
      // Merge horizontal runs into one rectangle.
      let run = 1;
      while (x + run < qr.size && qr.modules[y]![x + run]) run++;
      path += `M${x + quiet} ${y + quiet}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const attrs = [
    'xmlns="http://www.w3.org/2000/svg"',
    `viewBox="0 0 ${dim} ${dim}"`,
    'shape-rendering="crispEdges"',
    options.title ? 'role="img"' : 'aria-hidden="true"',
    options.className ? `class="${escape(options.className)}"` : '',
    options.id && options.title ? `aria-labelledby="${escape(options.id)}-title"` : '',
    'focusable="false"',
  ].filter(Boolean);
  const title = options.title ? `<title${options.id ? ` id="${escape(options.id)}-title"` : ''}>${escape(options.title)}</title>` : '';
  return `<svg ${attrs.join(' ')}>${title}<rect width="${dim}" height="${dim}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}
