// Property-based tests: PoolAllocator against the literal model of upstream (UpstreamScanAllocator)
// and the allocator invariants, over small pools that exercise every generation rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IPPoolSpec, PoolRange } from '../api/types';
import { canonicalIP, formatIP, parseIP } from '../ip/ip';
import { rangeContains } from '../ip/range';
import { PoolAllocator } from './pool-allocator';
import { seededRandom } from './test-support';
import type { AllocationResult } from './types';
import { SCAN_ABORTED, UpstreamScanAllocator } from './upstream-scan';

const rangeTemplates: PoolRange[] = [
  { start: '10.0.0.1', end: '10.0.0.6' },
  { subnet: '10.0.0.0/29' },
  { subnet: '10.0.0.3/29' }, // host bits: starts at .4
  { start: '10.0.0.5', subnet: '10.0.0.0/29' },
  { start: '10.0.0.9', subnet: '10.0.0.0/29' }, // start outside its subnet: yields nothing
  { start: '10.0.0.4', end: '10.0.0.12', prefix: 25, gateway: '10.0.0.254', dnsServers: ['10.0.0.53'] },
  { start: '255.255.255.250' }, // unbounded until IPv4 overflow
  { start: '2001:db8::fffd', end: '2001:db8::1:2', prefix: 64 },
  { subnet: '2001:db8::/125', gateway: '2001:db8::1' },
  { start: '::fffe:ffff:fffe', end: '::ffff:0:1' }, // IPv6 walking into ::ffff:0:0/96 renders 0.0.0.x
  { start: '::fffe:ffff:fffe', subnet: '::/80' }, // ... but an IPv6 subnet excludes those
  { subnet: '0.0.0.0/30' },
  { start: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd' }, // unbounded until IPv6 overflow
  { end: '10.0.0.9' }, // neither start nor subnet
  { start: '10.0.0.8', end: '10.0.0.7' }, // start after end
];

const span = (first: string, count: number): string[] => {
  const base = parseIP(first)!.value;
  return Array.from({ length: count }, (_, i) => formatIP(base + BigInt(i)));
};
const universe = [
  ...span('10.0.0.0', 14),
  ...span('255.255.255.248', 8),
  ...span('2001:db8::fffb', 8),
  ...span('2001:db8::', 9),
  ...span('::fffe:ffff:fffc', 4),
  ...span('0.0.0.0', 5),
  ...span('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffb', 5),
  '192.168.1.1',
];

const claimNames = Array.from({ length: 14 }, (_, i) => `c${i}`);

type Op =
  | { kind: 'allocate'; claim: string; requested: string | undefined }
  | { kind: 'existing'; address: string; claim: string }
  | { kind: 'release'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      claim: fc.constantFrom(...claimNames),
      requested: fc.option(fc.constantFrom(...universe), { freq: 4, nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('existing' as const),
      address: fc.constantFrom(...universe),
      claim: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
);

const specArb: fc.Arbitrary<IPPoolSpec> = fc.record({
  namePrefix: fc.constant('pool'),
  pools: fc.array(fc.constantFrom(...rangeTemplates), { minLength: 1, maxLength: 4 }),
  allocationStrategy: fc.constantFrom('sequential' as const, 'random' as const),
  preAllocations: fc.dictionary(fc.constantFrom(...claimNames), fc.constantFrom(...universe), { maxKeys: 4 }),
  prefix: fc.constantFrom(24, 0),
  gateway: fc.option(fc.constant('10.0.0.1'), { nil: undefined }),
  dnsServers: fc.option(fc.constant(['8.8.8.8']), { nil: undefined }),
});

const scenarioArb = fc.record({
  spec: specArb,
  deleting: fc.boolean(),
  seed: fc.integer(),
  ops: fc.array(opArb, { maxLength: 40 }),
});

describe('PoolAllocator properties', () => {
  it('gives exactly the answers of upstream’s linear scan, step by step (sequential and seeded random)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ spec, deleting, seed, ops }) => {
        const fast = new PoolAllocator(spec, { deleting, random: seededRandom(seed) });
        let budget = 0;
        const slow = new UpstreamScanAllocator(spec, {
          deleting,
          random: seededRandom(seed),
          shouldStop: () => (budget -= 4096) < 0,
        });
        const preAllocated = new Set(deleting ? [] : Object.values(spec.preAllocations ?? {}));
        const holders = new Map<string, string[]>();
        const hold = (address: string, claim: string): void => {
          holders.set(address, [...(holders.get(address) ?? []), claim]);
        };
        const allocated = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === 'existing') {
            fast.markInUse(op.address, op.claim);
            slow.markInUse(op.address, op.claim);
            hold(op.address, op.claim);
          } else if (op.kind === 'release') {
            // Upstream forgets an address whatever else holds it; we only compare the releases
            // where both agree (one holder, not a preAllocation value, claim not preallocated).
            const candidates = [...allocated].filter(
              ([claim, address]) =>
                holders.get(address)?.length === 1 &&
                !preAllocated.has(address) &&
                !Object.prototype.hasOwnProperty.call(spec.preAllocations ?? {}, claim),
            );
            const picked = candidates[op.pick % Math.max(candidates.length, 1)];
            if (!picked) continue;
            const [claim, address] = picked;
            fast.release(address, claim);
            slow.release(address, claim);
            holders.delete(address);
            allocated.delete(claim);
          } else {
            if (allocated.has(op.claim)) continue;
            budget = 400_000;
            const request = { claimName: op.claim, requestedIP: op.requested };
            const expected = slow.allocate(request);
            const actual = fast.allocate(request);
            if (expected === SCAN_ABORTED) return; // upstream would still be scanning
            expect(actual).toEqual(expected);
            if (actual.ok) {
              allocated.set(op.claim, actual.allocation.address);
              hold(actual.allocation.address, op.claim);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('random strategy: same pick as upstream for every claim until the pool is exhausted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...rangeTemplates), { minLength: 1, maxLength: 3 }),
        fc.integer(),
        fc.array(fc.constantFrom(...universe), { maxLength: 6 }),
        (pools, seed, existing) => {
          const spec: IPPoolSpec = { namePrefix: 'p', pools, allocationStrategy: 'random' };
          const fast = new PoolAllocator(spec, { random: seededRandom(seed) });
          let budget = 0;
          const slow = new UpstreamScanAllocator(spec, {
            random: seededRandom(seed),
            shouldStop: () => (budget -= 4096) < 0,
          });
          for (const address of existing) {
            fast.markInUse(address, 'existing');
            slow.markInUse(address, 'existing');
          }
          for (let i = 0; i < 40; i++) {
            budget = 400_000;
            const expected = slow.allocate({ claimName: `c${i}` });
            if (expected === SCAN_ABORTED) return;
            const actual = fast.allocate({ claimName: `c${i}` });
            expect(actual).toEqual(expected);
            if (!actual.ok) return;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never hands out a duplicate, stays inside the winning range and honours preAllocations', () => {
    fc.assert(
      fc.property(scenarioArb, ({ spec, deleting, seed, ops }) => {
        const allocator = new PoolAllocator(spec, { deleting, random: seededRandom(seed) });
        const taken = new Set<string>(
          deleting ? [] : Object.values(spec.preAllocations ?? {}).map((a) => canonicalIP(a)!),
        );
        const allocated = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === 'existing') {
            allocator.markInUse(op.address, op.claim);
            taken.add(canonicalIP(op.address)!);
            continue;
          }
          if (op.kind === 'release' || allocated.has(op.claim)) continue;
          const result: AllocationResult = allocator.allocate({
            claimName: op.claim,
            requestedIP: op.requested,
          });
          const preAllocation = spec.preAllocations?.[op.claim];
          if (!result.ok) {
            if (preAllocation !== undefined && result.error.code === 'PoolExhausted') {
              throw new Error('a preallocated claim can only fail with a preAllocation error');
            }
            continue;
          }
          const { address, rangeIndex, source } = result.allocation;
          expect(rangeContains(spec.pools![rangeIndex]!, parseIP(address)!)).toBe(true);
          if (preAllocation !== undefined) {
            expect(source).toBe('preallocated');
            expect(address).toBe(canonicalIP(preAllocation));
          } else {
            expect(taken.has(address)).toBe(false);
            if (op.requested !== undefined) expect(address).toBe(canonicalIP(op.requested));
          }
          taken.add(address);
          allocated.set(op.claim, address);
        }
        const capacity = allocator.capacity();
        expect(capacity.allocated + capacity.preallocated + capacity.free).toBe(capacity.total);
        expect(capacity.free >= 0n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('deliberate improvements over upstream', () => {
  it('a non-canonical IPv6 preAllocation is reserved canonically (upstream gives it to another claim)', () => {
    const spec: IPPoolSpec = {
      namePrefix: 'p',
      pools: [{ start: '2001:db8::5', end: '2001:db8::9' }],
      preAllocations: { owner: '2001:DB8::0005' },
    };
    const ours = new PoolAllocator(spec).allocate({ claimName: 'other' });
    const upstream = new UpstreamScanAllocator(spec).allocate({ claimName: 'other' });
    expect(ours.ok && ours.allocation.address).toBe('2001:db8::6');
    expect(upstream !== SCAN_ABORTED && upstream.ok && upstream.allocation.address).toBe('2001:db8::5');
  });

  it('a preallocated IP behind IPv6 /64 ranges is found arithmetically (upstream scans 2^64 candidates)', () => {
    const spec: IPPoolSpec = {
      namePrefix: 'p',
      pools: [
        ...Array.from({ length: 9 }, (_, i) => ({ subnet: `2001:db8:${i}::/64` })),
        { subnet: '10.0.0.0/24' },
      ],
      preAllocations: { claim: '10.0.0.200' },
    };
    // A scanning implementation would never return here (the test timeout is the guard).
    const ours = new PoolAllocator(spec).allocate({ claimName: 'claim' });
    expect(ours.ok && ours.allocation).toMatchObject({ address: '10.0.0.200', rangeIndex: 9 });
    let steps = 0;
    const upstream = new UpstreamScanAllocator(spec, { shouldStop: () => (steps += 4096) > 100_000 });
    expect(upstream.allocate({ claimName: 'claim' })).toBe(SCAN_ABORTED);
  });

  // Flat per-claim cost as n grows is a speed property: measured by `npm run bench:ipam`, not timed here.
  it('detects exhaustion of a full /16', () => {
    const spec: IPPoolSpec = { namePrefix: 'p', pools: [{ subnet: '10.0.0.0/16' }] };
    const full = new PoolAllocator(spec);
    for (let i = 1; i <= 65_535; i++) full.markInUse(formatIP(0xffff_0a00_0000n + BigInt(i)), `c${i}`);
    expect(full.allocate({ claimName: 'one-more' })).toEqual({
      ok: false,
      error: { code: 'PoolExhausted', message: 'Exhausted IP Pools' },
    });
  });
});
