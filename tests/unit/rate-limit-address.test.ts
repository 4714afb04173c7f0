/**
 * The rate limiter counts an IPv6 sender by its /64 (review M2), as
 * properties over every address form, with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressPrefix } from '../../functions/address-prefix.ts';

const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });
const full = (g: number[]) => g.map((n) => n.toString(16)).join(':');
/** The same address with its longest run of zero groups written as "::" (RFC 5952 style). */
function compressed(g: number[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  if (best.length < 2) return full(g);
  const head = g
    .slice(0, best.start)
    .map((n) => n.toString(16))
    .join(':');
  const tail = g
    .slice(best.start + best.length)
    .map((n) => n.toString(16))
    .join(':');
  return `${head}::${tail}`;
}

describe('addressPrefix', () => {
  it('is the same for every way of writing one address, in any letter case', () => {
    fc.assert(
      fc.property(groups, (g) => {
        const prefix = addressPrefix(full(g));
        expect(addressPrefix(compressed(g))).toBe(prefix);
        expect(addressPrefix(compressed(g).toUpperCase())).toBe(prefix);
        expect(addressPrefix(g.map((n) => n.toString(16).padStart(4, '0')).join(':'))).toBe(prefix);
      }),
    );
  });

  it('ignores the last 64 bits and keeps the first 64', () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        const sameNetwork = [...a.slice(0, 4), ...b.slice(4)];
        expect(addressPrefix(full(sameNetwork))).toBe(addressPrefix(full(a)));
        const otherNetwork = [...b.slice(0, 4), ...a.slice(4)];
        expect(addressPrefix(full(otherNetwork)) === addressPrefix(full(a))).toBe(a.slice(0, 4).join() === b.slice(0, 4).join());
      }),
    );
  });

  it('leaves IPv4 addresses whole', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(addressPrefix(address)).toBe(address);
      }),
    );
  });
});
