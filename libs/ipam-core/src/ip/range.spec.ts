import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PoolRange } from '../api/types';
import { formatIP, parseIP } from './ip';
import {
  candidateAt,
  compileRange,
  formatAddressName,
  goQuote,
  rangeContains,
  rangeSize,
  validateRangeFields,
} from './range';

const at = (range: PoolRange, index: number | bigint): string => {
  const result = candidateAt(range, BigInt(index));
  return result.ok ? formatIP(result.ip) : `error: ${result.error}`;
};

describe('candidateAt (upstream GetIPAddress)', () => {
  it.each<[string, PoolRange, number | bigint, string]>([
    // upstream utils_test.go "Test getIPAddress"
    ['empty start and subnet', {}, 1, 'error: either Start or Subnet is required for ipAddress'],
    ['end only', { end: '10.0.0.9' }, 0, 'error: either Start or Subnet is required for ipAddress'],
    ['start only', { start: '192.168.0.10' }, 1, '192.168.0.11'],
    ['start and end', { start: '192.168.0.10', end: '192.168.0.100' }, 1, '192.168.0.11'],
    ['end is inclusive', { start: '192.168.0.10', end: '192.168.0.100' }, 90, '192.168.0.100'],
    [
      'past end',
      { start: '192.168.0.10', end: '192.168.0.100' },
      100,
      'error: IP address out of bounds for : 192.168.0.10',
    ],
    ['start and subnet', { start: '192.168.0.10', subnet: '192.168.0.0/24' }, 1, '192.168.0.11'],
    [
      'past subnet',
      { start: '192.168.0.10', subnet: '192.168.0.0/24' },
      250,
      'error: IP address out of bounds',
    ],
    ['empty subnet with start', { start: '192.168.0.10', subnet: '' }, 1, 'error: invalid CIDR address: '],
    ['empty subnet', { subnet: '' }, 1, 'error: invalid CIDR address: '],
    ['subnet only with host bits', { subnet: '192.168.0.10/24' }, 1, '192.168.0.12'],
    [
      'subnet only with host bits, past end',
      { subnet: '192.168.0.10/24' },
      250,
      'error: IP address out of bounds',
    ],
    // subnet-only ranges start at the written IP + 1 and include the broadcast address
    ['subnet only index 0', { subnet: '192.168.0.0/24' }, 0, '192.168.0.1'],
    ['broadcast is allocatable', { subnet: '192.168.0.0/24' }, 254, '192.168.0.255'],
    ['past broadcast', { subnet: '192.168.0.0/24' }, 255, 'error: IP address out of bounds'],
    ['gateway is not skipped', { subnet: '10.0.0.0/30', gateway: '10.0.0.1' } as PoolRange, 0, '10.0.0.1'],
    // overflow (upstream "Test AddOffsetToIP")
    ['IPv4 overflow', { start: '255.255.255.250' }, 10, 'error: IP address overflow for : 255.255.255.250'],
    ['IPv4 last address', { start: '255.255.255.250' }, 5, '255.255.255.255'],
    [
      'subnet-only overflow',
      { subnet: '255.255.255.255/32' },
      0,
      'error: IP address overflow for : 255.255.255.255',
    ],
    [
      'IPv6 overflow',
      { start: 'FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFF0' },
      100,
      'error: IP address overflow for : ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0',
    ],
    ['IPv6 start, end', { start: '2001::10', end: '2001::fff0' }, 10, '2001::1a'],
    ['IPv6 start only', { start: '2001::10' }, 10000, '2001::2720'],
    [
      'IPv6 past end',
      { start: '2001::10', end: '2001::00f0' },
      10000,
      'error: IP address out of bounds for : 2001::10',
    ],
    ['IPv6 subnet only', { subnet: '2001:db8::/64' }, 4, '2001:db8::5'],
    ['IPv6 /64 last index', { subnet: '2001:db8::/64' }, (1n << 64n) - 2n, '2001:db8::ffff:ffff:ffff:ffff'],
    ['IPv6 /64 past end', { subnet: '2001:db8::/64' }, (1n << 64n) - 1n, 'error: IP address out of bounds'],
    // an IPv6 start walking into ::ffff:0:0/96 renders dotted, like Go's net.IP.String()
    ['IPv6 walks into the mapped block', { start: '::fffe:ffff:ffff' }, 1, '0.0.0.0'],
    // Go's IPNet.Contains: an IPv6 network never contains an IPv4(-mapped) address
    [
      'IPv6 subnet excludes mapped block',
      { start: '::fffe:ffff:ffff', subnet: '::/64' },
      1,
      'error: IP address out of bounds',
    ],
    ['unparseable start', { start: 'nope' }, 0, 'error: invalid IP address'],
    ['unparseable end means no bound', { start: '10.0.0.1', end: 'nope' }, 1000, '10.0.3.233'],
  ])('%s', (_name, range, index, expected) => {
    expect(at(range, index)).toBe(expected);
  });
});

