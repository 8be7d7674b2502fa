import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { toYaml, yamlScalar } from './yaml-emit';

describe('yamlScalar', () => {
  it.each([
    ['192.168.0.10', '192.168.0.10'],
    ['2001:db8::1', '2001:db8::1'],
    ['cluster.x-k8s.io/cluster-name', 'cluster.x-k8s.io/cluster-name'],
    ['Exhausted IP Pools', 'Exhausted IP Pools'],
    ['::1', '"::1"'],
    ['fd00::', '"fd00::"'],
    ['True', '"True"'],
    ['yes', '"yes"'],
    ['', '""'],
    ['0123', '"0123"'],
    ['1:20', '"1:20"'],
    ['1e3', '"1e3"'],
    // YAML 1.1 reads a bare exponent as a float (found by the round-trip property in CI).
    ['E0', '"E0"'],
    ['e+5', '"e+5"'],
    ['.e1', '".e1"'],
    ['Eve', 'Eve'],
    ['.inf', '".inf"'],
    ['.', '"."'],
    ['a: b', '"a: b"'],
    ['x #y', '"x #y"'],
    [
      'Invalid ipAddress annotation "x": not a valid IP address',
      '"Invalid ipAddress annotation \\"x\\": not a valid IP address"',
    ],
  ])('%j → %s', (input, expected) => {
    expect(yamlScalar(input)).toBe(expected);
  });
});

describe('toYaml', () => {
  it('prints kubectl block style', () => {
    const value = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          metadata: { name: 'a', finalizers: ['f'] },
          spec: {},
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        },
      ],
      empty: [],
    };
    expect(toYaml(value)).toBe(
      'apiVersion: v1\nkind: List\nitems:\n- metadata:\n    name: a\n    finalizers:\n    - f\n  spec: {}\n  status:\n    conditions:\n    - type: Ready\n      status: "True"\nempty: []\n',
    );
  });

  it('reads back as the same value with the yaml library (YAML 1.2) and its YAML 1.1 mode', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.constantFrom(
          'true',
          'no',
          '0x1F',
          '1:30',
          '::',
          'a: b',
          '- x',
          '#c',
          '2001:db8::',
          '10.0.0.1',
          ' lead',
          'trail ',
        ),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const text = toYaml(value);
        expect(parse(text)).toEqual(value);
        expect(parse(text, { version: '1.1' })).toEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints the same data as the yaml library would, modulo quoting style', () => {
    const value = { a: [{ b: 1, c: ['x', 'y'] }], d: { e: 'f' } };
    expect(parse(toYaml(value))).toEqual(parse(stringify(value)));
  });
});
