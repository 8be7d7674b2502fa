import { describe, expect, it } from 'vitest';
import type { IPPool, Metal3Data } from '@stableip/ipam-core';
import { appliedPreAllocationKeys } from './coverage-reconciler';
import { lowestFreeIndex, templateKeyOf } from './template-reconciler';

describe('lowestFreeIndex (CAPM3 index allocation)', () => {
  it.each([
    [[], 0],
    [[0, 1, 2], 3],
    [[1, 2], 0],
    [[0, 2, 3], 1],
    [[5], 0],
  ])('used %j → %i', (used, expected) => {
    expect(lowestFreeIndex(new Set(used))).toBe(expected);
  });
});

describe('templateKeyOf', () => {
  const data = (template: { name?: string; namespace?: string }): Metal3Data => ({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'Metal3Data',
    metadata: { name: 'd', namespace: 'ns' },
    spec: { template, claim: { name: 'c' } },
  });
  it.each([
    [{ name: 't' }, ['ns/t']],
    [{ name: 't', namespace: 'ns' }, ['ns/t']],
    [{ name: 't', namespace: 'other' }, []],
    [{}, []],
  ])('%j → %j', (template, keys) => {
    expect(templateKeyOf(data(template))).toEqual(keys);
  });
});

describe('appliedPreAllocationKeys', () => {
  it('reads the keys a manager applied, not those it only updated or others own', () => {
    const pool = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPPool',
      metadata: {
        name: 'p',
        managedFields: [
          {
            manager: 'stableip-autopin',
            operation: 'Apply',
            fieldsV1: { 'f:spec': { 'f:preAllocations': { 'f:node-0-p': {}, 'f:node-1-p': {} } } },
          },
          {
            manager: 'kubectl',
            operation: 'Update',
            fieldsV1: { 'f:spec': { 'f:preAllocations': { 'f:user-p': {} } } },
          },
          {
            manager: 'stableip-autopin',
            operation: 'Update',
            fieldsV1: { 'f:spec': { 'f:preAllocations': { 'f:x-p': {} } } },
          },
        ],
      },
      spec: { namePrefix: 'p' },
    } as unknown as IPPool;
    expect(appliedPreAllocationKeys(pool, 'stableip-autopin')).toEqual(['node-0-p', 'node-1-p']);
  });
});
