import { describe, expect, it } from 'vitest';
import type { IPPoolSpec, PoolRange } from '../api/types';
import { PoolAllocator, randomIndexBelow } from './pool-allocator';
import { scriptedRandom, seededRandom } from './test-support';
import type { AllocationResult } from './types';
import { SCAN_ABORTED, UpstreamScanAllocator } from './upstream-scan';

const pool = (pools: PoolRange[], extra: Partial<IPPoolSpec> = {}): IPPoolSpec => ({
  namePrefix: 'p',
  pools,
  ...extra,
});
const r11to20: PoolRange = { start: '10.0.0.11', end: '10.0.0.20' };

interface Case {
  name: string;
  spec: IPPoolSpec;
  inUse?: Array<[address: string, claim: string]>;
  claim?: string;
  requested?: string;
  deleting?: boolean;
  /** Scripted draws of the [0, 1) source (random strategy). */
  draws?: number[];
  /** A deliberate improvement: upstream's literal algorithm answers differently. */
  upstreamDiffers?: boolean;
  /** address, or `error:<message>` */
  expected: string;
  source?: string;
  rangeIndex?: number;
}

const describeResult = (result: AllocationResult): string =>
  result.ok ? result.allocation.address : `error:${result.error.message}`;

describe('PoolAllocator.allocate', () => {
  const cases: Case[] = [
    // --- sequential strategy
    { name: 'first free address', spec: pool([r11to20]), expected: '10.0.0.11', source: 'dynamic' },
    {
      name: 'skips in-use addresses',
      spec: pool([r11to20]),
      inUse: [
        ['10.0.0.11', 'a'],
        ['10.0.0.12', 'b'],
      ],
      expected: '10.0.0.13',
    },
    {
      name: 'fills the first gap',
      spec: pool([r11to20]),
      inUse: [
        ['10.0.0.11', 'a'],
        ['10.0.0.13', 'b'],
      ],
      expected: '10.0.0.12',
    },
    {
      name: 'exhausted range',
      spec: pool([{ start: '10.0.0.11', end: '10.0.0.12' }]),
      inUse: [
        ['10.0.0.11', 'a'],
        ['10.0.0.12', 'b'],
      ],
      expected: 'error:Exhausted IP Pools',
    },
    {
      name: 'ranges in declaration order',
      spec: pool([
        { start: '10.0.0.100', end: '10.0.0.101' },
        { start: '10.0.0.1', end: '10.0.0.9' },
      ]),
      inUse: [
        ['10.0.0.100', 'a'],
        ['10.0.0.101', 'b'],
      ],
      expected: '10.0.0.1',
      rangeIndex: 1,
    },
    { name: 'no ranges', spec: pool([]), expected: 'error:Exhausted IP Pools' },
    {
      name: 'range without start or subnet yields nothing',
      spec: pool([{ end: '10.0.0.5' }, r11to20]),
      expected: '10.0.0.11',
      rangeIndex: 1,
    },
    {
      name: 'subnet-only starts at written IP + 1',
      spec: pool([{ subnet: '192.168.1.10/24' }]),
      expected: '192.168.1.11',
    },
    {
      name: 'broadcast is allocatable',
      spec: pool([{ start: '192.168.0.254', subnet: '192.168.0.0/24' }]),
      inUse: [['192.168.0.254', 'a']],
      expected: '192.168.0.255',
    },
    {
      name: 'gateway is not skipped',
      spec: pool([{ subnet: '192.168.0.0/24' }], { gateway: '192.168.0.1' }),
      expected: '192.168.0.1',
    },
    {
      name: 'start-only range is unbounded up to overflow',
      spec: pool([{ start: '255.255.255.254' }]),
      inUse: [['255.255.255.254', 'a']],
      expected: '255.255.255.255',
    },
    {
      name: 'start-only range overflows into exhaustion',
      spec: pool([{ start: '255.255.255.254' }]),
      inUse: [
        ['255.255.255.254', 'a'],
        ['255.255.255.255', 'b'],
      ],
      expected: 'error:Exhausted IP Pools',
    },
    {
      name: 'dynamic claims skip other claims’ preAllocations',
      spec: pool([r11to20], { preAllocations: { other: '10.0.0.11' } }),
      expected: '10.0.0.12',
    },
    {
      name: 'deleting pool: preAllocations no longer reserve',
      spec: pool([r11to20], { preAllocations: { other: '10.0.0.11' } }),
      deleting: true,
      expected: '10.0.0.11',
    },
    {
      name: 'IPv6 subnet-only',
      spec: pool([{ subnet: '2001:db8::/64' }]),
      inUse: [['2001:db8::1', 'a']],
      expected: '2001:db8::2',
    },
    {
      name: 'IPv6 in-use given non-canonically',
      spec: pool([{ start: '2001:db8::a', end: '2001:db8::f' }]),
      inUse: [['2001:DB8:0::000A', 'a']],
      expected: '2001:db8::b',
      upstreamDiffers: true,
    },
    {
      name: 'IPv4 range after a full IPv6 range',
      spec: pool([{ start: '2001:db8::1', end: '2001:db8::1' }, { subnet: '10.1.0.0/16' }]),
      inUse: [['2001:db8::1', 'a']],
      expected: '10.1.0.1',
      rangeIndex: 1,
    },
    // --- preAllocations
    {
      name: 'preallocated address',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.15' } }),
      expected: '10.0.0.15',
      source: 'preallocated',
    },
    {
      name: 'preallocated address is taken even while another address object holds it',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.15' } }),
      inUse: [['10.0.0.15', 'someone-else']],
      expected: '10.0.0.15',
      source: 'preallocated',
    },
    {
      name: 'preallocation outside every range',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.50' } }),
      expected: 'error:Pre-allocated IP out of bounds',
    },
    {
      name: 'unparseable preallocation',
      spec: pool([r11to20], { preAllocations: { claim: 'bogus' } }),
      expected: 'error:Pre-allocated IP out of bounds',
    },
    {
      name: 'preallocation in the last of ten ranges behind IPv6 /64s',
      spec: pool(
        [
          ...Array.from({ length: 9 }, (_, i): PoolRange => ({ subnet: `2001:db8:${i}::/64` })),
          { subnet: '10.9.0.0/24' },
        ],
        { preAllocations: { claim: '10.9.0.77' } },
      ),
      expected: '10.9.0.77',
      rangeIndex: 9,
    },
    {
      name: 'non-canonical IPv6 preallocation is matched by value and rendered canonically',
      spec: pool([{ subnet: '2001:db8::/64' }], { preAllocations: { claim: '2001:DB8::0005' } }),
      expected: '2001:db8::5',
    },
    {
      name: 'preallocation before a start outside its subnet is out of bounds (scan stops at first error)',
      spec: pool([{ start: '10.0.1.5', subnet: '10.0.0.0/24' }], { preAllocations: { claim: '10.0.0.7' } }),
      expected: 'error:Pre-allocated IP out of bounds',
    },
    // --- ipAddress annotation
    {
      name: 'requested free address',
      spec: pool([r11to20]),
      requested: '10.0.0.17',
      expected: '10.0.0.17',
      source: 'requested',
    },
    {
      name: 'requested address in use',
      spec: pool([r11to20]),
      inUse: [['10.0.0.17', 'a']],
      requested: '10.0.0.17',
      expected: 'error:Requested IP not available',
    },
    {
      name: 'requested address is another claim’s preAllocation',
      spec: pool([r11to20], { preAllocations: { other: '10.0.0.17' } }),
      requested: '10.0.0.17',
      expected: 'error:Requested IP not available',
    },
    {
      name: 'requested address outside every range',
      spec: pool([r11to20]),
      requested: '10.0.0.99',
      expected: 'error:Exhausted IP Pools',
    },
    {
      name: 'requested address that does not parse',
      spec: pool([r11to20]),
      requested: '10.0.0.300',
      expected: 'error:Invalid ipAddress annotation "10.0.0.300": not a valid IP address',
    },
    {
      name: 'invalid annotation wins over a preAllocation conflict',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.15' } }),
      requested: 'x',
      expected: 'error:Invalid ipAddress annotation "x": not a valid IP address',
    },
    {
      name: 'requested differs from preAllocation',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.15' } }),
      requested: '10.0.0.16',
      expected: 'error:PreAllocation and requested ip address are conflicting',
    },
    {
      name: 'requested equals preAllocation by value',
      spec: pool([{ subnet: '2001:db8::/64' }], { preAllocations: { claim: '2001:db8::5' } }),
      requested: '2001:DB8:0:0::0005',
      expected: '2001:db8::5',
      source: 'preallocated',
    },
    {
      name: 'requested and preallocated but outside every range',
      spec: pool([r11to20], { preAllocations: { claim: '10.0.0.99' } }),
      requested: '10.0.0.99',
      expected: 'error:Pre-allocated IP out of bounds',
    },
    {
      name: 'empty annotation means none',
      spec: pool([r11to20]),
      requested: '',
      expected: '10.0.0.11',
      source: 'dynamic',
    },
    {
      name: 'requested address in a later overlapping range still not available',
      spec: pool([r11to20, { subnet: '10.0.0.0/24' }]),
      inUse: [['10.0.0.12', 'a']],
      requested: '10.0.0.12',
      expected: 'error:Requested IP not available',
    },
    {
      name: 'requested address only in the second range',
      spec: pool([r11to20, { subnet: '10.0.0.0/24' }]),
      requested: '10.0.0.200',
      expected: '10.0.0.200',
      rangeIndex: 1,
    },
    // --- random strategy (start offset = floor(random() * rangeSize))
    {
      name: 'random start offset',
      spec: pool([{ start: '10.0.0.1', end: '10.0.0.10' }], { allocationStrategy: 'random' }),
      draws: [0.5],
      expected: '10.0.0.6',
    },
    {
      name: 'random walks forward past used addresses',
      spec: pool([{ start: '10.0.0.1', end: '10.0.0.10' }], { allocationStrategy: 'random' }),
      inUse: [
        ['10.0.0.6', 'a'],
        ['10.0.0.7', 'b'],
      ],
      draws: [0.5],
      expected: '10.0.0.8',
    },
    {
      name: 'random wraps around',
      spec: pool([{ start: '10.0.0.1', end: '10.0.0.10' }], { allocationStrategy: 'random' }),
      inUse: ['10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9', '10.0.0.10', '10.0.0.1'].map(
        (a): [string, string] => [a, a],
      ),
      draws: [0.5],
      expected: '10.0.0.2',
    },
    {
      name: 'random skips indices that fail (host bits overstate the size)',
      spec: pool([{ subnet: '192.168.0.10/24' }], { allocationStrategy: 'random' }),
      draws: [0.999],
      expected: '192.168.0.11',
    },
    {
      name: 'random: unbounded start-only range yields nothing',
      spec: pool([{ start: '10.0.0.1' }, { start: '10.1.0.1', end: '10.1.0.1' }], {
        allocationStrategy: 'random',
      }),
      draws: [0],
      expected: '10.1.0.1',
      rangeIndex: 1,
    },
    {
      name: 'random: IPv6 /64 (size beyond int64) yields nothing',
      spec: pool([{ subnet: '2001:db8::/64' }], { allocationStrategy: 'random' }),
      draws: [0],
      expected: 'error:Exhausted IP Pools',
    },
    {
      name: 'random: IPv6 /65 works',
      spec: pool([{ subnet: '2001:db8::/65' }], { allocationStrategy: 'random' }),
      draws: [0, 0, 0, 0],
      expected: '2001:db8::1',
    },
    {
      name: 'random: preallocation bypasses randomness',
      spec: pool([{ start: '10.0.0.1', end: '10.0.0.10' }], {
        allocationStrategy: 'random',
        preAllocations: { claim: '10.0.0.3' },
      }),
      draws: [0.5],
      expected: '10.0.0.3',
    },
  ];

  it.each(cases)('$name', (testCase) => {
    const random = (): (() => number) =>
      testCase.draws ? scriptedRandom(...testCase.draws) : seededRandom(1);
    const deleting = testCase.deleting ?? false;
    const allocator = new PoolAllocator(testCase.spec, { deleting, random: random() });
    for (const [address, claim] of testCase.inUse ?? []) allocator.markInUse(address, claim);
    const request = { claimName: testCase.claim ?? 'claim', requestedIP: testCase.requested };
    const result = allocator.allocate(request);
    expect(describeResult(result)).toBe(testCase.expected);
    if (result.ok) {
      if (testCase.source) expect(result.allocation.source).toBe(testCase.source);
      if (testCase.rangeIndex !== undefined) expect(result.allocation.rangeIndex).toBe(testCase.rangeIndex);
      expect(allocator.isInUse(result.allocation.address)).toBe(true);
    }

    // The literal model of upstream must agree, except on deliberate improvements. Its scan is
    // bounded so the IPv6 /64 cases terminate: those are the ones upstream never finishes.
    let budget = 200_000;
    const reference = new UpstreamScanAllocator(testCase.spec, {
      deleting,
      random: random(),
      shouldStop: () => (budget -= 4096) < 0,
    });
    for (const [address, claim] of testCase.inUse ?? []) reference.markInUse(address, claim);
    const upstream = reference.allocate(request);
    if (upstream === SCAN_ABORTED) return;
    if (testCase.upstreamDiffers) expect(describeResult(upstream)).not.toBe(testCase.expected);
    else expect(upstream).toEqual(result);
  });

  it('error codes', () => {
    const allocator = new PoolAllocator(
      pool([r11to20], { preAllocations: { a: '10.0.0.1', b: '10.0.0.15' } }),
    );
    const codes = [
      allocator.allocate({ claimName: 'a' }),
      allocator.allocate({ claimName: 'b', requestedIP: '10.0.0.16' }),
      allocator.allocate({ claimName: 'c', requestedIP: 'nope' }),
      allocator.allocate({ claimName: 'c', requestedIP: '10.0.0.15' }),
      allocator.allocate({ claimName: 'c', requestedIP: '10.0.0.1' }),
    ].map((result) => (result.ok ? 'ok' : result.error.code));
    expect(codes).toEqual([
      'PreAllocatedOutOfBounds',
      'PreAllocationConflict',
      'InvalidRequestedIP',
      'RequestedNotAvailable',
      'PoolExhausted',
    ]);
  });
});

