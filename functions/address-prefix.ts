/**
 * The part of an address that one sender controls: IPv4 as it is, IPv6
 * reduced to its first 64 bits ("2001:db8:1:2::/64"). Anything else (no
 * address) is one shared bucket. Written here because workerd has no
 * node:net; the parsing is the RFC 4291 text form, with an IPv4 tail.
 */
export function addressPrefix(address: string): string {
  const text = address.trim().toLowerCase();
  if (!text.includes(':')) return text;
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
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const first = groups.slice(0, 4).map((group) => (parseInt(group, 16) || 0).toString(16));
  return `${first.join(':')}::/64`;
}
