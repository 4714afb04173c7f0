/**
 * QR codes for the share block and the outreach kit, made at build time
 * with `uqr` (unjs, MIT, no dependencies; a port of Nayuki's QR Code
 * generator): the page gets finished SVG and no script.
 *
 * We draw the SVG ourselves from uqr's module matrix, rather than with its
 * renderSVG, for three reasons: an accessible name (<title>, role="img"),
 * the four-module quiet zone the standard asks for, and one rectangle per
 * horizontal run of dark modules (about a third of the markup of one square
 * per module). Fill attributes only, never a style attribute, so the strict
 * CSP allows the SVG inline.
 */
import { encode } from 'uqr';

export type EccLevel = 'L' | 'M' | 'Q' | 'H';

/** Light modules around the symbol (ISO/IEC 18004: at least four). */
export const QUIET_ZONE = 4;

/** A finished symbol: `modules[y][x]` is true for a dark module, quiet zone not included. */
export interface QrCode {
  version: number;
  size: number;
  ecc: EccLevel;
  mask: number;
  modules: boolean[][];
}

export interface EncodeOptions {
  /** Error correction; M by default (survives a crease or a smudge on paper). */
  ecc?: EccLevel;
  /** Force a mask (0–7) instead of the one with the lowest penalty. */
  mask?: number;
  minVersion?: number;
}

/**
 * Encodes text as UTF-8 bytes (byte mode, like `qrencode -8`) in the smallest
 * version that fits. The level is never raised behind the caller's back, so
 * the same input always gives the same symbol.
 */
export function encodeQr(text: string, options: EncodeOptions = {}): QrCode {
  const ecc = options.ecc ?? 'M';
  const bytes = [...new TextEncoder().encode(text)];
  const result = encode(bytes, {
    ecc,
    border: 0,
    boostEcc: false,
    minVersion: options.minVersion ?? 1,
    maskPattern: options.mask ?? -1,
  });
  return { version: result.version, size: result.size, ecc, mask: result.maskPattern, modules: result.data };
}

export interface SvgOptions extends EncodeOptions {
  /** The accessible name; without it the SVG is hidden from assistive technology. */
  title?: string;
  className?: string;
  /** With a title: the title gets `<id>-title` and the SVG points at it. Leave out where the code repeats on a page. */
  id?: string;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The SVG path of the dark modules, offset by the quiet zone: one `M x y h n v1 h-n z` per run. */
export function qrPath(qr: QrCode): string {
  let path = '';
  for (let y = 0; y < qr.size; y++) {
    const row = qr.modules[y]!;
    for (let x = 0; x < qr.size; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (x + run < qr.size && row[x + run]) run++;
      path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return path;
}

/**
 * The code as SVG markup: a white square with the quiet zone and one dark
 * path, scaled by the viewBox. `title` becomes the accessible name.
 */
export function qrSvg(text: string, options: SvgOptions = {}): string {
  const qr = encodeQr(text, options);
  const dim = qr.size + QUIET_ZONE * 2;
  const { title, className, id } = options;
  const attrs = [
    'xmlns="http://www.w3.org/2000/svg"',
    `viewBox="0 0 ${dim} ${dim}"`,
    'shape-rendering="crispEdges"',
    title ? 'role="img"' : 'aria-hidden="true"',
    className ? `class="${escapeXml(className)}"` : '',
    title && id ? `aria-labelledby="${escapeXml(id)}-title"` : '',
    title && !id ? `aria-label="${escapeXml(title)}"` : '',
    'focusable="false"',
  ].filter(Boolean);
  const titleTag = title ? `<title${id ? ` id="${escapeXml(id)}-title"` : ''}>${escapeXml(title)}</title>` : '';
  return `<svg ${attrs.join(' ')}>${titleTag}<rect width="${dim}" height="${dim}" fill="#fff"/><path fill="#000" d="${qrPath(qr)}"/></svg>`;
}
