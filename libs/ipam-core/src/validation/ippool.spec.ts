import { describe, expect, it } from 'vitest';
import type { IPPool, IPPoolSpec, IPPoolStatus } from '../api/types';
import { errorText } from './field-error';
import { defaultIPPool, isAddressInPoolBounds, validateIPPoolCreate, validateIPPoolUpdate } from './ippool';
import type { ValidationResult } from './result';

function pool(spec: Partial<IPPoolSpec>, status?: IPPoolStatus): IPPool {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name: 'p', namespace: 'foo' },
    spec: { namePrefix: 'abcd', ...spec },
    ...(status ? { status } : {}),
  };
}

/** The rejection as `field: Invalid value: ...` lines ([] when allowed). */
function lines(result: ValidationResult): string[] {
  if (result.allowed) return [];
  if (result.reason !== 'Invalid') throw new Error('unexpected bad request');
  return result.errors.map(errorText);
}

const NOT_IP = 'is not a valid IP address';

describe('IPPool create: upstream TestIPPoolValidation cases, with their exact errors', () => {
  const start = '192.168.0.10';
  const end = '192.168.0.20';
  const cases: Array<[string, Partial<IPPoolSpec>, string[]]> = [
    ['values and templates correct', {}, []],
    ['start <= end', { pools: [{ start, end }] }, []],
    ['start == end', { pools: [{ start, end: start }] }, []],
    [
      'start > end',
      { pools: [{ start: '192.168.0.149', end: '192.168.0.140' }] },
      ['spec.pools[0]: Invalid value: "": end IP 192.168.0.140 is before start IP 192.168.0.149'],
    ],
    ['only start', { pools: [{ start }] }, []],
    ['only end', { pools: [{ end }] }, []],
    [
      'one pool with an invalid range',
      {
        pools: [
          { start, end },
          { start: '192.168.0.149', end: '192.168.0.140' },
        ],
      },
      ['spec.pools[1]: Invalid value: "": end IP 192.168.0.140 is before start IP 192.168.0.149'],
    ],
    [
      'malformed start',
      { pools: [{ start: 'not-an-ip', end }] },
      ['spec.pools[0]: Invalid value: "": invalid Start IP "not-an-ip"'],
    ],
    [
      'invalid IP format in start',
      { pools: [{ start: '256.256.256.256', end }] },
      ['spec.pools[0]: Invalid value: "": invalid Start IP "256.256.256.256"'],
    ],
    [
      'malformed end',
      { pools: [{ start, end: 'not-an-ip' }] },
      ['spec.pools[0]: Invalid value: "": invalid End IP "not-an-ip"'],
    ],
    [
      'malformed gateway',
      { gateway: 'invalid-gateway' },
      [`spec.gateway: Invalid value: "invalid-gateway": ${NOT_IP}`],
    ],
    [
      'malformed DNS server',
      { dnsServers: ['not-an-ip'] },
      [`spec.dnsServers[0]: Invalid value: "not-an-ip": ${NOT_IP}`],
    ],
    [
      'malformed preAllocation (also out of bounds: no pools)',
      { preAllocations: { test: 'not-an-ip' } },
      [
        `spec.preAllocations.test: Invalid value: "not-an-ip": ${NOT_IP}`,
        'spec.preAllocations: Invalid value: "not-an-ip": is out of bonds of the pools given',
      ],
    ],
    [
      'malformed subnet',
      { pools: [{ subnet: 'not-a-cidr' }] },
      ['spec.pools[0]: Invalid value: "": invalid Subnet "not-a-cidr": invalid CIDR address: not-a-cidr'],
    ],
    [
      'malformed pool gateway (entry without range fields is reported empty first)',
      { pools: [{ gateway: 'invalid-gateway' }] },
      ['spec.pools[0]: Invalid value: "": pool entry must specify at least one of start, end, or subnet'],
    ],
    [
      'malformed pool DNS server (entry without range fields is reported empty first)',
      { pools: [{ dnsServers: ['not-an-ip'] }] },
      ['spec.pools[0]: Invalid value: "": pool entry must specify at least one of start, end, or subnet'],
    ],
    ['valid gateway', { gateway: '192.168.0.1' }, []],
    [
      'unique preAllocations',
      {
        pools: [{ subnet: '192.168.0.0/24' }],
        preAllocations: { claim1: '192.168.0.10', claim2: '192.168.0.11', claim3: '192.168.0.12' },
      },
      [],
    ],
    [
      'preAllocation outside the declared pools',
      { pools: [{ subnet: '192.168.0.0/24' }], preAllocations: { claim1: '10.0.0.5' } },
      ['spec.preAllocations: Invalid value: "10.0.0.5": is out of bonds of the pools given'],
    ],
    ['random with start and end', { allocationStrategy: 'random', pools: [{ start, end }] }, []],
    ['random with subnet only', { allocationStrategy: 'random', pools: [{ subnet: '192.168.0.0/24' }] }, []],
    [
      'random with start and subnet',
      { allocationStrategy: 'random', pools: [{ start, subnet: '192.168.0.0/24' }] },
      [],
    ],
    [
      'random with start only',
      { allocationStrategy: 'random', pools: [{ start }] },
      [
        'spec.pools[0]: Invalid value: "": cannot be used with allocationStrategy "random": pool with Start requires End or Subnet to determine size',
      ],
    ],
    [
      'random with one unbounded pool',
      { allocationStrategy: 'random', pools: [{ start, end }, { start }] },
      [
        'spec.pools[1]: Invalid value: "": cannot be used with allocationStrategy "random": pool with Start requires End or Subnet to determine size',
      ],
    ],
    [
      'random with a pool too large to index',
      { allocationStrategy: 'random', pools: [{ subnet: '2001:db8::/32' }] },
      [
        'spec.pools[0]: Invalid value: "": cannot be used with allocationStrategy "random": pool size exceeds int range',
      ],
    ],
    ['sequential with start only', { allocationStrategy: 'sequential', pools: [{ start }] }, []],
    [
      'two claims with the same preAllocated IP',
      { pools: [{ start }], preAllocations: { claim1: '192.168.0.10', claim2: '192.168.0.10' } },
      [
        'spec.preAllocations.claim2: Invalid value: "192.168.0.10": IP address is already pre-allocated to claim "claim1"',
      ],
    ],
    [
      'IPv6 preAllocations differing only in text form',
      {
        pools: [{ start }],
        preAllocations: { claim1: '2001:db8::1', claim2: '2001:0db8:0000:0000:0000:0000:0000:0001' },
      },
      [
        'spec.preAllocations.claim2: Invalid value: "2001:0db8:0000:0000:0000:0000:0000:0001": IP address is already pre-allocated to claim "claim1"',
      ],
    ],
    [
      'genuinely different IPv6 preAllocations',
      {
        pools: [{ subnet: '2001:db8::/32' }],
        preAllocations: { claim1: '2001:db8::1', claim2: '2001:db8::2' },
      },
      [],
    ],
  ];
  it.each(cases)('%s', (_name, spec, expected) => {
    expect(lines(validateIPPoolCreate(pool(spec)))).toEqual(expected);
  });
});