describe('PoolAllocator overrides', () => {
  const spec = pool(
    [
      { start: '10.0.0.1', end: '10.0.0.1', prefix: 0, dnsServers: [] },
      { start: '10.0.1.1', end: '10.0.1.9', prefix: 26, gateway: '10.0.1.254', dnsServers: ['10.0.1.53'] },
    ],
    { prefix: 24, gateway: '10.0.0.254', dnsServers: ['8.8.8.8'], preAllocations: { pre: '10.0.1.5' } },
  );

  it.each([
    [
      'first range keeps spec defaults (prefix 0 and empty DNS are "unset")',
      'a',
      { address: '10.0.0.1', prefix: 24, gateway: '10.0.0.254', dnsServers: ['8.8.8.8'] },
    ],
    [
      'second range overrides everything',
      'b',
      { address: '10.0.1.1', prefix: 26, gateway: '10.0.1.254', dnsServers: ['10.0.1.53'] },
    ],
    [
      'a preallocated claim takes its range’s overrides',
      'pre',
      { address: '10.0.1.5', prefix: 26, gateway: '10.0.1.254', dnsServers: ['10.0.1.53'] },
    ],
  ])('%s', (_name, claimName, expected) => {
    const allocator = new PoolAllocator(spec);
    if (claimName === 'b') allocator.markInUse('10.0.0.1', 'a');
    const result = allocator.allocate({ claimName });
    expect(result.ok && result.allocation).toMatchObject(expected);
  });

  it('an empty-string gateway on a range is "set" (Go pointer) and overrides', () => {
    const allocator = new PoolAllocator(
      pool([{ subnet: '10.0.0.0/24', gateway: '' }], { gateway: '10.0.0.1' }),
    );
    const result = allocator.allocate({ claimName: 'a' });
    expect(result.ok && result.allocation.gateway).toBe('');
  });

  it('omits gateway and dnsServers when neither spec nor range sets them', () => {
    const result = new PoolAllocator(pool([r11to20])).allocate({ claimName: 'a' });
    expect(result).toEqual({
      ok: true,
      allocation: { address: '10.0.0.11', prefix: 0, source: 'dynamic', rangeIndex: 0 },
    });
  });
});

