// Addresses as stored: canonical text (Go's net.IP.String()) plus the 128-bit value as decimal
// text for numeric(39,0), both from @stableip/ipam-core so they match what the controllers write.
import { formatIP, parseIP, type IPFamily } from '@stableip/ipam-core';
import { AuditStoreError } from '../errors';
import type { PoolRange, PoolRangeInput } from './types';

export interface StoredAddress {
  address: string;
  value: string;
  family: IPFamily;
}

export function storedAddress(text: string, what = 'address'): StoredAddress {
  const ip = parseIP(text);
  if (!ip) throw new AuditStoreError('INVALID_ADDRESS', `${what} "${text}" is not an IP address`);
  return { address: formatIP(ip), value: ip.value.toString(), family: ip.family };
}

export function canonicalOptional(text: string | null | undefined, what: string): string | null {
  if (text === null || text === undefined || text === '') return null;
  return storedAddress(text, what).address;
}

export function assertPrefix(prefix: number, family: IPFamily): void {
  const width = family === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) {
    throw new AuditStoreError('INVALID_ARGUMENT', `prefix ${prefix} is not valid for IPv${family}`);
  }
}

/** Canonical ranges and their sizes; rejects mixed families and reversed bounds. */
export function normalizeRanges(ranges: readonly PoolRangeInput[]): { ranges: PoolRange[]; total: bigint } {
  let total = 0n;
  const normalized = ranges.map((range): PoolRange => {
    const start = parseIP(range.start);
    const end = parseIP(range.end);
    if (!start)
      throw new AuditStoreError('INVALID_ADDRESS', `range start "${range.start}" is not an IP address`);
    if (!end) throw new AuditStoreError('INVALID_ADDRESS', `range end "${range.end}" is not an IP address`);
    if (start.family !== end.family || start.value > end.value) {
      throw new AuditStoreError('INVALID_ARGUMENT', `range ${range.start}-${range.end} is not a range`);
    }
    if (range.prefix !== undefined) assertPrefix(range.prefix, start.family);
    const size = end.value - start.value + 1n;
    total += size;
    return {
      start: formatIP(start),
      end: formatIP(end),
      family: start.family,
      prefix: range.prefix ?? null,
      gateway: canonicalOptional(range.gateway, 'range gateway'),
      size: size.toString(),
    };
  });
  return { ranges: normalized, total };
}
