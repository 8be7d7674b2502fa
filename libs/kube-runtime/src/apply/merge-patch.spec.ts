import { describe, expect, it } from 'vitest';
import { createMergePatch, jsonEqual } from './merge-patch';

describe('createMergePatch', () => {
  it.each([
    { name: 'equal', from: { a: 1 }, to: { a: 1 }, patch: undefined },
    { name: 'added field', from: {}, to: { a: { b: 1 } }, patch: { a: { b: 1 } } },
    { name: 'removed field is null', from: { a: 1, b: 2 }, to: { a: 1 }, patch: { b: null } },
    { name: 'nested change', from: { s: { x: 1, y: 2 } }, to: { s: { x: 1, y: 3 } }, patch: { s: { y: 3 } } },
    { name: 'arrays replaced whole', from: { f: ['a'] }, to: { f: ['a', 'b'] }, patch: { f: ['a', 'b'] } },
    { name: 'key order ignored', from: { a: { x: 1, y: 2 } }, to: { a: { y: 2, x: 1 } }, patch: undefined },
    { name: 'undefined members ignored', from: { a: undefined }, to: {}, patch: undefined },
  ])('$name', ({ from, to, patch }) => {
    expect(createMergePatch(from, to)).toEqual(patch);
  });

  it('jsonEqual distinguishes arrays from objects', () => {
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  });
});
