// The allocation engine for one IPPool, with upstream's observable semantics (allocateAddress /
// capiAllocateAddress in ipam/ippool_manager.go): preAllocation → ipAddress annotation → strategy,
// ranges in declaration order, overrides from the winning range, upstream's failure texts.
// Unlike upstream it never walks a range: addresses are compared as 128-bit values, range membership
// is arithmetic, and the in-use set is a run-length interval set, so one allocation costs
// O(ranges · log runs) instead of O(addresses already taken) — or endless, for an IPv6 /64.
import type { IPPoolSpec, PoolRange } from '../api/types';
import { type IP, type CanonicalIP, formatIP, parseIP } from '../ip/ip';
import { type CompiledRange, type ValueInterval, compileRange, compiledRangeContains } from '../ip/range';
import { ValueIntervalSet } from './interval-set';
import {
  type Allocation,
  type AllocationRequest,
  type AllocationResult,
  type AllocationSource,
  allocationErrors,
} from './types';

export interface PoolAllocatorOptions {
  /** The pool has a deletionTimestamp: preAllocations no longer reserve their addresses. */
  deleting?: boolean;
  /** Uniform in [0, 1) like Math.random; injectable so the random strategy is testable. */
  random?: () => number;
}

export interface PoolCapacity {
  /** Distinct addresses the pool's strategy can hand out dynamically (union of its ranges). */
  total: bigint;
  /** Of those, addresses held by an IPAddress (or allocated in this pass). */
  allocated: bigint;
  /** Of those, addresses only reserved by a preAllocation. */
  preallocated: bigint;
  /** total - allocated - preallocated. */
  free: bigint;
}

interface PreAllocation {
  raw: string;
  ip: IP | undefined;
}

const TWO_POW_53 = 1n << 53n;

/** A uniform index in [0, size) from a [0, 1) source, exact beyond 2^53 by composing 32-bit draws. */
export function randomIndexBelow(size: bigint, random: () => number): bigint {
  if (size <= TWO_POW_53) {
    const n = Number(size);
    return BigInt(Math.min(Math.floor(random() * n), n - 1));
  }
  // 64 spare bits make the modulo bias negligible (< 2^-64).
  const bits = size.toString(2).length + 64;
  let value = 0n;
  for (let have = 0; have < bits; have += 32) {
    value = (value << 32n) | BigInt(Math.min(Math.floor(random() * 2 ** 32), 2 ** 32 - 1));
  }
  return value % size;
}

