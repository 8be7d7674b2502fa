import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueIntervalSet } from './interval-set';

describe('ValueIntervalSet', () => {
  it('merges neighbours into one run and splits on delete', () => {
    const set = new ValueIntervalSet();
    for (const value of [5n, 7n, 6n, 4n, 9n]) expect(set.add(value)).toBe(true);
    expect(set.add(6n)).toBe(false);
    expect([...set]).toEqual([
      { first: 4n, last: 7n },
      { first: 9n, last: 9n },
    ]);
    expect(set.firstAbsentFrom(4n)).toBe(8n);
    expect(set.firstAbsentFrom(8n)).toBe(8n);
    expect(set.firstAbsentFrom(9n)).toBe(10n);
    expect(set.delete(5n)).toBe(true);
    expect(set.delete(5n)).toBe(false);
    expect([...set]).toEqual([
      { first: 4n, last: 4n },
      { first: 6n, last: 7n },
      { first: 9n, last: 9n },
    ]);
    expect(set.size).toBe(4n);
    expect(set.countWithin(5n, 9n)).toBe(3n);
  });

  it('handles 128-bit values', () => {
    const set = new ValueIntervalSet();
    const top = (1n << 128n) - 1n;
    set.add(top);
    set.add(top - 1n);
    expect(set.runCount).toBe(1);
    expect(set.firstAbsentFrom(top - 1n)).toBe(top + 1n);
  });

  it('behaves like a plain Set with maximal runs (property)', () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 }));
    // Bases where Number(bigint) stops being exact (2^53) or is far beyond it (the IPv6 top).
    const baseArb = fc.constantFrom(0n, (1n << 53n) - 30n, (1n << 64n) - 30n, (1n << 128n) - 62n);
    fc.assert(
      fc.property(baseArb, fc.array(op, { maxLength: 200 }), (base, ops) => {
        const at = (n: number): bigint => base + BigInt(n);
        const set = new ValueIntervalSet();
        const model = new Set<number>();
        for (const [isAdd, n] of ops) {
          const value = at(n);
          if (isAdd) expect(set.add(value)).toBe(!model.has(n));
          else expect(set.delete(value)).toBe(model.has(n));
          if (isAdd) model.add(n);
          else model.delete(n);
        }
        expect(set.size).toBe(BigInt(model.size));
        for (let n = 0; n <= 61; n++) {
          expect(set.has(at(n))).toBe(model.has(n));
          let free = n;
          while (model.has(free)) free++;
          expect(set.firstAbsentFrom(at(n))).toBe(at(free));
        }
        const runs = [...set];
        for (let i = 1; i < runs.length; i++) expect(runs[i]!.first).toBeGreaterThan(runs[i - 1]!.last + 1n);
        const inWindow = [...model].filter((n) => n >= 10 && n <= 40).length;
        expect(set.countWithin(at(10), at(40))).toBe(BigInt(inWindow));
      }),
    );
  });
});