describe('IPPool create: address fields', () => {
  it.each<[string, Partial<IPPoolSpec>, string[]]>([
    ['empty gateway is accepted', { gateway: '' }, []],
    ['IPv6 gateway', { gateway: '2001:db8::1' }, []],
    [
      'IPv6 gateway with zone is rejected',
      { gateway: 'fe80::1%eth0' },
      [`spec.gateway: Invalid value: "fe80::1%eth0": ${NOT_IP}`],
    ],
    [
      'IPv4 with leading zero is rejected',
      { gateway: '10.0.0.01' },
      [`spec.gateway: Invalid value: "10.0.0.01": ${NOT_IP}`],
    ],
    [
      'every bad DNS server, by index',
      { dnsServers: ['8.8.8.8', 'x', '2001:db8::53', 'fe80::zz'] },
      [
        `spec.dnsServers[1]: Invalid value: "x": ${NOT_IP}`,
        `spec.dnsServers[3]: Invalid value: "fe80::zz": ${NOT_IP}`,
      ],
    ],
    [
      'per-range gateway and DNS servers',
      { pools: [{ start: '10.0.0.1', gateway: '10.0.0.300', dnsServers: ['1.1.1.1', '2001:db8::g'] }] },
      [
        `spec.pools[0].gateway: Invalid value: "10.0.0.300": ${NOT_IP}`,
        `spec.pools[0].dnsServers[1]: Invalid value: "2001:db8::g": ${NOT_IP}`,
      ],
    ],
    [
      'JSON rendering of a value with HTML characters',
      { gateway: '<gw>' },
      [`spec.gateway: Invalid value: "\\u003cgw\\u003e": ${NOT_IP}`],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(lines(validateIPPoolCreate(pool(spec)))).toEqual(expected);
  });
});

describe('IPPool create: pool entries', () => {
  it.each<[string, Partial<IPPoolSpec>, string[]]>([
    [
      'empty entries, by index, with null fields counting as absent',
      { pools: [{ start: '10.0.0.1' }, {}, { start: null as unknown as string, prefix: 24 }] },
      [
        'spec.pools[1]: Invalid value: "": pool entry must specify at least one of start, end, or subnet',
        'spec.pools[2]: Invalid value: "": pool entry must specify at least one of start, end, or subnet',
      ],
    ],
    [
      'an empty-string start is set (and invalid)',
      { pools: [{ start: '' }] },
      ['spec.pools[0]: Invalid value: "": invalid Start IP ""'],
    ],
    [
      'only the first range problem is reported',
      { pools: [{ start: 'a', end: 'b', subnet: 'c' }] },
      ['spec.pools[0]: Invalid value: "": invalid Start IP "a"'],
    ],
    [
      'range problem plus per-range address errors',
      { pools: [{ start: '10.0.0.9', end: '10.0.0.1', gateway: 'gw' }] },
      [
        'spec.pools[0]: Invalid value: "": end IP 10.0.0.1 is before start IP 10.0.0.9',
        `spec.pools[0].gateway: Invalid value: "gw": ${NOT_IP}`,
      ],
    ],
    [
      'IPv6 start > end, rendered canonically',
      { pools: [{ start: '2001:DB8::0010', end: '2001:db8::1' }] },
      ['spec.pools[0]: Invalid value: "": end IP 2001:db8::1 is before start IP 2001:db8::10'],
    ],
    [
      'start > end compares 128-bit values: IPv6 ::1 is before any IPv4',
      { pools: [{ start: '10.0.0.1', end: '::1' }] },
      ['spec.pools[0]: Invalid value: "": end IP ::1 is before start IP 10.0.0.1'],
    ],
    [
      'invalid IPv6 subnet prefix',
      { pools: [{ subnet: '2001:db8::/129' }] },
      [
        'spec.pools[0]: Invalid value: "": invalid Subnet "2001:db8::/129": invalid CIDR address: 2001:db8::/129',
      ],
    ],
    [
      'quoting in range messages follows %q',
      { pools: [{ start: 'a"b' }] },
      ['spec.pools[0]: Invalid value: "": invalid Start IP "a\\"b"'],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(lines(validateIPPoolCreate(pool(spec)))).toEqual(expected);
  });
});

describe('IPPool create: random strategy needs a finite range', () => {
  const prefix = 'cannot be used with allocationStrategy "random"';
  it.each<[string, Partial<IPPoolSpec>['pools'], string[]]>([
    ['IPv4 start+end', [{ start: '10.0.0.1', end: '10.0.0.9' }], []],
    ['IPv6 start+end', [{ start: '2001:db8::1', end: '2001:db8::ff' }], []],
    ['IPv6 /65 subnet fits an int', [{ subnet: '2001:db8::/65' }], []],
    [
      'IPv6 /64 subnet overflows',
      [{ subnet: '2001:db8::/64' }],
      [`spec.pools[0]: Invalid value: "": ${prefix}: pool size exceeds int range`],
    ],
    [
      'IPv6 start+end wider than an int',
      [{ start: '::', end: 'ffff::' }],
      [`spec.pools[0]: Invalid value: "": ${prefix}: pool size exceeds int range`],
    ],
    ['IPv4 /0 subnet', [{ subnet: '0.0.0.0/0' }], []],
    [
      'end only',
      [{ end: '10.0.0.9' }],
      [`spec.pools[0]: Invalid value: "": ${prefix}: either Start or Subnet is required for ipAddress`],
    ],
    [
      'IPv6 start only',
      [{ start: '2001:db8::1' }],
      [
        `spec.pools[0]: Invalid value: "": ${prefix}: pool with Start requires End or Subnet to determine size`,
      ],
    ],
    [
      'start after the end of its subnet',
      [{ start: '10.0.1.5', subnet: '10.0.0.0/24' }],
      [`spec.pools[0]: Invalid value: "": ${prefix}: end IP 10.0.0.255 is before start IP 10.0.1.5`],
    ],
    [
      'not checked when the entry already has an error',
      [{ start: '10.0.0.1', gateway: 'bad' }],
      [`spec.pools[0].gateway: Invalid value: "bad": ${NOT_IP}`],
    ],
    [
      'checked when only other entries or spec-level fields have errors',
      [{ start: 'bad' }, { start: '10.0.0.1' }],
      [
        'spec.pools[0]: Invalid value: "": invalid Start IP "bad"',
        `spec.pools[1]: Invalid value: "": ${prefix}: pool with Start requires End or Subnet to determine size`,
      ],
    ],
  ])('%s', (_name, pools, expected) => {
    expect(
      lines(validateIPPoolCreate(pool({ allocationStrategy: 'random', pools, gateway: 'also-bad' }))),
    ).toEqual([`spec.gateway: Invalid value: "also-bad": ${NOT_IP}`, ...expected]);
  });
});

describe('IPPool preAllocations: duplicates', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'the first claim in name order owns the address, every later one is reported',
      { zeta: '10.0.0.5', alpha: '10.0.0.5', mid: '10.0.0.5' },
      [
        'spec.preAllocations.mid: Invalid value: "10.0.0.5": IP address is already pre-allocated to claim "alpha"',
        'spec.preAllocations.zeta: Invalid value: "10.0.0.5": IP address is already pre-allocated to claim "alpha"',
      ],
    ],
    [
      'IPv6 compressed vs expanded vs upper case',
      { a: '2001:db8::a', b: '2001:DB8:0:0:0:0:0:A' },
      [
        'spec.preAllocations.b: Invalid value: "2001:DB8:0:0:0:0:0:A": IP address is already pre-allocated to claim "a"',
      ],
    ],
    [
      'IPv4 and its IPv4-mapped IPv6 form are different netip addresses',
      { a: '10.0.0.5', b: '::ffff:10.0.0.5' },
      [],
    ],
    [
      'invalid values are not compared',
      { a: 'x', b: 'x' },
      [
        `spec.preAllocations.a: Invalid value: "x": ${NOT_IP}`,
        `spec.preAllocations.b: Invalid value: "x": ${NOT_IP}`,
      ],
    ],
    [
      'two empty values collide (Go zero Addr)',
      { a: '', b: '' },
      ['spec.preAllocations.b: Invalid value: "": IP address is already pre-allocated to claim "a"'],
    ],
  ])('%s', (_name, preAllocations, expected) => {
    const spec = { pools: [{ start: '0.0.0.0' }, { start: '::' }], preAllocations };
    const result = lines(validateIPPoolCreate(pool(spec))).filter((line) => !line.includes('out of bonds'));
    expect(result).toEqual(expected);
  });
});

