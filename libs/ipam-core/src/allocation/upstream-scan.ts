// A deliberately naive, line-by-line model of upstream's allocateAddress/selectIPFromPool: every
// allocation walks the ranges index by index through `candidateAt` (the port of GetIPAddress) and
// looks each candidate's text up in an in-use map keyed by raw address strings. It exists as the
// oracle for PoolAllocator's property tests and as the baseline of the benchmark; never use it to
// plan (it is O(addresses taken) per claim and endless on IPv6 /64 ranges).
import type { IPPoolSpec } from '../api/types';
import { type CanonicalIP, type IP, formatIP, parseIP } from '../ip/ip';
import { type CandidateResult, candidateGenerator, rangeSize } from '../ip/range';
import { randomIndexBelow } from './pool-allocator';
import { type AllocationRequest, type AllocationResult, allocationErrors } from './types';

export interface UpstreamScanOptions {
  deleting?: boolean;
  random?: () => number;
  /** Polled every 4096 candidates; returning true abandons the allocation (for time-boxed benchmarks). */
  shouldStop?: () => boolean;
}

/** Returned instead of a result when `shouldStop` cut the scan short. */
export const SCAN_ABORTED = 'aborted' as const;

/** upstream's ipEqual(candidate, target): both must parse, then compare as IPs (candidates always parse). */
function ipEqual(candidate: IP, target: IP | undefined): boolean {
  return target !== undefined && candidate.value === target.value;
}

export class UpstreamScanAllocator {
  /** Raw address string → claim name, exactly like upstream's `addresses` map. */
  readonly addresses = new Map<string, string>();
  /** Candidates generated so far (the cost upstream pays). */
  steps = 0;
  private readonly spec: IPPoolSpec;
  private readonly random: () => number;
  private readonly shouldStop: () => boolean;

  constructor(spec: IPPoolSpec, options: UpstreamScanOptions = {}) {
    this.spec = spec;
    this.random = options.random ?? Math.random;
    this.shouldStop = options.shouldStop ?? (() => false);
    this.generators = (spec.pools ?? []).map(candidateGenerator);
    if (!options.deleting)
      for (const address of Object.values(spec.preAllocations ?? {})) this.addresses.set(address, '');
  }

  markInUse(address: string, claimName: string): void {
    this.addresses.set(address, claimName);
  }

  release(address: string, claimName: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.spec.preAllocations ?? {}, claimName))
      this.addresses.delete(address);
  }

  isInUse(address: string): boolean {
    return this.addresses.has(address);
  }

  private readonly generators: Array<(index: bigint) => CandidateResult>;

  /** GetIPAddress + ip.String(), as upstream does for every step of a scan. */
  private candidate(rangeIndex: number, index: bigint): { ip: IP; text: CanonicalIP } | undefined {
    this.steps++;
    const result = this.generators[rangeIndex]!(index);
    return result.ok ? { ip: result.ip, text: formatIP(result.ip) } : undefined;
  }

  private stop(): boolean {
    return (this.steps & 4095) === 0 && this.shouldStop();
  }

  allocate(request: AllocationRequest): AllocationResult | typeof SCAN_ABORTED {
    const preAllocations = this.spec.preAllocations ?? {};
    const ipPreAllocated = Object.prototype.hasOwnProperty.call(preAllocations, request.claimName);
    const preAllocated = ipPreAllocated ? preAllocations[request.claimName]! : '';
    const requestedIP = request.requestedIP ?? '';
    if (requestedIP !== '' && parseIP(requestedIP) === undefined) {
      return { ok: false, error: allocationErrors.invalidRequestedIP(requestedIP) };
    }
    const requested = requestedIP !== '' ? parseIP(requestedIP) : undefined;
    const preAllocatedIP = ipPreAllocated ? parseIP(preAllocated) : undefined;
    if (
      requestedIP !== '' &&
      ipPreAllocated &&
      !(preAllocatedIP && requested!.value === preAllocatedIP.value)
    ) {
      return { ok: false, error: allocationErrors.preAllocationConflict() };
    }
    const pools = this.spec.pools ?? [];
    let allocated: CanonicalIP | undefined;
    let winner = -1;
    let requestedFound = false;
    for (let rangeIndex = 0; rangeIndex < pools.length && allocated === undefined; rangeIndex++) {
      if (ipPreAllocated || requestedIP !== '') {
        for (let index = 0n; allocated === undefined; index++) {
          const candidate = this.candidate(rangeIndex, index);
          if (candidate === undefined) break;
          if (this.stop()) return SCAN_ABORTED;
          if (requestedIP !== '' && !ipEqual(candidate.ip, requested)) continue;
          if (requestedIP !== '') requestedFound = true;
          if (ipPreAllocated && !ipEqual(candidate.ip, preAllocatedIP)) continue;
          if (ipPreAllocated || !this.addresses.has(candidate.text)) allocated = candidate.text;
        }
      } else {
        const picked = this.selectFromRange(rangeIndex);
        if (picked === SCAN_ABORTED) return SCAN_ABORTED;
        allocated = picked;
      }
      if (allocated !== undefined) winner = rangeIndex;
    }
    if (allocated === undefined) {
      if (requestedIP !== '' && requestedFound)
        return { ok: false, error: allocationErrors.requestedNotAvailable() };
      if (ipPreAllocated) return { ok: false, error: allocationErrors.preAllocatedOutOfBounds() };
      return { ok: false, error: allocationErrors.poolExhausted() };
    }
    const range = pools[winner]!;
    let prefix = this.spec.prefix ?? 0;
    let gateway = this.spec.gateway ?? undefined;
    let dnsServers = this.spec.dnsServers ?? undefined;
    if (range.prefix) prefix = range.prefix;
    if (range.gateway !== undefined && range.gateway !== null) gateway = range.gateway;
    if (range.dnsServers && range.dnsServers.length > 0) dnsServers = range.dnsServers;
    this.addresses.set(allocated, request.claimName);
    const source = ipPreAllocated ? 'preallocated' : requestedIP !== '' ? 'requested' : 'dynamic';
    return {
      ok: true,
      allocation: {
        address: allocated,
        prefix,
        ...(gateway !== undefined ? { gateway } : {}),
        ...(dnsServers !== undefined ? { dnsServers: [...dnsServers] } : {}),
        source,
        rangeIndex: winner,
      },
    };
  }

  private selectFromRange(rangeIndex: number): CanonicalIP | undefined | typeof SCAN_ABORTED {
    if (this.spec.allocationStrategy === 'random') {
      const size = rangeSize(this.spec.pools![rangeIndex]!);
      if (!size.ok || size.size <= 0n) return undefined;
      const start = randomIndexBelow(size.size, this.random);
      for (let i = 0n; i < size.size; i++) {
        const candidate = this.candidate(rangeIndex, (start + i) % size.size);
        if (this.stop()) return SCAN_ABORTED;
        if (candidate !== undefined && !this.addresses.has(candidate.text)) return candidate.text;
      }
      return undefined;
    }
    for (let index = 0n; ; index++) {
      const candidate = this.candidate(rangeIndex, index);
      if (candidate === undefined) return undefined;
      if (this.stop()) return SCAN_ABORTED;
      if (!this.addresses.has(candidate.text)) return candidate.text;
    }
  }
}
