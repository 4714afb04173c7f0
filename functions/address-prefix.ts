/**
 * The parts of an address that one sender controls, at several widths
 * (review N1): IPv4 as the address and its /24; IPv6 as its /64 (one phone
 * or home line), /56 (a home or small office) and /48 (a site, or a VPS
 * with a routed block). Anything else (no address) is one shared bucket.
 * Written here because workerd has no node:net; the parsing is the RFC 4291
 * text form, with an IPv4 tail.
 */

/** The eight 16-bit groups of an IPv6 address in text form. */
function ipv6Groups(text: string): number[] {
  const withoutZone = text.split('%')[0]!;
  const gap = withoutZone.indexOf('::');
  const head = gap < 0 ? withoutZone : withoutZone.slice(0, gap);
  const tail = gap < 0 ? '' : withoutZone.slice(gap + 2);
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups.at(-1)!;
    if (last.includes('.')) {
      // An embedded IPv4 address is the last 32 bits: two groups.
      const bytes = last.split('.').map(Number);
      groups.splice(-1, 1, ((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16));
    }
    return groups;
  };
  const headGroups = toGroups(head);
  const tailGroups = toGroups(tail);
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].slice(0, 8).map((group) => parseInt(group, 16) || 0);
}

/** The first `bits` bits of an IPv6 address (a multiple of 8), as "2001:db8:1:200::/56". */
function ipv6Prefix(groups: number[], bits: 48 | 56 | 64): string {
  const kept = groups.slice(0, Math.ceil(bits / 16)).map((group, i) => {
    const left = bits - i * 16;
    return left >= 16 ? group : group & (0xffff << (16 - left)) & 0xffff;
  });
  return `${kept.map((group) => group.toString(16)).join(':')}::/${bits}`;
}

/** IPv4 as it is, IPv6 reduced to its first 64 bits ("2001:db8:1:2::/64"). */
export function addressPrefix(address: string): string {
  const text = address.trim().toLowerCase();
  if (!text.includes(':')) return text;
  return ipv6Prefix(ipv6Groups(text), 64);
}

/** How wide a sender bucket is; each width has its own limit (wrangler.jsonc). */
export type SenderWidth = 'address' | 'network' | 'site';

/**
 * Every bucket one sender counts against, narrowest first:
 *   address: the IPv4 address, or the IPv6 /64;
 *   network: the IPv4 /24, or the IPv6 /56;
 *   site:    the IPv6 /48 (IPv4 has none: a /16 is a whole provider).
 * Each prefix names its width, so an IPv4 /24 and an IPv6 /56 never meet.
 */
export function senderPrefixes(address: string): { width: SenderWidth; prefix: string }[] {
  const text = address.trim().toLowerCase();
  if (!text.includes(':')) {
    const octets = text.split('.');
    if (octets.length !== 4) return [{ width: 'address', prefix: text }];
    return [
      { width: 'address', prefix: text },
      { width: 'network', prefix: `${octets.slice(0, 3).join('.')}.0/24` },
    ];
  }
  const groups = ipv6Groups(text);
  return [
    { width: 'address', prefix: ipv6Prefix(groups, 64) },
    { width: 'network', prefix: ipv6Prefix(groups, 56) },
    { width: 'site', prefix: ipv6Prefix(groups, 48) },
  ];
}