describe('IPPool preAllocations: bounds (netip ordering)', () => {
  it.each<[string, Partial<IPPoolSpec>['pools'], string, boolean]>([
    ['inside start..end', [{ start: '10.0.0.1', end: '10.0.0.9' }], '10.0.0.5', true],
    ['equal to start and end', [{ start: '10.0.0.5', end: '10.0.0.5' }], '10.0.0.5', true],
    ['below start', [{ start: '10.0.0.6', end: '10.0.0.9' }], '10.0.0.5', false],
    ['above end', [{ start: '10.0.0.1', end: '10.0.0.4' }], '10.0.0.5', false],
    ['IPv6 above an IPv4 start with no end (IPv4 sorts first)', [{ start: '10.0.0.1' }], '2001:db8::1', true],
    ['IPv6 above an IPv4 end', [{ end: '10.0.0.9' }], '2001:db8::1', false],
    ['IPv4 below an IPv6 start', [{ start: '::1' }], '10.0.0.1', false],
    ['IPv4 below an IPv6 end with no start', [{ end: '::1' }], '255.255.255.255', true],
    ['IPv4 inside an IPv4 subnet', [{ subnet: '10.0.0.0/24' }], '10.0.0.0', true],
    ['subnet-only ignores the +1 start and host bits', [{ subnet: '10.0.0.7/24' }], '10.0.0.1', true],
    ['IPv4 never inside an IPv6 subnet', [{ subnet: '::/0' }], '10.0.0.1', false],
    ['IPv6 inside an IPv6 subnet', [{ subnet: '2001:db8::/64' }], '2001:db8::ffff', true],
    ['IPv6 outside an IPv6 subnet', [{ subnet: '2001:db8::/64' }], '2001:db8:0:1::1', false],
    [
      'IPv4-mapped text is IPv6 for ordering',
      [{ start: '10.0.0.1', end: '10.0.0.9' }],
      '::ffff:10.0.0.5',
      false,
    ],
    ['IPv4-mapped text is IPv4 for subnets', [{ subnet: '10.0.0.0/24' }], '::ffff:10.0.0.5', true],
    ['zoned address passes start/end', [{ start: 'fe80::1', end: 'fe80::9' }], 'fe80::5%eth0', true],
    ['zoned address is never inside a subnet', [{ subnet: 'fe80::/64' }], 'fe80::5%eth0', false],
    ['second range matches', [{ subnet: '10.0.0.0/24' }, { subnet: '2001:db8::/64' }], '2001:db8::5', true],
    ['invalid ranges are skipped', [{ start: 'bad' }, { subnet: 'bad' }], '10.0.0.1', false],
    ['empty ranges are skipped', [{}], '10.0.0.1', false],
    ['no ranges', [], '10.0.0.1', false],
    ['unparsable address', [{ start: '10.0.0.1' }], 'nope', false],
  ])('%s', (_name, pools, address, inBounds) => {
    expect(isAddressInPoolBounds(pools, address)).toBe(inBounds);
  });

  it('reports every out-of-bounds value on create with the upstream typo, in claim-name order', () => {
    const spec = {
      pools: [{ subnet: '2001:db8::/64' }],
      preAllocations: { b: '10.0.0.1', a: '2001:db9::1', c: '2001:db8::1' },
    };
    expect(lines(validateIPPoolCreate(pool(spec)))).toEqual([
      'spec.preAllocations: Invalid value: "2001:db9::1": is out of bonds of the pools given',
      'spec.preAllocations: Invalid value: "10.0.0.1": is out of bonds of the pools given',
    ]);
  });
});

