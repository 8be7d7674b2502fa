// IP addresses as upstream (Go's net.IP) models them: one 128-bit space in which an IPv4 address
// is the IPv4-mapped IPv6 address ::ffff:a.b.c.d. Parsing is delegated to ipaddr.js (a well-kept
// parser) with the extra strictness Go applies; arithmetic is plain BigInt.
import ipaddr from 'ipaddr.js';

export type IPFamily = 4 | 6;

/** A parsed IP address. `value` is the 128-bit value (IPv4 lives in ::ffff:0:0/96). */
export interface IP {
  readonly family: IPFamily;
  readonly value: bigint;
}

/** Canonical text form of an address (what upstream writes into `spec.address`). */
export type CanonicalIP = string & { readonly __brand: 'CanonicalIP' };

export const IPV4_MAPPED_BASE = 0xffff_0000_0000n;
export const IPV4_MAPPED_MAX = 0xffff_ffff_ffffn;
export const IPV6_MAX = (1n << 128n) - 1n;

const fourPartDecimal = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;

function familyOf(value: bigint): IPFamily {
  return value >= IPV4_MAPPED_BASE && value <= IPV4_MAPPED_MAX ? 4 : 6;
}

/** Builds an IP from its 128-bit value; values in ::ffff:0:0/96 are IPv4. */
export function ipFromValue(value: bigint): IP {
  if (value < 0n || value > IPV6_MAX) {
    throw new RangeError(`IP value out of range: ${value}`);
  }
  return { family: familyOf(value), value };
}

/**
 * Parses an address the way Go's net.ParseIP does: dotted-quad IPv4 without leading zeros, or an
 * IPv6 text form (groups of at most 4 hex digits, optional embedded IPv4, no zone). Returns
 * undefined when the text is not an address.
 */
export function parseIP(text: string): IP | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 45) return undefined;
  if (text.includes(':')) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
    // Go rejects groups longer than four hex digits; ipaddr.js only checks the value.
    const hexPart = text.includes('.') ? text.slice(0, text.lastIndexOf(':')) : text;
    if (hexPart.split(':').some((group) => group.length > 4)) return undefined;
    if (text.includes('.')) {
      const v4Part = text.slice(text.lastIndexOf(':') + 1);
      if (!fourPartDecimal.test(v4Part) || !ipaddr.IPv4.isValidFourPartDecimal(v4Part)) return undefined;
    }
    let value = 0n;
    for (const part of ipaddr.IPv6.parse(text).parts) value = (value << 16n) | BigInt(part);
    return ipFromValue(value);
  }
  // Dotted quads are the hot path (every address of a big pool): the regex already rules out
  // anything but four 1-3 digit parts without leading zeros, so only the 0-255 range is left.
  if (!fourPartDecimal.test(text)) return undefined;
  let value = 0;
  for (const part of text.split('.')) {
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return { family: 4, value: IPV4_MAPPED_BASE | BigInt(value) };
}

/** True when `text` parses as an IP address (Go net.ParseIP semantics). */
export function isIP(text: string): boolean {
  return parseIP(text) !== undefined;
}

/**
 * Renders an address as Go's net.IP.String() does: dotted quad for IPv4 (including IPv4-mapped
 * values), RFC 5952 for IPv6 (lowercase, leading zeros dropped, the longest run of two or more zero
 * groups — the first on a tie — compressed to `::`).
 */
export function formatIP(ip: IP | bigint): CanonicalIP {
  const value = typeof ip === 'bigint' ? ip : ip.value;
  if (familyOf(value) === 4) {
    const v4 = Number(value & 0xffff_ffffn);
    return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}` as CanonicalIP;
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':') as CanonicalIP;
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}` as CanonicalIP;
}

/** Canonical text of `text`, or undefined when it is not an address. */
export function canonicalIP(text: string): CanonicalIP | undefined {
  const ip = parseIP(text);
  return ip && formatIP(ip);
}

/** Orders two addresses by their 128-bit value (upstream's big.Int comparison of To16()). */
export function compareIP(a: IP, b: IP): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/**
 * Orders two addresses as Go's netip.Addr.Compare does: every IPv4 address before every IPv6
 * address, then by value. Upstream's admission bounds check uses this order.
 */
export function compareIPNetip(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return compareIP(a, b);
}

export function ipEquals(a: IP, b: IP): boolean {
  return a.value === b.value;
}

/** A parsed CIDR, as net.ParseCIDR returns it: the written address plus the masked network. */
export interface CIDR {
  /** The address as written before the slash (host bits kept). */
  readonly ip: IP;
  /** Prefix length in the address's own family (0-32 for IPv4, 0-128 for IPv6). */
  readonly prefixLength: number;
  readonly family: IPFamily;
  /** First address of the subnet (host bits cleared). */
  readonly first: bigint;
  /** Last address of the subnet (host bits set). */
  readonly last: bigint;
}

export type CIDRParseResult = { ok: true; cidr: CIDR } | { ok: false; error: string };

/**
 * Parses `a.b.c.d/n` or `x::y/n` like net.ParseCIDR. On failure, `error` is Go's message
 * (`invalid CIDR address: <text>`), which upstream's webhook embeds in its detail text.
 */
export function parseCIDR(text: string): CIDRParseResult {
  const invalid = { ok: false as const, error: `invalid CIDR address: ${text}` };
  const slash = text.indexOf('/');
  if (slash < 0) return invalid;
  const ip = parseIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(bits)) return invalid;
  // Go decides the family by the text: dotted quad means IPv4 mask width, anything else IPv6.
  const family: IPFamily = text.slice(0, slash).includes(':') ? 6 : 4;
  const prefixLength = Number(bits);
  const width = family === 4 ? 32 : 128;
  if (prefixLength > width) return invalid;
  const hostBits = BigInt(width - prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  const first = ip.value & ~hostMask & IPV6_MAX;
  return { ok: true, cidr: { ip, prefixLength, family, first, last: first | hostMask } };
}

export function cidrContains(cidr: CIDR, ip: IP): boolean {
  return ip.value >= cidr.first && ip.value <= cidr.last;
}
