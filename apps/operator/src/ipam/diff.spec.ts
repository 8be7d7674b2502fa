import { describe, expect, it } from 'vitest';
import { plan, type IPClaim, type IPPool, type KubeObject, type Metal3IPAddress } from '@stableip/ipam-core';
import { planToWrites, refKey, refOf, withTransitionTimes } from './diff';
import { retryableCapiClaim, retryableIPClaim } from './pool-objects';

const NS = 'ns';
const pool = (extra: Partial<IPPool['metadata']> = {}): IPPool => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata: { name: 'pool', namespace: NS, uid: 'pool-uid', resourceVersion: '1', ...extra },
  spec: { namePrefix: 'pfx', pools: [{ start: '10.0.0.10', end: '10.0.0.11' }], prefix: 24 },
});
const claim = (
  name: string,
  extra: Partial<IPClaim> = {},
  meta: Partial<IPClaim['metadata']> = {},
): IPClaim => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPClaim',
  metadata: { name, namespace: NS, uid: `${name}-uid`, resourceVersion: '2', ...meta },
  spec: { pool: { name: 'pool', namespace: NS } },
  ...extra,
});

function originalsOf(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [refKey(refOf(o)!), o]));
}

describe('planToWrites', () => {
  it('orders a new claim crash-safely: finalizer, IPAddress, status; pool finalizer first', () => {
    const snapshot = { ipPools: [pool()], ipClaims: [claim('c1')] };
    const writes = planToWrites(
      plan(snapshot),
      originalsOf([...snapshot.ipPools, ...snapshot.ipClaims]),
      'T',
    );
    expect(writes.before).toEqual([
      expect.objectContaining({
        op: 'patchMetadata',
        kind: 'IPPool',
        patch: { metadata: { finalizers: ['ippool.ipam.metal3.io'], resourceVersion: '1' } },
      }),
    ]);
    expect(writes.chains).toHaveLength(1);
    expect(writes.chains[0]!.map((op) => `${op.op}:${op.kind}:${op.name}`)).toEqual([
      'patchMetadata:IPClaim:c1',
      'create:Metal3IPAddress:pfx-10-0-0-10',
      'patchStatus:IPClaim:c1',
    ]);
    const create = writes.chains[0]![1]!;
    expect(create.op === 'create' && (create.object as Metal3IPAddress).spec).toEqual({
      address: '10.0.0.10',
      prefix: 24,
      pool: { name: 'pool', namespace: NS },
      claim: { name: 'c1', namespace: NS },
    });
  });

  it('releases a deleted claim: address finalizer + delete, then the claim finalizer', () => {
    const address: Metal3IPAddress = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: {
        name: 'pfx-10-0-0-10',
        namespace: NS,
        resourceVersion: '5',
        finalizers: ['ipaddress.ipam.metal3.io'],
      },
      spec: {
        address: '10.0.0.10',
        pool: { name: 'pool', namespace: NS },
        claim: { name: 'c1', namespace: NS },
      },
    };
    const deleting = claim(
      'c1',
      { status: { address: { name: 'pfx-10-0-0-10', namespace: NS } } },
      { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const snapshotPool = pool({ finalizers: ['ippool.ipam.metal3.io'] });
    snapshotPool.status = { indexes: { c1: '10.0.0.10' } };
    const objects = [snapshotPool, deleting, address];
    const writes = planToWrites(
      plan({ ipPools: [snapshotPool], ipClaims: [deleting], ipAddresses: [address] }),
      originalsOf(objects),
      'T',
    );
    expect(writes.chains).toEqual([
      [
        expect.objectContaining({
          op: 'release',
          kind: 'Metal3IPAddress',
          finalizers: [],
          deleteObject: true,
          resourceVersion: '5',
        }),
        expect.objectContaining({ op: 'release', kind: 'IPClaim', finalizers: [], deleteObject: false }),
      ],
    ]);
  });

  it('writes nothing when a retried failure fails again the same way (no reconcile loop)', () => {
    const full = pool({ finalizers: ['ippool.ipam.metal3.io'] });
    full.spec.pools = [{ start: '10.0.0.10', end: '10.0.0.10' }];
    const holder = claim(
      'a',
      { status: { address: { name: 'pfx-10-0-0-10', namespace: NS } } },
      { finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const failed = claim(
      'b',
      { status: { errorMessage: 'Exhausted IP Pools' } },
      { finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const address: Metal3IPAddress = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: { name: 'pfx-10-0-0-10', namespace: NS, finalizers: ['ipaddress.ipam.metal3.io'] },
      spec: {
        address: '10.0.0.10',
        pool: { name: 'pool', namespace: NS },
        claim: { name: 'a', namespace: NS },
      },
    };
    full.status = { indexes: { a: '10.0.0.10' } };
    const result = plan({
      ipPools: [full],
      ipClaims: [holder, retryableIPClaim(failed)],
      ipAddresses: [address],
    });
    const writes = planToWrites(result, originalsOf([full, holder, failed, address]), 'T');
    expect(writes.chains).toEqual([]);
    expect(writes.before).toEqual([]);
  });

  it('a retried failure succeeds once capacity is back (#1537)', () => {
    const p = pool({ finalizers: ['ippool.ipam.metal3.io'] });
    const failed = claim(
      'b',
      { status: { errorMessage: 'Exhausted IP Pools' } },
      { finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const writes = planToWrites(
      plan({ ipPools: [p], ipClaims: [retryableIPClaim(failed)] }),
      originalsOf([p, failed]),
      'T',
    );
    const status = writes.chains[0]!.find((op) => op.op === 'patchStatus');
    expect(status).toMatchObject({
      patch: { status: { errorMessage: null, address: { name: 'pfx-10-0-0-10', namespace: NS } } },
    });
  });
});

describe('retryable claims', () => {
  it('keeps deleting claims and non-failure conditions untouched', () => {
    const deleting = claim('x', { status: { errorMessage: 'e' } }, { deletionTimestamp: 'now' });
    expect(retryableIPClaim(deleting)).toBe(deleting);
    const ready = {
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
      kind: 'IPAddressClaim' as const,
      metadata: { name: 'c', namespace: NS },
      spec: { poolRef: { name: 'pool' } },
      status: { conditions: [{ type: 'Ready', status: 'True' as const, reason: 'Ready' }] },
    };
    expect(retryableCapiClaim(ready)).toBe(ready);
    const failed = {
      ...ready,
      status: { conditions: [{ type: 'Ready', status: 'False' as const, reason: 'PoolExhausted' }] },
    };
    expect(retryableCapiClaim(failed).status?.conditions).toEqual([]);
  });
});

describe('withTransitionTimes', () => {
  it('keeps lastTransitionTime while the status is unchanged, fills reason and message', () => {
    const existing = [
      {
        type: 'Ready',
        status: 'False' as const,
        reason: 'PoolExhausted',
        message: 'm',
        lastTransitionTime: 'T0',
      },
    ];
    expect(
      withTransitionTimes(
        [{ type: 'Ready', status: 'False', reason: 'AllocationFailed', message: 'x' }],
        existing,
        'T1',
      )[0]!.lastTransitionTime,
    ).toBe('T0');
    expect(withTransitionTimes([{ type: 'Ready', status: 'True' }], existing, 'T1')).toEqual([
      { type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: 'T1' },
    ]);
  });
});

describe('an address released and handed out again in one pass', () => {
  it('defers the new claim to the next reconcile instead of pointing it at a dying object', () => {
    const p = pool({ finalizers: ['ippool.ipam.metal3.io'] });
    p.spec.pools = [{ start: '10.0.0.10', end: '10.0.0.10' }];
    p.status = { indexes: { a: '10.0.0.10' } };
    const leaving = claim(
      'a',
      { status: { address: { name: 'pfx-10-0-0-10', namespace: NS } } },
      { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const waiting = claim(
      'b',
      { status: { errorMessage: 'Exhausted IP Pools' } },
      { finalizers: ['ipclaim.ipam.metal3.io'] },
    );
    const address: Metal3IPAddress = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: { name: 'pfx-10-0-0-10', namespace: NS, finalizers: ['ipaddress.ipam.metal3.io'] },
      spec: {
        address: '10.0.0.10',
        pool: { name: 'pool', namespace: NS },
        claim: { name: 'a', namespace: NS },
      },
    };
    const result = plan({
      ipPools: [p],
      ipClaims: [leaving, retryableIPClaim(waiting)],
      ipAddresses: [address],
    });
    const writes = planToWrites(result, originalsOf([p, leaving, waiting, address]), 'T');
    expect(writes.deferredClaims).toEqual(['IPClaim/b']);
    expect(writes.chains.flat().map((op) => `${op.op}:${op.kind}:${op.name}`)).toEqual([
      'release:Metal3IPAddress:pfx-10-0-0-10',
      'release:IPClaim:a',
    ]);
  });
});
