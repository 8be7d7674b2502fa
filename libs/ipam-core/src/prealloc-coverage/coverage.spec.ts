import { describe, expect, it } from 'vitest';
import type { BareMetalHost, IPClaim, IPPool, Metal3DataTemplate, Metal3Machine } from '../api/types';
import { autoPinEntries, coverageCondition, hostsUsingPools, poolCoverage } from './coverage';

const ns = 'metal3';
const pool = (preAllocations: Record<string, string>, indexes: Record<string, string> = {}): IPPool => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata: { name: 'baremetalv4-pool', namespace: ns },
  spec: { namePrefix: 'bm', pools: [{ subnet: '10.0.0.0/24' }], preAllocations },
  status: { indexes },
});
const host = (name: string, namespace = ns): BareMetalHost => ({
  apiVersion: 'metal3.io/v1alpha1',
  kind: 'BareMetalHost',
  metadata: { name, namespace },
});
const claim = (name: string, labels: Record<string, string> = {}, namespace = ns): IPClaim => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPClaim',
  metadata: { name, namespace, labels },
  spec: { pool: { name: 'baremetalv4-pool', namespace } },
});
const hosts = [host('node-0'), host('node-1'), host('node-2')];

describe('poolCoverage', () => {
  it('lists BMH-named claims without a key, with the address to pin', () => {
    const coverage = poolCoverage({
      pool: pool(
        { 'node-0-baremetalv4-pool': '10.0.0.5' },
        { 'node-0-baremetalv4-pool': '10.0.0.5', 'node-1-baremetalv4-pool': '10.0.0.6' },
      ),
      claims: [claim('node-0-baremetalv4-pool'), claim('node-1-baremetalv4-pool')],
      bareMetalHosts: hosts,
    });
    expect(coverage.covered).toEqual(['node-0']);
    expect(coverage.missing).toEqual([
      {
        key: 'node-1-baremetalv4-pool',
        host: 'node-1',
        claim: 'node-1-baremetalv4-pool',
        address: '10.0.0.6',
      },
    ]);
    expect(coverage.unknownKeys).toEqual([]);
    const condition = coverageCondition(coverage);
    expect(condition).toMatchObject({ status: 'False', reason: 'MissingPreAllocations' });
    expect(condition.message).toContain('add node-1-baremetalv4-pool: 10.0.0.6');
  });

  it('reports the upstream docs typo node-0-pool0 with the key to use instead', () => {
    const coverage = poolCoverage({
      pool: pool({ 'node-0-pool0': '10.0.0.5', 'node-1-baremetalv4-pool': '10.0.0.6', stray: '10.0.0.9' }),
      claims: [],
      bareMetalHosts: hosts,
    });
    expect(coverage.unknownKeys).toEqual([
      { key: 'node-0-pool0', address: '10.0.0.5', suggestion: 'node-0-baremetalv4-pool' },
      { key: 'stray', address: '10.0.0.9' },
    ]);
    const condition = coverageCondition(coverage);
    expect(condition.reason).toBe('UnknownPreAllocationKeys');
    expect(condition.message).toContain('did you mean node-0-baremetalv4-pool?');
  });

  it('counts hosts using the pool through their template even before a claim exists', () => {
    const coverage = poolCoverage({
      pool: pool({}),
      claims: [],
      bareMetalHosts: hosts,
      hostsUsingPool: new Set(['node-2']),
    });
    expect(coverage.missing).toEqual([{ key: 'node-2-baremetalv4-pool', host: 'node-2' }]);
    expect(coverageCondition(coverage).message).toContain(
      'node-2-baremetalv4-pool: <an address of the pool>',
    );
  });

  it.each([
    ['legacy Metal3Data-named claims are not host claims', [claim('tmpl-0-baremetalv4-pool')], 0],
    [
      'the stableip label wins over name guessing',
      [claim('tmpl-0-baremetalv4-pool', { 'stableip.dev/baremetalhost': 'node-0' })],
      0,
    ],
    [
      'a claim named after an unknown host still counts when labelled',
      [claim('gone-baremetalv4-pool', { 'stableip.dev/baremetalhost': 'gone' })],
      1,
    ],
    ['claims of other namespaces are ignored', [claim('node-0-baremetalv4-pool', {}, 'other')], 0],
  ])('%s', (_name, claims, missing) => {
    expect(poolCoverage({ pool: pool({}), claims, bareMetalHosts: hosts }).missing).toHaveLength(missing);
  });

  it('keys of existing legacy claims are not unknown; without hosts nothing is flagged', () => {
    const p = pool({ 'tmpl-0-baremetalv4-pool': '10.0.0.7', whatever: '10.0.0.8' });
    expect(
      poolCoverage({ pool: p, claims: [claim('tmpl-0-baremetalv4-pool')], bareMetalHosts: hosts })
        .unknownKeys,
    ).toEqual([{ key: 'whatever', address: '10.0.0.8' }]);
    const none = poolCoverage({ pool: p, claims: [], bareMetalHosts: [] });
    expect(none.unknownKeys).toEqual([]);
    expect(coverageCondition(none)).toMatchObject({ status: 'True', reason: 'NoBareMetalHosts' });
  });

  it('is covered when every host has its key', () => {
    const coverage = poolCoverage({
      pool: pool({ 'node-0-baremetalv4-pool': '10.0.0.5' }),
      claims: [claim('node-0-baremetalv4-pool')],
      bareMetalHosts: hosts,
    });
    expect(coverageCondition(coverage)).toMatchObject({ status: 'True', reason: 'Covered' });
  });
});

