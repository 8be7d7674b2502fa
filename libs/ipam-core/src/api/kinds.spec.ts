import { describe, expect, it } from 'vitest';
import { KINDS, KIND_IDS, kindIdOf, kindIdOfObject, kindInfo, parseKindVersions } from './kinds';

describe('kinds table', () => {
  it('tells the two IPAddress kinds apart by API group', () => {
    expect(kindIdOf('ipam.metal3.io', 'IPAddress')).toBe('Metal3IPAddress');
    expect(kindIdOf('ipam.cluster.x-k8s.io', 'IPAddress')).toBe('CapiIPAddress');
    expect(kindIdOfObject({ apiVersion: 'ipam.cluster.x-k8s.io/v1beta1', kind: 'IPAddress' })).toBe(
      'CapiIPAddress',
    );
    expect(kindIdOf('example.com', 'IPAddress')).toBeUndefined();
    expect(kindIdOfObject({ apiVersion: 'v1', kind: 'Secret' })).toBeUndefined();
  });

  it('has one entry per (group, plural)', () => {
    const keys = KIND_IDS.map((id) => `${KINDS[id].group}/${KINDS[id].plural}`);
    expect(new Set(keys).size).toBe(KIND_IDS.length);
  });

  it('overrides a version without touching the table', () => {
    expect(kindInfo('Metal3Data', { Metal3Data: 'v1beta1' }).version).toBe('v1beta1');
    expect(KINDS.Metal3Data.version).toBe('v1beta2');
    expect(kindInfo('IPPool', { Metal3Data: 'v1beta1' })).toBe(KINDS.IPPool);
  });

  it('parses Kind=version lists and rejects unknown kinds and malformed versions', () => {
    expect(parseKindVersions('Metal3Data=v1beta1, Metal3Machine=v1beta1')).toEqual({
      ok: true,
      versions: { Metal3Data: 'v1beta1', Metal3Machine: 'v1beta1' },
    });
    expect(parseKindVersions('')).toEqual({ ok: true, versions: {} });
    const unknown = parseKindVersions('Metal3Dat=v1beta1');
    expect(unknown.ok === false && unknown.error.code).toBe('UNKNOWN_KIND');
    const badVersion = parseKindVersions('IPPool=1');
    expect(badVersion.ok === false && badVersion.error.code).toBe('BAD_VERSION');
    const badSyntax = parseKindVersions('IPPool');
    expect(badSyntax.ok === false && badSyntax.error.message).toContain('Kind=version');
  });
});