describe('rangeSize (upstream GetPoolSize)', () => {
  it.each<[string, PoolRange, bigint | string]>([
    ['empty', {}, 'either Start or Subnet is required for ipAddress'],
    ['start only', { start: '192.168.0.10' }, 'pool with Start requires End or Subnet to determine size'],
    ['inclusive start/end', { start: '192.168.0.10', end: '192.168.0.20' }, 11n],
    ['single address', { start: '192.168.0.10', end: '192.168.0.10' }, 1n],
    [
      'end before start',
      { start: '192.168.0.20', end: '192.168.0.10' },
      'end IP 192.168.0.10 is before start IP 192.168.0.20',
    ],
    ['start and subnet', { start: '192.168.0.10', subnet: '192.168.0.0/24' }, 246n],
    [
      'start after subnet',
      { start: '192.168.1.10', subnet: '192.168.0.0/24' },
      'end IP 192.168.0.255 is before start IP 192.168.1.10',
    ],
    ['subnet only', { subnet: '192.168.0.0/24' }, 255n],
    ['subnet host bits overstate', { subnet: '192.168.0.10/24' }, 255n],
    ['invalid start', { start: 'not-an-ip', end: '192.168.0.20' }, 'invalid Start IP "not-an-ip"'],
    ['invalid end', { start: '192.168.0.10', end: 'not-an-ip' }, 'invalid End IP "not-an-ip"'],
    [
      'invalid subnet',
      { subnet: 'not-a-cidr' },
      'invalid Subnet "not-a-cidr": invalid CIDR address: not-a-cidr',
    ],
    ['IPv6 /64', { subnet: '2001:db8::/64' }, 'pool size exceeds int range'],
    ['IPv6 /65 fits', { subnet: '2001:db8::/65' }, (1n << 63n) - 1n],
    ['IPv6 start/end 65536', { start: '2001:db8::', end: '2001:db8::ffff' }, 65536n],
    [
      'IPv6 start/end too big',
      { start: '2001:db8::', end: '2001:db8:ffff:ffff:ffff::' },
      'pool size exceeds int range',
    ],
  ])('%s', (_name, range, expected) => {
    const result = rangeSize(range);
    expect(result.ok ? result.size : result.error).toEqual(expected);
  });

  it('ValidatePool is lenient about presence', () => {
    expect(validateRangeFields({})).toBeUndefined();
    expect(validateRangeFields({ end: '10.0.0.1' })).toBeUndefined();
    expect(validateRangeFields({ subnet: '2001:db8::/32' })).toBeUndefined();
  });

  it('quotes like Go %q', () => {
    expect(goQuote('a"b\\c\n\x01\x7f')).toBe('"a\\"b\\\\c\\n\\x01\\x7f"');
  });
});

