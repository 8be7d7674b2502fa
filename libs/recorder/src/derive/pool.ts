// IPPool spec → the address ranges the audit store sizes (start/end, per-range prefix/gateway).
import { formatIP, parseCIDR, parseIP, type IPPool, type PoolRange } from '@stableip/ipam-core';
import type { PoolRangeInput } from '@stableip/audit-store';

/**
 * Bounds of one range as upstream's allocator walks it: start..end, start..subnet end, or (subnet
 * only) the address after the written subnet IP up to the subnet's last address. Undefined when the range
 * is unusable (the webhook rejects those; a cluster without it may still hold one).
 */
function bounds(range: PoolRange): { start: string; end: string } | undefined {
  const start = range.start ? parseIP(range.start) : undefined;
  const end = range.end ? parseIP(range.end) : undefined;
  const parsed = range.subnet ? parseCIDR(range.subnet) : undefined;
  const cidr = parsed?.ok ? parsed.cidr : undefined;
  if (start && end) return { start: formatIP(start), end: formatIP(end) };
  if (start && cidr) return { start: formatIP(start), end: formatIP(cidr.last) };
  if (!start && cidr && cidr.last > cidr.ip.value) {
    return { start: formatIP(cidr.ip.value + 1n), end: formatIP(cidr.last) };
  }
  return undefined;
}

export function poolRanges(pool: Pick<IPPool, 'spec'>): PoolRangeInput[] {
  const spec = pool.spec ?? { namePrefix: '' };
  const ranges: PoolRangeInput[] = [];
  for (const range of spec.pools ?? []) {
    const bound = bounds(range);
    if (!bound) continue;
    const prefix = range.prefix ?? spec.prefix;
    const gateway = range.gateway ?? spec.gateway;
    const startIP = parseIP(bound.start);
    const endIP = parseIP(bound.end);
    if (!startIP || !endIP || startIP.family !== endIP.family || startIP.value > endIP.value) continue;
    ranges.push({
      ...bound,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(gateway && parseIP(gateway)?.family === startIP.family ? { gateway } : {}),
    });
  }
  return ranges;
}
