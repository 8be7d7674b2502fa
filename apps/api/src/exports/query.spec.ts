import { describe, expect, it } from 'vitest';
import { exportRequestFromQuery } from './query';

describe('exportRequestFromQuery', () => {
  it('reads selectors and overrides under the GraphQL argument names', () => {
    expect(
      exportRequestFromQuery({
        cluster: 'lab',
        pool: 'v4',
        hostLabels: ['role=worker', 'rack=a,zone=1'],
        hostTemplate: '{bmh}.lab.test',
        ttl: '60',
        ptr: 'true',
        issuerName: 'vault',
        issuerKind: 'Issuer',
      }),
    ).toEqual({
      cluster: 'lab',
      pool: 'v4',
      namespace: null,
      hostLabels: { role: 'worker', rack: 'a', zone: '1' },
      hostTemplate: '{bmh}.lab.test',
      ttl: 60,
      ptr: true,
      issuerName: 'vault',
      issuerKind: 'Issuer',
    });
  });

  it.each([
    [{ hostLabels: 'role' }, /must be key=value/],
    [{ ttl: 'soon' }, /must be an integer/],
    [{ ptr: 'yes please' }, /"ptr" must be true or false/],
    [{ issuerKind: 'Vault' }, /Issuer or ClusterIssuer/],
    [{ 'host-template': '{bmh}.x' }, /"host-template": it is called "hostTemplate"/],
    [{ label: 'a=b' }, /it is called "hostLabels"/],
    [{ colour: 'red' }, /unknown export parameter "colour" \(known: cluster, pool/],
  ])('rejects %j', (query, message) => {
    expect(() => exportRequestFromQuery(query)).toThrow(message);
  });
});
