import { describe, expect, it } from 'vitest';
import { exportRequestFromQuery } from './server';

describe('exportRequestFromQuery', () => {
  it('reads selectors and overrides', () => {
    expect(
      exportRequestFromQuery({
        cluster: 'lab',
        pool: 'v4',
        label: ['role=worker', 'rack=a,zone=1'],
        ttl: '60',
        ptr: 'true',
        'issuer-kind': 'Issuer',
      }),
    ).toEqual({
      cluster: 'lab',
      pool: 'v4',
      namespace: null,
      hostLabels: { role: 'worker', rack: 'a', zone: '1' },
      hostTemplate: null,
      ttl: 60,
      ptr: true,
      issuerName: null,
      issuerKind: 'Issuer',
    });
  });

  it.each([
    [{ label: 'role' }, /must be key=value/],
    [{ ttl: 'soon' }, /must be an integer/],
    [{ 'issuer-kind': 'Vault' }, /Issuer or ClusterIssuer/],
  ])('rejects %j', (query, message) => {
    expect(() => exportRequestFromQuery(query)).toThrow(message);
  });
});
