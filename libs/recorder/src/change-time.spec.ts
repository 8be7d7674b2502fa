import { describe, expect, it } from 'vitest';
import { lastManagedFieldsTime, objectChangeTime } from './change-time';

const obj = {
  metadata: {
    creationTimestamp: '2026-01-01T00:00:00Z',
    deletionTimestamp: '2026-01-01T00:00:09Z',
    managedFields: [
      { time: '2026-01-01T00:00:05Z' },
      { time: '2026-01-01T00:00:07Z' },
      { time: 'garbage' },
      {},
    ],
  },
};

describe('object change time', () => {
  it('takes the newest managedFields entry', () => {
    expect(lastManagedFieldsTime(obj)).toBe(Date.parse('2026-01-01T00:00:07Z'));
    expect(lastManagedFieldsTime({ metadata: {} })).toBeUndefined();
  });

  it.each([
    { action: 'create', mf: 1, expected: Date.parse('2026-01-01T00:00:00Z') },
    { action: 'update', mf: 1234, expected: 1234 },
    { action: 'update', mf: undefined, expected: Date.parse('2026-01-01T00:00:09Z') },
    { action: 'delete', mf: 1, expected: Date.parse('2026-01-01T00:00:09Z') },
  ] as const)('$action (managedFields $mf) → $expected', ({ action, mf, expected }) => {
    expect(objectChangeTime(action, obj, mf)).toBe(expected);
  });

  it('is unknown for a delete without deletionTimestamp', () => {
    expect(objectChangeTime('delete', { metadata: {} }, undefined)).toBeUndefined();
  });
});
