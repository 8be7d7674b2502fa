import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@stableip/kube-runtime';
import { KnownObjects, eventObject, watchedKindOf } from './known-objects';

const obj = (uid: string, rv: string, name = `o-${uid}`): KubeObject => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata: { name, namespace: 'ns', uid, resourceVersion: rv },
});

describe('KnownObjects', () => {
  it('records create, update, nothing for the same resourceVersion, then delete', () => {
    const known = new KnownObjects();
    expect(known.observe('IPPool', obj('a', '1'))).toMatchObject({ action: 'create', before: null });
    expect(known.observe('IPPool', obj('a', '1'))).toBeUndefined();
    const update = known.observe('IPPool', obj('a', '2'));
    expect(update).toMatchObject({ action: 'update', before: obj('a', '1'), after: obj('a', '2') });
    expect(known.observeGone('IPPool', obj('a', '3'), true)).toMatchObject({
      action: 'delete',
      object: obj('a', '3'),
      after: null,
    });
    expect(known.observeGone('IPPool', obj('a', '3'), true)).toBeUndefined();
    expect(known.size).toBe(0);
  });

  it('a deletion found by a relist keeps the last recorded state', () => {
    const known = new KnownObjects();
    known.observe('IPPool', obj('a', '5'));
    expect(known.observeGone('IPPool', { metadata: { uid: 'a' } }, false)).toMatchObject({
      action: 'delete',
      object: obj('a', '5'),
    });
  });

  it('ignores objects without uid, name or resourceVersion', () => {
    const known = new KnownObjects();
    expect(known.observe('IPPool', { metadata: { name: 'x', resourceVersion: '1' } })).toBeUndefined();
    expect(known.observe('IPPool', { metadata: { uid: 'u', name: 'x' } })).toBeUndefined();
    expect(known.observeGone('IPPool', { metadata: {} }, true)).toBeUndefined();
  });

  it('seeds from the log and reports what a list lacks, per kind', () => {
    const known = new KnownObjects();
    known.load([
      { kind: 'IPPool', uid: 'a', namespace: 'ns', name: 'a', resourceVersion: '1', snapshot: obj('a', '1') },
      { kind: 'IPPool', uid: 'b', namespace: 'ns', name: 'b', resourceVersion: '1', snapshot: obj('b', '1') },
      {
        kind: 'IPClaim',
        uid: 'c',
        namespace: 'ns',
        name: 'c',
        resourceVersion: '1',
        snapshot: obj('c', '1'),
      },
    ]);
    expect(known.missingFrom('IPPool', new Set(['a'])).map((k) => k.uid)).toEqual(['b']);
    expect(known.observe('IPPool', obj('a', '1'))).toBeUndefined();
  });
});

describe('watchedKindOf / eventObject', () => {
  it.each([
    { kind: 'IPAddress', group: 'ipam.metal3.io', expected: 'Metal3IPAddress' },
    { kind: 'IPAddress', group: 'ipam.cluster.x-k8s.io', expected: 'CapiIPAddress' },
    { kind: 'BareMetalHost', group: 'metal3.io', expected: 'BareMetalHost' },
    { kind: 'Metal3Data', group: 'infrastructure.cluster.x-k8s.io', expected: 'Metal3Data' },
    { kind: 'Pod', group: '', expected: undefined },
  ])('$kind.$group → $expected', ({ kind, group, expected }) => {
    expect(watchedKindOf(kind, group)).toBe(expected);
  });

  it('names the event object with the kind and group of the watched kind', () => {
    expect(eventObject('CapiIPAddress', obj('u', '7', 'addr'))).toEqual({
      namespace: 'ns',
      kind: 'IPAddress',
      apiGroup: 'ipam.cluster.x-k8s.io',
      name: 'addr',
      uid: 'u',
      resourceVersion: '7',
    });
  });
});