describe('IPPool update: upstream TestIPPoolUpdateValidation cases, with their exact errors', () => {
  const start = '192.168.0.1';
  const end = '192.168.0.10';
  const cases: Array<[string, Partial<IPPoolSpec>, Partial<IPPoolSpec>, IPPoolStatus | undefined, string[]]> =
    [
      ['values and templates correct', {}, {}, undefined, []],
      [
        'namePrefix changes',
        { namePrefix: 'abcde' },
        { namePrefix: 'abcd' },
        undefined,
        ['spec.namePrefix: Invalid value: "abcde": cannot be modified'],
      ],
      [
        'updating to an invalid range',
        { pools: [{ start: '192.168.0.149', end: '192.168.0.140' }] },
        {},
        undefined,
        ['spec.pools[0]: Invalid value: "": end IP 192.168.0.140 is before start IP 192.168.0.149'],
      ],
      ['updating to a valid range', { pools: [{ start, end }] }, {}, undefined, []],
      [
        'preAllocations between start and end',
        { pools: [{ start, end }], preAllocations: { alloc: '192.168.0.2' } },
        {},
        { indexes: { inuse: '192.168.0.3' } },
        [],
      ],
      [
        'preAllocations out of start and end',
        { pools: [{ start, end }], preAllocations: { alloc: '192.168.0.20' } },
        {},
        { indexes: { inuse: '192.168.0.3' } },
        ['spec.preAllocations: Invalid value: "192.168.0.20": is out of bounds of the pools given'],
      ],
      [
        'preAllocations in the cidr',
        { pools: [{ subnet: '192.168.0.1/25' }], preAllocations: { alloc: '192.168.0.2' } },
        {},
        { indexes: { inuse: '192.168.0.3' } },
        [],
      ],
      [
        'preAllocations out of the cidr',
        { pools: [{ subnet: '192.168.0.1/25' }], preAllocations: { alloc: '192.168.0.250' } },
        {},
        { indexes: { inuse: '192.168.0.3' } },
        ['spec.preAllocations: Invalid value: "192.168.0.250": is out of bounds of the pools given'],
      ],
      [
        'allocationStrategy changes',
        { allocationStrategy: 'random' },
        { allocationStrategy: 'sequential' },
        undefined,
        ['spec.allocationStrategy: Invalid value: "random": cannot be modified after creation'],
      ],
      [
        'allocationStrategy stays the same',
        { allocationStrategy: 'random' },
        { allocationStrategy: 'random' },
        undefined,
        [],
      ],
      [
        'ip in use',
        { pools: [{ start, end }], preAllocations: { alloc: '192.168.0.2' } },
        {},
        { indexes: { inuse: '192.168.0.30' } },
        ['spec.pools: Invalid value: "192.168.0.30": is in use but out of bounds of the pools given'],
      ],
      [
        'unique preAllocation IPs',
        { pools: [{ start, end }], preAllocations: { claim1: '192.168.0.2', claim2: '192.168.0.3' } },
        { pools: [{ start, end }] },
        undefined,
        [],
      ],
      [
        'duplicate preAllocation IPs',
        { pools: [{ start, end }], preAllocations: { claim1: '192.168.0.2', claim2: '192.168.0.2' } },
        { pools: [{ start, end }] },
        undefined,
        [
          'spec.preAllocations.claim2: Invalid value: "192.168.0.2": IP address is already pre-allocated to claim "claim1"',
        ],
      ],
      [
        'IPv6 duplicates with a different text form (and outside the IPv4 range)',
        {
          pools: [{ start, end }],
          preAllocations: { claim1: '2001:db8::1', claim2: '2001:0db8:0000:0000:0000:0000:0000:0001' },
        },
        { pools: [{ subnet: '2001:db8::/64' }] },
        undefined,
        [
          'spec.preAllocations.claim2: Invalid value: "2001:0db8:0000:0000:0000:0000:0000:0001": IP address is already pre-allocated to claim "claim1"',
          'spec.preAllocations: Invalid value: "2001:db8::1": is out of bounds of the pools given',
          'spec.preAllocations: Invalid value: "2001:0db8:0000:0000:0000:0000:0000:0001": is out of bounds of the pools given',
        ],
      ],
      [
        'genuinely different IPv6 preAllocations',
        {
          pools: [{ subnet: '2001:db8::/64' }],
          preAllocations: { claim1: '2001:db8::1', claim2: '2001:db8::2' },
        },
        { pools: [{ subnet: '2001:db8::/64' }] },
        undefined,
        [],
      ],
    ];
  it.each(cases)('%s', (_name, newSpec, oldSpec, oldStatus, expected) => {
    expect(lines(validateIPPoolUpdate(pool(oldSpec, oldStatus), pool(newSpec)))).toEqual(expected);
  });
});