describe('PoolAllocator lifecycle', () => {
  it('release frees an address for the next claim', () => {
    const allocator = new PoolAllocator(pool([r11to20]));
    allocator.markInUse('10.0.0.11', 'a');
    allocator.release('10.0.0.11', 'a');
    expect(allocator.isInUse('10.0.0.11')).toBe(false);
    expect(describeResult(allocator.allocate({ claimName: 'b' }))).toBe('10.0.0.11');
  });

  it('release keeps the address of a claim that has a preAllocation (upstream behaviour)', () => {
    const allocator = new PoolAllocator(pool([r11to20], { preAllocations: { a: '10.0.0.15' } }));
    allocator.markInUse('10.0.0.12', 'a');
    allocator.release('10.0.0.12', 'a');
    expect(allocator.isInUse('10.0.0.12')).toBe(true);
    expect(allocator.isInUse('10.0.0.15')).toBe(true);
  });

  it('release keeps a preAllocation reserved even when a non-preallocated holder goes away', () => {
    const allocator = new PoolAllocator(pool([r11to20], { preAllocations: { owner: '10.0.0.15' } }));
    allocator.markInUse('10.0.0.15', 'squatter');
    allocator.release('10.0.0.15', 'squatter');
    expect(allocator.isInUse('10.0.0.15')).toBe(true);
  });

  it('an address held by two objects stays in use until both are released', () => {
    const allocator = new PoolAllocator(pool([r11to20]));
    allocator.markInUse('10.0.0.11', 'metal3-claim');
    allocator.markInUse('10.0.0.11', 'capi-claim');
    allocator.release('10.0.0.11', 'metal3-claim');
    expect(allocator.isInUse('10.0.0.11')).toBe(true);
    allocator.release('10.0.0.11', 'capi-claim');
    expect(allocator.isInUse('10.0.0.11')).toBe(false);
  });

  it('one in-use set across claim kinds: a Metal3 then a CAPI claim get consecutive addresses', () => {
    const allocator = new PoolAllocator(pool([r11to20]));
    const results = ['ipclaim', 'ipaddressclaim'].map((claimName) =>
      describeResult(allocator.allocate({ claimName })),
    );
    expect(results).toEqual(['10.0.0.11', '10.0.0.12']);
  });

  it('unparseable in-use addresses are remembered but never collide with candidates', () => {
    const allocator = new PoolAllocator(pool([r11to20]));
    allocator.markInUse('garbage', 'x');
    expect(allocator.isInUse('garbage')).toBe(true);
    expect(describeResult(allocator.allocate({ claimName: 'a' }))).toBe('10.0.0.11');
    allocator.release('garbage', 'x');
    expect(allocator.isInUse('garbage')).toBe(false);
  });
});

