import { describe, expect, it } from 'vitest';
import type { IPClaim, IPPool, KubeObject, Metal3IPAddress } from '../api/types';
import { plan } from './plan';
import { planPool } from './plan-pool';
import { PoolLedger } from './pool-ledger';

const NS = 'metal3';

function pool(spec: Partial<IPPool['spec']>, metadata: Partial<IPPool['metadata']> = {}): IPPool {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name: 'p', namespace: NS, uid: 'uid-p', finalizers: ['ippool.ipam.metal3.io'], ...metadata },
    spec: { namePrefix: 'p', ...spec },
  };
}

function claim(
  name: string,
  metadata: Partial<IPClaim['metadata']> = {},
  status?: IPClaim['status'],
): IPClaim {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPClaim',
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...metadata },
    spec: { pool: { name: 'p', namespace: NS } },
    ...(status ? { status } : {}),
  };
}

function address(claimName: string, ip: string, poolName = 'p'): Metal3IPAddress {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPAddress',
    metadata: {
      name: `${poolName}-${ip.replace(/[.:]/g, '-')}`,
      namespace: NS,
      uid: `uid-a-${ip}`,
      finalizers: ['ipaddress.ipam.metal3.io'],
    },
    spec: { address: ip, pool: { name: poolName, namespace: NS }, claim: { name: claimName, namespace: NS } },
  };
}

const settled = (name: string, ip: string) =>
  claim(
    name,
    { finalizers: ['ipclaim.ipam.metal3.io'] },
    { address: { name: `p-${ip.replace(/\./g, '-')}`, namespace: NS } },
  );

/** planPool over the pending claims, with a ledger synced from the addresses. */
function lean(p: IPPool, pending: IPClaim[], addresses: Metal3IPAddress[], ledger = new PoolLedger(p)) {
  ledger.sync(addresses, []);
  const byName = new Map(addresses.map((a) => [a.metadata.name, a]));
  return planPool({
    pool: p,
    ipClaims: pending,
    ipAddressClaims: [],
    ledger,
    findAddress: (kind, name) => (kind === 'Metal3IPAddress' ? byName.get(name) : undefined),
  });
}

const withoutPoolStatus = (items: KubeObject[]) =>
  items
    .map((item) => (item.kind === 'IPPool' ? { ...item, status: undefined } : item))
    .filter(
      (item) =>
        !(item.kind === 'IPPool' && JSON.stringify(item.metadata) === JSON.stringify(pool({}).metadata)),
    );

describe('planPool', () => {
  const spec = {
    pools: [{ start: '10.0.0.1', end: '10.0.0.20' }],
    preAllocations: { 'host-a-p': '10.0.0.9' },
  };

  it('writes what plan() writes for the claims that need work, without touching settled ones', () => {
    const p = pool(spec);
    const existing = [address('c1', '10.0.0.1'), address('c2', '10.0.0.2')];
    const fresh = [claim('c3'), claim('host-a-p'), claim('c4')];
    const snapshot = plan({
      ipPools: [p],
      ipClaims: [settled('c1', '10.0.0.1'), settled('c2', '10.0.0.2'), ...fresh],
      ipAddresses: existing,
    });
    const result = lean(p, fresh, existing);
    expect(result.items).toEqual(withoutPoolStatus(snapshot.items));
    expect(result.deleted).toEqual(snapshot.deleted);
    expect(result.allocations.map((a) => [a.claim.name, a.address, a.source])).toEqual([
      ['c3', '10.0.0.3', 'dynamic'],
      ['c4', '10.0.0.4', 'dynamic'],
      ['host-a-p', '10.0.0.9', 'preallocated'],
    ]);
  });

  it('releases a deleting claim and its address as plan() does', () => {
    const p = pool(spec);
    const existing = [address('c1', '10.0.0.1'), address('c2', '10.0.0.2')];
    const leaving = {
      ...settled('c1', '10.0.0.1'),
      metadata: { ...settled('c1', '10.0.0.1').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    const snapshot = plan({
      ipPools: [p],
      ipClaims: [leaving, settled('c2', '10.0.0.2')],
      ipAddresses: existing,
    });
    const result = lean(p, [leaving], existing);
    expect(result.deleted).toEqual(snapshot.deleted);
    expect(result.deleted.map((d) => d.name).sort()).toEqual(['c1', 'p-10-0-0-1']);
  });

  it('reports a taken address name as a structured warning', () => {
    const p = pool({ pools: [{ start: '10.0.0.1', end: '10.0.0.2' }] });
    // Another pool with the same prefix holds p-10-0-0-1.
    const foreign = address('x', '10.0.0.1', 'other');
    foreign.metadata.name = 'p-10-0-0-1';
    const ledger = new PoolLedger(p);
    ledger.sync([], []);
    const result = planPool({
      pool: p,
      ipClaims: [claim('c1')],
      ipAddressClaims: [],
      ledger,
      findAddress: (_kind, name) => (name === 'p-10-0-0-1' ? foreign : undefined),
    });
    const warning = result.warnings.find((w) => w.code === 'AddressNameConflict');
    expect(warning?.code === 'AddressNameConflict' && warning.address).toEqual({
      kind: 'Metal3IPAddress',
      namespace: NS,
      name: 'p-10-0-0-1',
    });
    expect(result.allocations).toEqual([]);
  });

  it('leaves the ledger as the objects say: a pass allocation counts only once its IPAddress exists', () => {
    const p = pool(spec);
    const ledger = new PoolLedger(p);
    const first = lean(p, [claim('c1')], [], ledger);
    expect(first.allocations.map((a) => a.address)).toEqual(['10.0.0.1']);
    // The create failed: nothing exists, so the next pass hands the same address out again.
    expect(lean(p, [claim('c1')], [], ledger).allocations.map((a) => a.address)).toEqual(['10.0.0.1']);
    // It exists now (someone else's claim got it): c1 gets the next one.
    const taken = [address('other', '10.0.0.1')];
    expect(lean(p, [claim('c1')], taken, ledger).allocations.map((a) => a.address)).toEqual(['10.0.0.2']);
    expect(ledger.indexes()).toEqual(new Map([['other', '10.0.0.1']]));
    // Deleted again: free again.
    expect(lean(p, [claim('c1')], [], ledger).allocations.map((a) => a.address)).toEqual(['10.0.0.1']);
    expect(ledger.size).toBe(0);
  });

  it('keeps a preallocated address reserved after its IPAddress is gone', () => {
    const p = pool(spec);
    const ledger = new PoolLedger(p);
    ledger.sync([address('host-a-p', '10.0.0.9')], []);
    ledger.sync([], []);
    const result = lean(p, [claim('c1'), claim('host-a-p')], [], ledger);
    expect(result.allocations.map((a) => [a.claim.name, a.address])).toEqual([
      ['c1', '10.0.0.1'],
      ['host-a-p', '10.0.0.9'],
    ]);
  });

  it('a ledger fits its pool until the spec changes', () => {
    const p = pool(spec);
    const ledger = new PoolLedger(p);
    expect(ledger.fits({ ...p, status: { indexes: { a: '10.0.0.1' } } })).toBe(true);
    expect(ledger.fits(pool({ ...spec, prefix: 24 }))).toBe(false);
    expect(ledger.fits(pool(spec, { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBe(false);
  });
});
