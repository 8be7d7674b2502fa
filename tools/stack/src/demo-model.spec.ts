import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compareSnapshots,
  demoModel,
  lowestFreeIndex,
  nameSuffix,
  renameChain,
  seededRandom,
  shuffled,
} from './demo-model';
import { readManifests } from './kube';

const demoDir = fileURLToPath(new URL('../../../examples/demo', import.meta.url));

describe('examples/demo', () => {
  const model = demoModel(readManifests(demoDir));

  it('has 6 hosts, two pools and one chain per host', () => {
    expect(model.namespace).toBe('stableip-demo');
    expect(model.hosts).toEqual(['node-0', 'node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    expect(model.pools).toEqual(['provisioning-v4', 'provisioning-v6']);
    expect(model.template).toBe('demo-workers-template');
    expect(model.chains.map((c) => c.host).sort()).toEqual(model.hosts);
  });

  it('applies base objects namespace first, template last', () => {
    expect(model.base.map((o) => o.kind)).toEqual([
      'Namespace',
      'Cluster',
      ...Array(6).fill('BareMetalHost'),
      'IPPool',
      'IPPool',
      'Metal3DataTemplate',
    ]);
  });

  it('pins node-0..2 by hand and auto-pins the rest', () => {
    for (const pool of model.base.filter((o) => o.kind === 'IPPool')) {
      expect(pool.metadata?.annotations?.['stableip.dev/auto-pin']).toBe('true');
      const keys = Object.keys(pool.spec?.['preAllocations'] as Record<string, string>);
      expect(keys).toEqual(['node-0', 'node-1', 'node-2'].map((h) => `${h}-${pool.metadata!.name}`));
    }
  });

  it('rejects a Metal3Machine without the host annotation', () => {
    const objects = readManifests(demoDir);
    const m3m = objects.find((o) => o.kind === 'Metal3Machine')!;
    delete m3m.metadata!.annotations;
    expect(() => demoModel(objects)).toThrow(/metal3.io\/BareMetalHost/);
  });

  it('renames a chain everywhere (names, owner references, infrastructureRef)', () => {
    const chain = model.chains[0]!;
    const next = renameChain(chain, 'demo-workers-new01');
    const text = JSON.stringify(next);
    expect(text).not.toContain(chain.name);
    expect(next.metal3Machine.metadata?.ownerReferences?.[0]?.name).toBe('demo-workers-new01');
    expect((next.machine.spec?.['infrastructureRef'] as { name: string }).name).toBe('demo-workers-new01');
    expect(next.host).toBe(chain.host);
    expect(JSON.stringify(chain)).toContain(chain.name); // the original is untouched
  });
});

describe('lowestFreeIndex (CAPM3)', () => {
  it.each([
    [[], 0],
    [[0, 1, 2], 3],
    [[1, 2], 0],
    [[0, 2, 3], 1],
    [[5, 0, 1], 2],
  ])('%j → %i', (used, expected) => {
    expect(lowestFreeIndex(used)).toBe(expected);
  });
});

describe('shuffled', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('is a permutation, reproducible by seed, and never the identity', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const order = shuffled(hosts, seed);
      expect([...order].sort()).toEqual(hosts);
      expect(order).not.toEqual(hosts);
      expect(shuffled(hosts, seed)).toEqual(order);
    }
  });

  it('differs between seeds', () => {
    const orders = new Set(Array.from({ length: 50 }, (_, seed) => shuffled(hosts, seed).join()));
    expect(orders.size).toBeGreaterThan(20);
  });

  it('generates suffixes from the MachineDeployment alphabet', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 100; i += 1) expect(nameSuffix(random)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});

describe('compareSnapshots', () => {
  it('marks kept, changed and missing addresses', () => {
    const before = new Map([
      ['n0', new Map([['v4', '10.0.0.1']])],
      ['n1', new Map([['v4', '10.0.0.2']])],
    ]);
    const after = new Map([
      ['n0', new Map([['v4', '10.0.0.1']])],
      ['n1', new Map([['v4', '10.0.0.3']])],
    ]);
    expect(compareSnapshots(before, after, ['n0', 'n1', 'n2'], ['v4'])).toEqual([
      { host: 'n0', pool: 'v4', before: '10.0.0.1', after: '10.0.0.1', kept: true },
      { host: 'n1', pool: 'v4', before: '10.0.0.2', after: '10.0.0.3', kept: false },
      { host: 'n2', pool: 'v4', before: undefined, after: undefined, kept: false },
    ]);
  });
});
