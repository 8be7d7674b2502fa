import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IP_ADDRESS_PATTERN, IP_SUBNET_PATTERN, ipamCrds } from './ipam';
import { generatedFiles } from './render';
import type { JSONSchemaProps } from './schema';
import upstream from './upstream-ipam-crds.json' with { type: 'json' };

const workspaceRoot = resolve(import.meta.dirname, '../../../..');

const generated = await generatedFiles(workspaceRoot);

describe('generated CRD files', () => {
  it.each([...generated].map(([path, content]) => ({ path, content })))(
    '$path is up to date (run `npx nx run operator:generate-crds`)',
    ({ path, content }) => {
      expect(readFileSync(resolve(workspaceRoot, path), 'utf8')).toBe(content);
    },
  );
});

type Facts = Record<string, unknown>;

/** Flattens a schema to `path → facts`, the way upstream-ipam-crds.json was derived. */
function flatten(schema: JSONSchemaProps, path = '', out: Record<string, Facts> = {}): Record<string, Facts> {
  const facts: Facts = {};
  for (const key of [
    'type',
    'pattern',
    'enum',
    'maximum',
    'minimum',
    'minLength',
    'format',
    'default',
  ] as const) {
    if (schema[key] !== undefined) facts[key] = schema[key];
  }
  if (schema['x-kubernetes-map-type']) facts['x-kubernetes-map-type'] = schema['x-kubernetes-map-type'];
  if (schema.required) facts['required'] = [...schema.required].sort();
  out[path || '.'] = facts;
  for (const [name, child] of Object.entries(schema.properties ?? {})) flatten(child, `${path}.${name}`, out);
  if (schema.items) flatten(schema.items, `${path}[]`, out);
  if (schema.additionalProperties) flatten(schema.additionalProperties, `${path}{}`, out);
  return out;
}

const upstreamCrds = Object.entries(upstream.crds).map(([name, def]) => ({ name, def }));

describe('stableip CRDs are a superset of ip-address-manager', () => {
  it.each(upstreamCrds)('$name: names, scope, versions and printer columns', ({ name, def }) => {
    const ours = ipamCrds.find((crd) => crd.metadata.name === name);
    expect(ours, `missing CRD ${name}`).toBeDefined();
    expect(ours!.spec.group).toBe(def.group);
    expect(ours!.spec.scope).toBe(def.scope);
    expect(ours!.spec.names).toEqual(def.names);
    expect(ours!.spec.versions.map((v) => v.name)).toEqual(def.versions.map((v) => v.name));
    for (const [i, version] of def.versions.entries()) {
      const mine = ours!.spec.versions[i]!;
      expect({ served: mine.served, storage: mine.storage, subresources: mine.subresources }).toEqual({
        served: version.served,
        storage: version.storage,
        subresources: version.subresources,
      });
      // Upstream's columns come first, unchanged; stableip's follow.
      const columns = (mine.additionalPrinterColumns ?? []).map(({ name, type, jsonPath }) => ({
        name,
        type,
        jsonPath,
      }));
      expect(columns.slice(0, version.printerColumns.length)).toEqual(version.printerColumns);
    }
  });

  it.each(upstreamCrds)(
    '$name: every upstream property with the same type and validation',
    ({ name, def }) => {
      const ours = ipamCrds.find((crd) => crd.metadata.name === name)!;
      for (const [i, version] of def.versions.entries()) {
        const mine = flatten(ours.spec.versions[i]!.schema.openAPIV3Schema);
        for (const [path, facts] of Object.entries(version.properties as Record<string, Facts>)) {
          expect(mine[path], `${name} ${path}`).toEqual(facts);
        }
      }
    },
  );

  it('adds capacity counters and conditions to IPPool status only', () => {
    const pool = flatten(
      ipamCrds.find((crd) => crd.spec.names.kind === 'IPPool')!.spec.versions[0]!.schema.openAPIV3Schema,
    );
    const upstreamPool = upstream.crds['ippools.ipam.metal3.io'].versions[0]!.properties as Record<
      string,
      Facts
    >;
    const added = Object.keys(pool).filter((path) => !(path in upstreamPool));
    expect(added.every((path) => path.startsWith('.status.'))).toBe(true);
    expect(added).toEqual(
      expect.arrayContaining([
        '.status.capacity.total',
        '.status.capacity.allocated',
        '.status.capacity.preallocated',
        '.status.capacity.free',
        '.status.conditions[].type',
      ]),
    );
  });
});

describe('IP regexes', () => {
  const address = new RegExp(IP_ADDRESS_PATTERN);
  const subnet = new RegExp(IP_SUBNET_PATTERN);
  it.each([
    ['192.168.0.1', true],
    ['255.255.255.255', true],
    ['01.2.3.4', false],
    ['256.1.1.1', false],
    ['2001:db8::1', true],
    ['2001:DB8::0005', true],
    ['::', true],
    ['::ffff:1.2.3.4', false],
    ['fe80::1%eth0', false],
    ['', false],
  ])('address %s → %s', (text, ok) => {
    expect(address.test(text)).toBe(ok);
  });
  it.each([
    ['192.168.0.0/24', true],
    ['192.168.0.0/33', false],
    ['2001:db8::/64', true],
    ['2001:db8::/129', false],
    ['192.168.0.0', false],
  ])('subnet %s → %s', (text, ok) => {
    expect(subnet.test(text)).toBe(ok);
  });
});