describe('autoPinEntries', () => {
  it('pins dynamic addresses of BMH-named claims and never touches existing keys', () => {
    const p = pool(
      { 'node-0-baremetalv4-pool': '10.0.0.50' },
      {
        'node-0-baremetalv4-pool': '10.0.0.50',
        'node-1-baremetalv4-pool': '10.0.0.6',
        'node-2-baremetalv4-pool': '10.0.0.7',
      },
    );
    const coverage = poolCoverage({
      pool: p,
      claims: ['node-0', 'node-1', 'node-2'].map((h) => claim(`${h}-baremetalv4-pool`)),
      bareMetalHosts: hosts,
    });
    expect(autoPinEntries(coverage, p)).toEqual({
      'node-1-baremetalv4-pool': '10.0.0.6',
      'node-2-baremetalv4-pool': '10.0.0.7',
    });
  });

  it('does not pin claims that hold no address yet', () => {
    const p = pool({});
    const coverage = poolCoverage({
      pool: p,
      claims: [claim('node-0-baremetalv4-pool')],
      bareMetalHosts: hosts,
    });
    expect(autoPinEntries(coverage, p)).toEqual({});
  });
});

describe('hostsUsingPools', () => {
  it('follows Metal3Machine annotation → template pool references (Metal3 pools only)', () => {
    const template: Metal3DataTemplate = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'Metal3DataTemplate',
      metadata: { name: 'tmpl', namespace: ns },
      spec: {
        metaData: { ipAddressesFromPool: [{ key: 'ip', name: 'baremetalv4-pool' }] },
        networkData: {
          networks: {
            ipv4: [
              {
                id: 'p',
                link: 'l',
                fromPoolRef: { name: 'capi', apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool' },
              },
            ],
          },
        },
      },
    };
    const machine = (name: string, bmh?: string): Metal3Machine => ({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'Metal3Machine',
      metadata: {
        name,
        namespace: ns,
        ...(bmh ? { annotations: { 'metal3.io/BareMetalHost': `${ns}/${bmh}` } } : {}),
      },
      spec: { dataTemplate: { name: 'tmpl' } },
    });
    const result = hostsUsingPools({
      metal3Machines: [machine('a', 'node-0'), machine('b'), machine('c', 'node-1')],
      templates: [template],
      bareMetalHosts: hosts,
    });
    expect([...result.keys()]).toEqual([`${ns}/baremetalv4-pool`]);
    expect([...(result.get(`${ns}/baremetalv4-pool`) ?? [])].sort()).toEqual(['node-0', 'node-1']);
  });
});
