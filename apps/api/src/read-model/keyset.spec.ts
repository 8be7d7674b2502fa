import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, keysetClause } from './keyset';

describe('keyset pagination', () => {
  it('round-trips cursors and rejects foreign ones', () => {
    expect(decodeCursor(encodeCursor(['2025-01-01T00:00:00.000Z', '42']), 2)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '42',
    ]);
    expect(() => decodeCursor('not-base64-json', 1)).toThrow(/not a valid cursor/);
    expect(() => decodeCursor(encodeCursor(['1']), 2)).toThrow(/not a valid cursor/);
    expect(() => decodeCursor(encodeCursor([{ x: 1 }] as never), 1)).toThrow(/not a valid cursor/);
  });

  it.each([
    [{ limit: 11, inverted: false }, 'TRUE', 'ORDER BY a.valid_from ASC, a.id ASC LIMIT $2', [7, 11]],
    [
      { after: encodeCursor(['t', '5']), limit: 3, inverted: false },
      '(a.valid_from, a.id) > ($2::timestamptz, $3::bigint)',
      'ORDER BY a.valid_from ASC, a.id ASC LIMIT $4',
      [7, 't', '5', 3],
    ],
    [
      { before: encodeCursor(['t', '5']), limit: 3, inverted: true },
      '(a.valid_from, a.id) < ($2::timestamptz, $3::bigint)',
      'ORDER BY a.valid_from DESC, a.id DESC LIMIT $4',
      [7, 't', '5', 3],
    ],
  ])('%j', (page, where, tail, params) => {
    const values: unknown[] = [7];
    expect(
      keysetClause({ columns: ['a.valid_from', 'a.id'], types: ['timestamptz', 'bigint'] }, page, values),
    ).toEqual({ where, tail });
    expect(values).toEqual(params);
  });
});