describe('IPPool update: immutable fields and in-use addresses', () => {
  it.each<[string, Partial<IPPoolSpec>, Partial<IPPoolSpec>, string[]]>([
    ['empty strategy equals sequential (old empty)', { allocationStrategy: 'sequential' }, {}, []],
    ['empty strategy equals sequential (new empty)', {}, { allocationStrategy: 'sequential' }, []],
    [
      'empty to random',
      { allocationStrategy: 'random' },
      {},
      ['spec.allocationStrategy: Invalid value: "random": cannot be modified after creation'],
    ],
    [
      'random to empty reports the raw empty value',
      { allocationStrategy: '' as 'sequential' },
      { allocationStrategy: 'random' },
      ['spec.allocationStrategy: Invalid value: "": cannot be modified after creation'],
    ],
    [
      'namePrefix cleared',
      { namePrefix: '' },
      { namePrefix: 'abcd' },
      ['spec.namePrefix: Invalid value: "": cannot be modified'],
    ],
    ['clusterName may change (no check on the main branch)', { clusterName: 'b' }, { clusterName: 'a' }, []],
    [
      'prefix, gateway and dnsServers may change',
      { prefix: 24, gateway: '10.0.0.1', dnsServers: ['10.0.0.53'] },
      { prefix: 16 },
      [],
    ],
  ])('%s', (_name, newSpec, oldSpec, expected) => {
    expect(lines(validateIPPoolUpdate(pool(oldSpec), pool(newSpec)))).toEqual(expected);
  });

  it('checks the OLD status.indexes against the NEW ranges, IPv4 and IPv6, in claim-name order', () => {
    const oldPool = pool(
      { pools: [{ subnet: '10.0.0.0/24' }, { subnet: '2001:db8::/64' }] },
      {
        indexes: { 'c-v6': '2001:db8::5', 'b-v4': '10.0.0.200', 'a-v4': '10.0.0.5', 'd-v6': '2001:db8::500' },
      },
    );
    const newPool = pool(
      {
        pools: [
          { start: '10.0.0.1', end: '10.0.0.100' },
          { start: '2001:db8::1', end: '2001:db8::ff' },
        ],
      },
      {
        indexes: { other: '192.168.0.1' },
      },
    );
    expect(lines(validateIPPoolUpdate(oldPool, newPool))).toEqual([
      'spec.pools: Invalid value: "10.0.0.200": is in use but out of bounds of the pools given',
      'spec.pools: Invalid value: "2001:db8::500": is in use but out of bounds of the pools given',
    ]);
  });

  it('orders errors as upstream: namePrefix, strategy, ranges, preAllocations, in-use', () => {
    const oldPool = pool(
      { namePrefix: 'a', allocationStrategy: 'sequential' },
      { indexes: { x: '10.9.9.9' } },
    );
    const newPool = pool({
      namePrefix: 'b',
      allocationStrategy: 'random',
      gateway: 'gw',
      pools: [{ subnet: '10.0.0.0/24' }],
      preAllocations: { y: '10.1.1.1' },
    });
    expect(lines(validateIPPoolUpdate(oldPool, newPool))).toEqual([
      'spec.namePrefix: Invalid value: "b": cannot be modified',
      'spec.allocationStrategy: Invalid value: "random": cannot be modified after creation',
      `spec.gateway: Invalid value: "gw": ${NOT_IP}`,
      'spec.preAllocations: Invalid value: "10.1.1.1": is out of bounds of the pools given',
      'spec.pools: Invalid value: "10.9.9.9": is in use but out of bounds of the pools given',
    ]);
  });
});

describe('IPPool defaulting', () => {
  it.each<[string, Partial<IPPoolSpec>, string]>([
    ['missing strategy becomes sequential', {}, 'sequential'],
    ['empty strategy becomes sequential', { allocationStrategy: '' as 'sequential' }, 'sequential'],
    ['random is kept', { allocationStrategy: 'random' }, 'random'],
    ['sequential is kept', { allocationStrategy: 'sequential' }, 'sequential'],
  ])('%s', (_name, spec, expected) => {
    const input = pool(spec);
    const defaulted = defaultIPPool(input);
    expect(defaulted.spec.allocationStrategy).toBe(expected);
    expect(defaulted.status).toEqual(input.status);
    expect(input.spec.allocationStrategy).toBe(spec.allocationStrategy); // input untouched
  });
});