describe('PoolAllocator capacity', () => {
  it.each<[string, IPPoolSpec, Array<[string, string]>, [bigint, bigint, bigint, bigint]]>([
    [
      'subnet-only /24',
      pool([{ subnet: '10.0.0.0/24' }], { preAllocations: { p: '10.0.0.9', q: '10.0.0.1' } }),
      [
        ['10.0.0.1', 'q'],
        ['10.0.0.2', 'a'],
      ],
      [255n, 2n, 1n, 252n],
    ],
    [
      'overlapping ranges count once',
      pool([r11to20, { start: '10.0.0.15', end: '10.0.0.30' }]),
      [],
      [20n, 0n, 0n, 20n],
    ],
    [
      'addresses outside the ranges are not counted',
      pool([r11to20]),
      [['192.168.0.1', 'a']],
      [10n, 0n, 0n, 10n],
    ],
    [
      'IPv6 /64 is exact',
      pool([{ subnet: '2001:db8::/64' }]),
      [['2001:db8::1', 'a']],
      [(1n << 64n) - 1n, 1n, 0n, (1n << 64n) - 2n],
    ],
    [
      'random: /64 has no dynamic capacity',
      pool([{ subnet: '2001:db8::/64' }], { allocationStrategy: 'random' }),
      [],
      [0n, 0n, 0n, 0n],
    ],
    [
      'random: host bits do not count',
      pool([{ subnet: '10.0.0.10/24' }], { allocationStrategy: 'random' }),
      [],
      [245n, 0n, 0n, 245n],
    ],
  ])('%s', (_name, spec, inUse, [total, allocated, preallocated, free]) => {
    const allocator = new PoolAllocator(spec);
    for (const [address, claim] of inUse) allocator.markInUse(address, claim);
    expect(allocator.capacity()).toEqual({ total, allocated, preallocated, free });
  });
});

describe('randomIndexBelow', () => {
  it.each([
    [10n, 0, 0n],
    [10n, 0.999999, 9n],
    [1n, 0.7, 0n],
  ])('size %s, draw %s → %s', (size, draw, expected) => {
    expect(randomIndexBelow(size, () => draw)).toBe(expected);
  });

  it('covers sizes beyond 2^53 and stays below size', () => {
    const size = (1n << 63n) - 1n;
    const random = seededRandom(7);
    const draws = Array.from({ length: 200 }, () => randomIndexBelow(size, random));
    expect(draws.every((d) => d >= 0n && d < size)).toBe(true);
    expect(draws.some((d) => d > 1n << 62n)).toBe(true);
    expect(new Set(draws).size).toBe(200);
  });
});