describe('formatAddressName (upstream formatAddressName)', () => {
  it.each([
    ['abcpref', '192.168.0.15', 'abcpref-192-168-0-15'],
    ['pool1', '2001:db8::5', 'pool1-2001-db8--5'],
    ['pool1', '2001:db8::', 'pool1-2001-db8'],
    ['p', '::1', 'p---1'],
    ['p', '::', 'p'],
  ])('%s + %s → %s', (prefix, address, expected) => {
    expect(formatAddressName(prefix, address)).toBe(expected);
  });
});

describe('rangeContains (arithmetic, same answer as upstream scan)', () => {
  it.each<[string, PoolRange, string, boolean]>([
    ['in a start/end range', { start: '10.0.0.10', end: '10.0.0.20' }, '10.0.0.20', true],
    ['past end', { start: '10.0.0.10', end: '10.0.0.20' }, '10.0.0.21', false],
    ['before start', { start: '10.0.0.10', end: '10.0.0.20' }, '10.0.0.9', false],
    ['network address of subnet-only', { subnet: '10.0.0.0/24' }, '10.0.0.0', false],
    ['broadcast of subnet-only', { subnet: '10.0.0.0/24' }, '10.0.0.255', true],
    ['below written host bits', { subnet: '10.0.0.10/24' }, '10.0.0.10', false],
    ['IPv6 /64 far end', { subnet: '2001:db8::/64' }, '2001:db8::ffff:ffff:ffff:fffe', true],
    ['non-canonical IPv6 text', { subnet: '2001:db8::/64' }, '2001:DB8::0005', true],
    ['IPv4 in an IPv6 range', { subnet: '2001:db8::/64' }, '10.0.0.1', false],
    // upstream's scan stops at the first failing index: start outside the subnet yields nothing
    ['start outside its subnet', { start: '10.0.1.5', subnet: '10.0.0.0/24' }, '10.0.0.7', false],
    ['unbounded start-only IPv4', { start: '10.0.0.1' }, '255.255.255.255', true],
  ])('%s', (_name, range, address, expected) => {
    expect(rangeContains(range, parseIP(address)!)).toBe(expected);
  });

  const v4 = (value: number): string => formatIP(0xffff_0000_0000n + BigInt(value >>> 0));
  const smallRange = fc.record(
    {
      start: fc.integer({ min: 0, max: 40 }).map((n) => v4(0x0a000000 + n)),
      end: fc.integer({ min: 0, max: 40 }).map((n) => v4(0x0a000000 + n)),
      subnet: fc.constantFrom('10.0.0.0/28', '10.0.0.16/28', '10.0.0.5/27', '10.0.0.0/26', 'bad'),
    },
    { requiredKeys: [] },
  );

  it('compileRange agrees with candidateAt at every index (property)', () => {
    fc.assert(
      fc.property(smallRange, (range) => {
        const compiled = compileRange(range);
        let sequential = 0n;
        while (candidateAt(range, sequential).ok && sequential < 200n) sequential++;
        const reachedEnd = !candidateAt(range, sequential).ok;
        if (!reachedEnd) return; // unbounded start-only: covered by table tests
        expect(compiled.sequentialCount).toBe(sequential);
        for (let index = 0n; index < 80n; index++) {
          const candidate = candidateAt(range, index);
          const value = compiled.base === undefined ? undefined : compiled.base + index;
          const inValues =
            value !== undefined && compiled.values.some((v) => value >= v.first && value <= v.last);
          expect(inValues).toBe(candidate.ok);
          if (candidate.ok) expect(candidate.ip.value).toBe(value);
        }
      }),
    );
  });

  it('rangeContains equals a full scan of the range (property)', () => {
    fc.assert(
      fc.property(smallRange, fc.integer({ min: 0, max: 80 }), (range, offset) => {
        const target = parseIP(v4(0x0a000000 + offset))!;
        let scanned = false;
        for (let index = 0n; index < 300n; index++) {
          const candidate = candidateAt(range, index);
          if (!candidate.ok) break;
          if (candidate.ip.value === target.value) scanned = true;
        }
        if (range.start !== undefined && range.end === undefined && range.subnet === undefined) return;
        expect(rangeContains(range, target)).toBe(scanned);
      }),
    );
  });
});
