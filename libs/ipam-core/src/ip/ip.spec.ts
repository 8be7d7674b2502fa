import { describe, expect, it } from 'vitest';
import { canonicalIP, compareIPNetip, formatIP, parseCIDR, parseIP } from './ip';

describe('parseIP / formatIP (Go net.IP semantics)', () => {
  it.each([
    ['192.168.0.1', '192.168.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:DB8::0005', '2001:db8::5'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['fe80::', 'fe80::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
  ])('%s renders as %s', (input, expected) => {
    expect(canonicalIP(input)).toBe(expected);
  });

  it.each([
    '',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.4/24',
    'fe80::1%eth0',
    '2001:db8::00005',
    'x',
    '1::2::3',
  ])('rejects %j', (input) => {
    expect(parseIP(input)).toBeUndefined();
  });

  it('orders IPv4 before IPv6 in netip order', () => {
    expect(compareIPNetip(parseIP('255.255.255.255')!, parseIP('::1')!)).toBeLessThan(0);
  });

  it('formats the all-ones IPv6 address', () => {
    expect(formatIP((1n << 128n) - 1n)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  });
});

describe('parseCIDR', () => {
  it('keeps the written address and masks the network', () => {
    const r = parseCIDR('192.168.1.10/24');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(formatIP(r.cidr.ip)).toBe('192.168.1.10');
    expect(formatIP(r.cidr.first)).toBe('192.168.1.0');
    expect(formatIP(r.cidr.last)).toBe('192.168.1.255');
  });

  it('handles IPv6 /64', () => {
    const r = parseCIDR('2001:db8::/64');
    expect(r.ok && formatIP(r.cidr.last)).toBe('2001:db8::ffff:ffff:ffff:ffff');
  });

  it.each(['192.168.1.0/33', '192.168.1.0', '2001:db8::/129', 'foo/24', '10.0.0.0/024'])(
    'rejects %j',
    (t) => {
      expect(parseCIDR(t)).toEqual({ ok: false, error: `invalid CIDR address: ${t}` });
    },
  );
});
