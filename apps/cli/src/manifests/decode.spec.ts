import { describe, expect, it } from 'vitest';
import { type SourceDocument, decodeDocuments, formatProblem, toSnapshot } from './decode';

const pool = (spec: unknown, metadata: unknown = { name: 'p' }) => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata,
  spec,
});

function decodeOne(value: unknown) {
  return decodeDocuments([{ source: 'f.yaml', index: 1, value }]);
}

describe('decodeDocuments', () => {
  it('defaults the namespace, drops nulls and routes each kind to its snapshot field', () => {
    const documents: SourceDocument[] = [
      { source: 'a.yaml', index: 1, value: pool({ namePrefix: 'p', gateway: null }) },
      {
        source: 'a.yaml',
        index: 2,
        value: {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
              kind: 'IPAddress',
              metadata: { name: 'x', namespace: 'n' },
              spec: { address: '10.0.0.1', claimRef: { name: 'c' }, poolRef: { name: 'p' } },
            },
            {
              apiVersion: 'ipam.metal3.io/v1alpha1',
              kind: 'IPAddress',
              metadata: { name: 'x', namespace: 'n' },
              spec: { address: '10.0.0.1', claim: { name: 'c' }, pool: { name: 'p' } },
            },
          ],
        },
      },
      { source: 'a.yaml', index: 3, value: null },
    ];
    const result = decodeDocuments(documents);
    expect(result.problems).toEqual([]);
    expect(result.objects[0]?.object).toEqual({
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPPool',
      metadata: { name: 'p', namespace: 'default' },
      spec: { namePrefix: 'p' },
    });
    const snapshot = toSnapshot(result.objects);
    expect(snapshot.ipPools?.map((o) => o.metadata.name)).toEqual(['p']);
    expect(snapshot.capiIPAddresses?.map((o) => o.metadata.namespace)).toEqual(['n']);
    expect(snapshot.ipAddresses?.map((o) => o.metadata.namespace)).toEqual(['n']);
    expect(result.objects[1]?.location).toBe('document 2, item 1');
  });

  it.each([
    {
      name: 'missing namePrefix',
      value: pool({ pools: [] }),
      field: 'spec.namePrefix',
      message: 'required field is missing',
    },
    {
      name: 'missing spec',
      value: { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPClaim', metadata: { name: 'c' } },
      field: 'spec',
      message: 'required field is missing',
    },
    {
      name: 'empty IPClaim pool name',
      value: {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: { name: 'c' },
        spec: { pool: { name: '' } },
      },
      field: 'spec.pool.name',
      message: 'must be a non-empty string, got the string ""',
    },
    {
      name: 'IPAddress without address',
      value: {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPAddress',
        metadata: { name: 'a' },
        spec: { claim: { name: 'c' }, pool: { name: 'p' } },
      },
      field: 'spec.address',
      message: 'required field is missing',
    },
    {
      name: 'numeric prefix as text',
      value: pool({ namePrefix: 'p', prefix: '24' }),
      field: 'spec.prefix',
      message: 'must be a whole number, got the string "24"',
    },
    {
      name: 'range start not a string',
      value: pool({ namePrefix: 'p', pools: [{ start: 5 }] }),
      field: 'spec.pools[0].start',
      message: 'must be a string, got number 5',
    },
    {
      name: 'label value not a string',
      value: pool({ namePrefix: 'p' }, { name: 'p', labels: { a: true } }),
      field: 'metadata.labels',
      message: 'must be a map of strings, got a map',
    },
    {
      name: 'no name',
      value: pool({ namePrefix: 'p' }, {}),
      field: 'metadata.name',
      message: 'required field is missing',
    },
    {
      name: 'unknown kind',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      field: 'kind',
      message: 'unknown kind "ConfigMap" with apiVersion "v1"',
    },
    {
      name: 'no apiVersion',
      value: { kind: 'IPPool', metadata: { name: 'x' } },
      field: 'apiVersion',
      message: 'required field is missing',
    },
  ])('reports $name with the field and a hint', ({ value, field, message }) => {
    const { objects, problems } = decodeOne(value);
    expect(objects).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'f.yaml', location: 'document 1', field, message });
  });

  it('reports a scalar document and a duplicate object', () => {
    const result = decodeDocuments([
      { source: 'f.yaml', index: 1, value: 'hello' },
      { source: 'f.yaml', index: 2, value: pool({ namePrefix: 'p' }) },
      { source: 'g.yaml', index: 1, value: pool({ namePrefix: 'q' }) },
    ]);
    expect(result.problems.map((p) => [p.source, p.location, p.message])).toEqual([
      ['f.yaml', 'document 1', 'expected a Kubernetes object (a map), got the string "hello"'],
      ['g.yaml', 'document 1', 'duplicate object: IPPool default/p is also defined in f.yaml (document 2)'],
    ]);
  });

  it('formats a problem with file, document, object, field and fix', () => {
    const { problems } = decodeOne(pool({}));
    expect(formatProblem(problems[0]!)).toBe(
      'f.yaml: document 1 (IPPool "p"): spec.namePrefix: required field is missing\n  fix: set spec.namePrefix: the prefix of the generated IPAddress names (for example "provisioning")',
    );
  });
});
