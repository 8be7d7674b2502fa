// net/netip as the IPPool bounds check uses it: ordering in which IPv4 sorts before IPv6 (decided
// by the text form, so `::ffff:1.2.3.4` is IPv6 here), zones as tie-breaker.
import { parseIP } from '../ip/ip';

/** A netip.Addr: bit length by text form (`::ffff:1.2.3.4` is a 128-bit address), value, zone. */
export interface NetipAddr {
  readonly bitLength: 32 | 128;
  readonly value: bigint;
  readonly zone: string;
}

/** netip.ParseAddr: like net.ParseIP, plus an optional non-empty `%zone` on IPv6 addresses. */
export function parseNetipAddr(text: string): NetipAddr | undefined {
  let addressText = text;
  let zone = '';
  const percent = text.indexOf('%');
  if (percent >= 0) {
    zone = text.slice(percent + 1);
    addressText = text.slice(0, percent);
    if (zone === '' || !addressText.includes(':')) return undefined;
  }
  const ip = parseIP(addressText);
  if (!ip) return undefined;
  return { bitLength: addressText.includes(':') ? 128 : 32, value: ip.value, zone };
}

/** netip.Addr.Compare. */
export function compareNetipAddr(a: NetipAddr, b: NetipAddr): number {
  if (a.bitLength !== b.bitLength) return a.bitLength - b.bitLength;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0;
}

/** Stable map key for a netip.Addr (Go uses the Addr itself as a map key). */
export function netipKey(addr: NetipAddr): string {
  return `${addr.bitLength}/${addr.value}/${addr.zone}`;
}
