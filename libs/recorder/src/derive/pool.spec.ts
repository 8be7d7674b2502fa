import { describe, expect, it } from 'vitest';
import type { IPPoolSpec } from '@stableip/ipam-core';
import { poolRanges } from './pool';

describe('poolRanges', () => {
  const cases: Array<{ name: string; spec: IPPoolSpec; expected: ReturnType<typeof poolRanges> }> = [
    {
      name: 'start/end with per-range prefix and gateway',
      spec: {
        namePrefix: 'p',
        pools: [{ start: '10.0.0.10', end: '10.0.0.20', prefix: 24, gateway: '10.0.0.1' }],
      },
      expected: [{ start: '10.0.0.10', end: '10.0.0.20', prefix: 24, gateway: '10.0.0.1' }],
    },
    {
      name: 'pool-level prefix and gateway as defaults',
      spec: {
        namePrefix: 'p',
        prefix: 16,
        gateway: '10.1.0.1',
        pools: [{ start: '10.1.0.5', end: '10.1.0.6' }],
      },
      expected: [{ start: '10.1.0.5', end: '10.1.0.6', prefix: 16, gateway: '10.1.0.1' }],
    },
    {
      name: 'subnet only: after the written address up to the last one',
      spec: { namePrefix: 'p', pools: [{ subnet: '192.168.0.0/30' }, { subnet: '2001:db8::/126' }] },
      expected: [
        { start: '192.168.0.1', end: '192.168.0.3' },
        { start: '2001:db8::1', end: '2001:db8::3' },
      ],
    },
    {
      name: 'start with subnet',
      spec: { namePrefix: 'p', pools: [{ start: '192.168.0.100', subnet: '192.168.0.0/24' }] },
      expected: [{ start: '192.168.0.100', end: '192.168.0.255' }],
    },
    {
      name: 'unusable ranges are left out',
      spec: {
        namePrefix: 'p',
        pools: [
          { start: '10.0.0.9' },
          { start: '10.0.0.9', end: '10.0.0.1' },
          { start: '10.0.0.1', end: '2001:db8::1' },
          { subnet: 'x' },
        ],
      },
      expected: [],
    },
    { name: 'no pools', spec: { namePrefix: 'p' }, expected: [] },
  ];
  it.each(cases)('$name', ({ spec, expected }) => {
    expect(poolRanges({ spec })).toEqual(expected);
  });
});