/** Sorts and merges inclusive intervals. */
function union(intervals: ValueInterval[]): ValueInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: ValueInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.first <= last.last + 1n) {
      if (interval.last > last.last) merged[merged.length - 1] = { first: last.first, last: interval.last };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

export class PoolAllocator {
  private readonly spec: IPPoolSpec;
  private readonly ranges: CompiledRange[];
  private readonly random: () => number;
  private readonly preAllocations = new Map<string, PreAllocation>();
  /** Every value in use: held by a claim's address or reserved by a preAllocation. */
  private readonly used = new ValueIntervalSet();
  /** canonical address → claim name(s) holding it (several only when objects already collide). */
  private readonly holders = new Map<string, Holders>();
  /** Values reserved by preAllocations (empty while the pool is deleting). */
  private readonly reserved = new Set<bigint>();
  /** In-use addresses that do not parse: they can never match a candidate but are still "in use". */
  private readonly unparsed = new Map<string, Holders>();

  constructor(spec: IPPoolSpec, options: PoolAllocatorOptions = {}) {
    this.spec = spec;
    this.random = options.random ?? Math.random;
    this.ranges = (spec.pools ?? []).map(compileRange);
    for (const [claimName, raw] of Object.entries(spec.preAllocations ?? {})) {
      const ip = typeof raw === 'string' ? parseIP(raw) : undefined;
      this.preAllocations.set(claimName, { raw, ip });
      // Canonical reservation: upstream keys by the raw text, so `2001:db8::0005` fails to protect ::5.
      if (!options.deleting && ip) {
        this.reserved.add(ip.value);
        this.used.add(ip.value);
      }
    }
  }

  /** Records an existing IPAddress (Metal3 or CAPI) of this pool. */
  markInUse(address: string, claimName: string): void {
    const ip = parseIP(address);
    if (!ip) {
      addHolder(this.unparsed, address, claimName);
      return;
    }
    this.hold(ip.value, formatIP(ip), claimName);
  }

  private hold(value: bigint, address: CanonicalIP, claimName: string): void {
    addHolder(this.holders, address, claimName);
    this.used.add(value);
  }

  /**
   * A claim was deleted: its address becomes free again, unless the claim has a preAllocation
   * (upstream then keeps the address in its in-use map) or another claim still holds it.
   */
  release(address: string, claimName: string): void {
    if (this.preAllocations.has(claimName)) return;
    this.unmark(address, claimName);
  }

  /**
   * The IPAddress holding `address` for `claimName` no longer exists: drop that holder whatever
   * the claim's preAllocation says (the reservation itself stays while the pool is not deleting).
   * For callers that keep one allocator in step with the objects over many passes.
   */
  unmark(address: string, claimName: string): void {
    const ip = parseIP(address);
    if (!ip) {
      removeHolder(this.unparsed, address, claimName);
      return;
    }
    const canonical = formatIP(ip);
    removeHolder(this.holders, canonical, claimName);
    if (!this.holders.has(canonical) && !this.reserved.has(ip.value)) this.used.delete(ip.value);
  }

  isInUse(address: string): boolean {
    const ip = parseIP(address);
    return ip ? this.used.has(ip.value) : this.unparsed.has(address);
  }

  /** Chooses an address for a claim that has none yet; on success it is marked in use. */
  allocate(request: AllocationRequest): AllocationResult {
    const preAllocation = this.preAllocations.get(request.claimName);
    const requestedText =
      request.requestedIP === undefined || request.requestedIP === '' ? undefined : request.requestedIP;
    let requested: IP | undefined;
    if (requestedText !== undefined) {
      requested = parseIP(requestedText);
      if (!requested) return { ok: false, error: allocationErrors.invalidRequestedIP(requestedText) };
      if (preAllocation && preAllocation.ip?.value !== requested.value) {
        return { ok: false, error: allocationErrors.preAllocationConflict() };
      }
    }

    if (preAllocation) {
      // Taken even when in use: the preAllocation itself is in the in-use set.
      const target = preAllocation.ip;
      const rangeIndex = target ? this.firstRangeContaining(target.value) : -1;
      if (target && rangeIndex >= 0)
        return this.grant(request.claimName, target.value, rangeIndex, 'preallocated');
      return { ok: false, error: allocationErrors.preAllocatedOutOfBounds() };
    }

    if (requested) {
      const rangeIndex = this.firstRangeContaining(requested.value);
      if (rangeIndex < 0) return { ok: false, error: allocationErrors.poolExhausted() };
      if (this.used.has(requested.value))
        return { ok: false, error: allocationErrors.requestedNotAvailable() };
      return this.grant(request.claimName, requested.value, rangeIndex, 'requested');
    }

    const random = this.spec.allocationStrategy === 'random';
    for (let rangeIndex = 0; rangeIndex < this.ranges.length; rangeIndex++) {
      const compiled = this.ranges[rangeIndex]!;
      const value = random ? this.randomFree(compiled) : this.sequentialFree(compiled);
      if (value !== undefined) return this.grant(request.claimName, value, rangeIndex, 'dynamic');
    }
    return { ok: false, error: allocationErrors.poolExhausted() };
  }

  /** Exact counts over the addresses the strategy can hand out; callers clamp for display. */
  capacity(): PoolCapacity {
    const space = union(this.ranges.flatMap((compiled) => this.dynamicValues(compiled)));
    const inSpace = (value: bigint): boolean => {
      let lo = 0;
      let hi = space.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const interval = space[mid]!;
        if (value < interval.first) hi = mid - 1;
        else if (value > interval.last) lo = mid + 1;
        else return true;
      }
      return false;
    };
    const total = space.reduce((sum, interval) => sum + interval.last - interval.first + 1n, 0n);
    let allocated = 0n;
    for (const address of this.holders.keys()) if (inSpace(parseIP(address)!.value)) allocated += 1n;
    let preallocated = 0n;
    for (const value of this.reserved)
      if (!this.holders.has(formatIP(value)) && inSpace(value)) preallocated += 1n;
    return { total, allocated, preallocated, free: total - allocated - preallocated };
  }

  private firstRangeContaining(value: bigint): number {
    return this.ranges.findIndex((compiled) => compiledRangeContains(compiled, value));
  }

  /** Upstream's sequential strategy: first index from 0 whose address is free, before the first error. */
  private sequentialFree(compiled: CompiledRange): bigint | undefined {
    if (compiled.base === undefined || compiled.sequentialCount === 0n) return undefined;
    const value = this.used.firstAbsentFrom(compiled.base);
    return value < compiled.base + compiled.sequentialCount ? value : undefined;
  }

  /**
   * Upstream's random strategy: a uniform start index in [0, rangeSize), then the first free index
   * walking forward and wrapping, skipping indices that fail to generate. Ranges whose size is an
   * error (unbounded, too large) yield nothing.
   */
  private randomFree(compiled: CompiledRange): bigint | undefined {
    if (!compiled.size.ok || compiled.size.size <= 0n) return undefined;
    // Draw first, like upstream, so a seeded source yields the same sequence of picks.
    const startIndex = randomIndexBelow(compiled.size.size, this.random);
    const intervals = this.dynamicValues(compiled);
    if (intervals.length === 0) return undefined;
    const startValue = compiled.base! + startIndex;
    const firstFreeWithin = (first: bigint, last: bigint): bigint | undefined => {
      if (first > last) return undefined;
      const value = this.used.firstAbsentFrom(first);
      return value <= last ? value : undefined;
    };
    for (const interval of intervals) {
      const found = firstFreeWithin(interval.first > startValue ? interval.first : startValue, interval.last);
      if (found !== undefined) return found;
    }
    for (const interval of intervals) {
      const found = firstFreeWithin(
        interval.first,
        interval.last < startValue ? interval.last : startValue - 1n,
      );
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Values the strategy can reach in a range: the sequential prefix, or every generating index below rangeSize. */
  private dynamicValues(compiled: CompiledRange): ValueInterval[] {
    if (compiled.base === undefined) return [];
    if (this.spec.allocationStrategy !== 'random') {
      return compiled.sequentialCount > 0n
        ? [{ first: compiled.base, last: compiled.base + compiled.sequentialCount - 1n }]
        : [];
    }
    if (!compiled.size.ok || compiled.size.size === 0n) return [];
    const limit = compiled.base + compiled.size.size - 1n;
    return compiled.values
      .filter((interval) => interval.first <= limit)
      .map((interval) => ({ first: interval.first, last: interval.last < limit ? interval.last : limit }));
  }

  private grant(
    claimName: string,
    value: bigint,
    rangeIndex: number,
    source: AllocationSource,
  ): AllocationResult {
    const range: PoolRange = this.ranges[rangeIndex]!.range;
    let prefix = this.spec.prefix ?? 0;
    let gateway: string | undefined = this.spec.gateway ?? undefined;
    let dnsServers = this.spec.dnsServers ?? undefined;
    if (range.prefix) prefix = range.prefix;
    if (range.gateway !== undefined && range.gateway !== null) gateway = range.gateway;
    if (range.dnsServers && range.dnsServers.length > 0) dnsServers = range.dnsServers;
    const address = formatIP(value);
    this.hold(value, address, claimName);
    const allocation: Allocation = { address, prefix, source, rangeIndex };
    if (gateway !== undefined) allocation.gateway = gateway;
    if (dnsServers !== undefined) allocation.dnsServers = [...dnsServers];
    return { ok: true, allocation };
  }
}

/** One claim name in the common case, an array only when objects collide. */
type Holders = string | string[];

function addHolder(map: Map<string, Holders>, key: string, claimName: string): void {
  const names = map.get(key);
  if (names === undefined) map.set(key, claimName);
  else if (typeof names === 'string') {
    if (names !== claimName) map.set(key, [names, claimName]);
  } else if (!names.includes(claimName)) names.push(claimName);
}

function removeHolder(map: Map<string, Holders>, key: string, claimName: string): void {
  const names = map.get(key);
  if (names === undefined) return;
  const remaining = (typeof names === 'string' ? [names] : names).filter((name) => name !== claimName);
  if (remaining.length === 0) map.delete(key);
  else map.set(key, remaining.length === 1 ? remaining[0]! : remaining);
}
