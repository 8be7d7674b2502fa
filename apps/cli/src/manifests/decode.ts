// Decoding of untyped documents (parsed YAML/JSON) into the typed objects the planner and the
// validator read. Pure: no I/O, every problem is returned as a value naming the document and the
// field, with a hint on how to fix it. Only structural problems are reported here (what the CRD
// schema would refuse, or what would make the planner misread an object); semantic rules such as
// "is not a valid IP address" are admission's job (`stableip validate`).
import type { KubeObject, PlanSnapshot } from '@stableip/ipam-core';
import { describeValue as describe, excerpt, quoted } from './excerpt';
import { type KnownKind, findKind, knownKindsText } from './kinds';

export interface SourceDocument {
  /** File path, or `-` for stdin. */
  source: string;
  /** 1-based position of the document in its file. */
  index: number;
  value: unknown;
}

export interface DecodeProblem {
  source: string;
  /** Where in the file: `document 2`, or `document 1, item 3` inside a List. */
  location: string;
  /** The object, when known: `IPPool "pool-a"`. */
  object?: string;
  /** Dotted path of the offending field, when the problem is about one. */
  field?: string;
  message: string;
  hint?: string;
}

export interface DecodedObject {
  kind: KnownKind;
  object: KubeObject;
  source: string;
  location: string;
}

export interface DecodeResult {
  objects: DecodedObject[];
  problems: DecodeProblem[];
}

type FieldType =
  | 'string'
  | 'nonEmptyString'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'stringArray'
  | 'stringMap'
  | 'objectArray';

interface FieldRule {
  path: string;
  type: FieldType;
  required?: boolean;
  hint?: string;
}

const metadataRules: FieldRule[] = [
  { path: 'metadata', type: 'object', required: true, hint: 'add a metadata block with at least a name' },
  { path: 'metadata.name', type: 'nonEmptyString', required: true, hint: 'give the object a metadata.name' },
  { path: 'metadata.namespace', type: 'string' },
  { path: 'metadata.uid', type: 'string' },
  { path: 'metadata.deletionTimestamp', type: 'string' },
  {
    path: 'metadata.labels',
    type: 'stringMap',
    hint: 'label values must be strings (quote numbers and booleans)',
  },
  {
    path: 'metadata.annotations',
    type: 'stringMap',
    hint: 'annotation values must be strings (quote numbers and booleans)',
  },
  { path: 'metadata.finalizers', type: 'stringArray' },
  { path: 'metadata.ownerReferences', type: 'objectArray' },
];

const rangeRules: FieldRule[] = [
  { path: 'start', type: 'string', hint: 'write addresses as strings, e.g. "192.168.0.10"' },
  { path: 'end', type: 'string', hint: 'write addresses as strings, e.g. "192.168.0.20"' },
  { path: 'subnet', type: 'string', hint: 'write the subnet as a CIDR string, e.g. "192.168.0.0/24"' },
  { path: 'prefix', type: 'integer', hint: 'prefix is a whole number such as 24 or 64' },
  { path: 'gateway', type: 'string' },
  { path: 'dnsServers', type: 'stringArray' },
];

const kindRules: Record<string, FieldRule[]> = {
  'ipam.metal3.io/IPPool': [
    {
      path: 'spec',
      type: 'object',
      required: true,
      hint: 'an IPPool needs a spec with namePrefix and pools',
    },
    {
      path: 'spec.namePrefix',
      type: 'nonEmptyString',
      required: true,
      hint: 'set spec.namePrefix: the prefix of the generated IPAddress names (for example "provisioning")',
    },
    { path: 'spec.clusterName', type: 'string' },
    {
      path: 'spec.pools',
      type: 'objectArray',
      hint: 'spec.pools is a list of ranges ({start, end} or {subnet})',
    },
    { path: 'spec.allocationStrategy', type: 'string' },
    {
      path: 'spec.preAllocations',
      type: 'stringMap',
      hint: 'spec.preAllocations maps claim names to address strings',
    },
    { path: 'spec.prefix', type: 'integer', hint: 'prefix is a whole number such as 24 or 64' },
    { path: 'spec.gateway', type: 'string' },
    { path: 'spec.dnsServers', type: 'stringArray' },
    { path: 'status.indexes', type: 'stringMap' },
  ],
  'ipam.metal3.io/IPClaim': [
    { path: 'spec', type: 'object', required: true, hint: 'an IPClaim needs spec.pool.name' },
    {
      path: 'spec.pool',
      type: 'object',
      required: true,
      hint: 'set spec.pool.name to the IPPool to claim from',
    },
    {
      path: 'spec.pool.name',
      type: 'nonEmptyString',
      required: true,
      hint: 'set spec.pool.name to the name of an IPPool in the same namespace',
    },
    { path: 'status.errorMessage', type: 'string' },
    { path: 'status.address', type: 'object' },
  ],
  'ipam.metal3.io/IPAddress': [
    {
      path: 'spec',
      type: 'object',
      required: true,
      hint: 'an IPAddress needs spec.address, spec.claim and spec.pool',
    },
    {
      path: 'spec.address',
      type: 'nonEmptyString',
      required: true,
      hint: 'set spec.address to the allocated IP',
    },
    { path: 'spec.claim', type: 'object', required: true, hint: 'set spec.claim.name to the owning IPClaim' },
    { path: 'spec.claim.name', type: 'string' },
    {
      path: 'spec.pool',
      type: 'object',
      required: true,
      hint: 'set spec.pool.name to the IPPool the address comes from',
    },
    { path: 'spec.pool.name', type: 'string' },
    { path: 'spec.prefix', type: 'integer' },
    { path: 'spec.gateway', type: 'string' },
    { path: 'spec.dnsServers', type: 'stringArray' },
  ],
  'ipam.cluster.x-k8s.io/IPAddressClaim': [
    { path: 'spec', type: 'object', required: true, hint: 'an IPAddressClaim needs spec.poolRef' },
    { path: 'spec.poolRef', type: 'object', required: true, hint: 'set spec.poolRef {apiGroup, kind, name}' },
    {
      path: 'spec.poolRef.name',
      type: 'nonEmptyString',
      required: true,
      hint: 'set spec.poolRef.name to the name of an IPPool in the same namespace',
    },
    { path: 'status.addressRef', type: 'object' },
    { path: 'status.conditions', type: 'objectArray' },
  ],
  'ipam.cluster.x-k8s.io/IPAddress': [
    {
      path: 'spec',
      type: 'object',
      required: true,
      hint: 'an IPAddress needs spec.address, spec.claimRef and spec.poolRef',
    },
    {
      path: 'spec.address',
      type: 'nonEmptyString',
      required: true,
      hint: 'set spec.address to the allocated IP',
    },
    {
      path: 'spec.claimRef',
      type: 'object',
      required: true,
      hint: 'set spec.claimRef.name to the owning IPAddressClaim',
    },
    { path: 'spec.claimRef.name', type: 'nonEmptyString', required: true, hint: 'set spec.claimRef.name' },
    { path: 'spec.poolRef', type: 'object', required: true, hint: 'set spec.poolRef {apiGroup, kind, name}' },
    { path: 'spec.poolRef.name', type: 'nonEmptyString', required: true, hint: 'set spec.poolRef.name' },
    { path: 'spec.prefix', type: 'integer' },
    { path: 'spec.gateway', type: 'string' },
  ],
  'cluster.x-k8s.io/Cluster': [{ path: 'spec.paused', type: 'boolean' }],
  'infrastructure.cluster.x-k8s.io/Metal3Data': [
    { path: 'spec', type: 'object', required: true, hint: 'a Metal3Data needs spec.template and spec.claim' },
    { path: 'spec.template', type: 'object' },
    { path: 'spec.template.name', type: 'string' },
    { path: 'spec.claim', type: 'object' },
    { path: 'spec.claim.name', type: 'string' },
  ],
  'infrastructure.cluster.x-k8s.io/Metal3DataClaim': [{ path: 'spec.template', type: 'object' }],
  'infrastructure.cluster.x-k8s.io/Metal3DataTemplate': [
    { path: 'spec', type: 'object', required: true, hint: 'a Metal3DataTemplate needs a spec' },
    { path: 'spec.metaData', type: 'object' },
    { path: 'spec.networkData', type: 'object' },
  ],
  'infrastructure.cluster.x-k8s.io/Metal3Machine': [{ path: 'spec.dataTemplate', type: 'object' }],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const expected: Record<FieldType, string> = {
  string: 'a string',
  nonEmptyString: 'a non-empty string',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  stringArray: 'a list of strings',
  stringMap: 'a map of strings',
  objectArray: 'a list of maps',
};

function matches(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'nonEmptyString':
      return typeof value === 'string' && value.length > 0;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'stringArray':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'stringMap':
      return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
    case 'objectArray':
      return Array.isArray(value) && value.every(isRecord);
  }
}

const splitCache = new Map<string, string[]>();

/** `a.b.c` as parts, split once per rule path (decoding 30,000 objects reads each path often). */
function pathParts(path: string): string[] {
  let parts = splitCache.get(path);
  if (!parts) {
    parts = path.split('.');
    splitCache.set(path, parts);
  }
  return parts;
}

/** Reads a path; `found` is false when a parent is missing (a wrong parent is reported by its rule). */
function lookup(
  root: Record<string, unknown>,
  parts: string[],
  depth = parts.length,
): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const part of parts.slice(0, depth)) {
    // Own keys only: `constructor` or `__proto__` must not be found on Object.prototype.
    if (!isRecord(current) || !Object.hasOwn(current, part)) return { found: false, value: undefined };
    current = current[part];
  }
  return { found: true, value: current };
}

function checkRules(
  root: Record<string, unknown>,
  rules: FieldRule[],
  prefix = '',
): Array<{ field: string; message: string; hint?: string }> {
  const failures: Array<{ field: string; message: string; hint?: string }> = [];
  for (const rule of rules) {
    const parts = pathParts(rule.path);
    const { found, value } = lookup(root, parts);
    // `null` in YAML (`key:` with nothing after it) is treated as absent, as the API server does.
    if (!found || value === null) {
      if (!rule.required) continue;
      // A missing or mistyped required parent is reported once, by the parent's own rule.
      const parentPath = parts.slice(0, -1).join('.');
      const parentBroken = parts.length > 1 && !isRecord(lookup(root, parts, parts.length - 1).value);
      const parentReported = parentBroken && rules.some((r) => r.path === parentPath && r.required);
      if (!parentReported) {
        failures.push({
          field: prefix + rule.path,
          message: 'required field is missing',
          ...(rule.hint ? { hint: rule.hint } : {}),
        });
      }
      continue;
    }
    if (!matches(rule.type, value)) {
      const message = `must be ${expected[rule.type]}, got ${describe(value)}`;
      failures.push({ field: prefix + rule.path, message, ...(rule.hint ? { hint: rule.hint } : {}) });
    }
  }
  return failures;
}

/**
 * Drops `null` values (YAML `key:`), which the API server treats as absent, without touching the
 * rest. Keys are defined as own data properties: assigning `result['__proto__']` would replace the
 * copy's prototype, and its fields (a namespace, say) would then be inherited from the input.
 * Recursive: the parser has bounded the depth (MAX_NESTING_DEPTH).
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null) continue;
    Object.defineProperty(result, key, {
      value: withoutNulls(item),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return result;
}

function objectLabel(value: Record<string, unknown>): string | undefined {
  const kind = typeof value.kind === 'string' ? value.kind : undefined;
  const name =
    isRecord(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : undefined;
  if (!kind) return undefined;
  return name ? `${excerpt(kind)} ${quoted(name)}` : excerpt(kind);
}

/** Decodes documents into typed objects; `kind: List` is flattened and the namespace defaulted. */
export function decodeDocuments(documents: SourceDocument[]): DecodeResult {
  const objects: DecodedObject[] = [];
  const problems: DecodeProblem[] = [];
  const seen = new Map<string, DecodedObject>();

  const visit = (value: unknown, source: string, location: string): void => {
    if (value === null || value === undefined) return; // an empty document (`---` alone)
    const problem = (fields: Omit<DecodeProblem, 'source' | 'location'>) =>
      problems.push({ source, location, ...fields });
    if (!isRecord(value)) {
      problem({ message: `expected a Kubernetes object (a map), got ${describe(value)}` });
      return;
    }
    const label = objectLabel(value);
    const withLabel = label ? { object: label } : {};
    if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
      problem({
        ...withLabel,
        field: 'apiVersion',
        message: 'required field is missing',
        hint: 'every object needs apiVersion and kind',
      });
      return;
    }
    if (typeof value.kind !== 'string' || value.kind === '') {
      problem({
        field: 'kind',
        message: 'required field is missing',
        hint: 'every object needs apiVersion and kind',
      });
      return;
    }
    // `kind: List` (kubectl get -o yaml) and typed lists such as IPPoolList are flattened.
    if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
      if (!Array.isArray(value.items)) {
        problem({
          object: excerpt(value.kind),
          field: 'items',
          message: `must be a list of objects, got ${describe(value.items)}`,
        });
        return;
      }
      value.items.forEach((item, i) => visit(item, source, `${location}, item ${i + 1}`));
      return;
    }
    const known = findKind(value.apiVersion, value.kind);
    if (!known) {
      problem({
        ...withLabel,
        field: 'kind',
        message: `unknown kind ${quoted(value.kind)} with apiVersion ${quoted(value.apiVersion)}`,
        hint: `remove this document or pass only the kinds stableip reads: ${knownKindsText()}`,
      });
      return;
    }
    const cleaned = withoutNulls(value) as Record<string, unknown>;
    const rules = [...metadataRules, ...(kindRules[`${known.group}/${known.kind}`] ?? [])];
    const failures = checkRules(cleaned, rules);
    if (known.kind === 'IPPool' && known.group === 'ipam.metal3.io') {
      const pools = lookup(cleaned, pathParts('spec.pools')).value;
      if (Array.isArray(pools)) {
        pools.forEach((range, i) => {
          if (isRecord(range)) failures.push(...checkRules(range, rangeRules, `spec.pools[${i}].`));
        });
      }
    }
    if (failures.length > 0) {
      for (const failure of failures) problem({ ...withLabel, ...failure });
      return;
    }
    const metadata = cleaned.metadata as Record<string, unknown>;
    if (!metadata.namespace) metadata.namespace = 'default';
    const decoded: DecodedObject = {
      kind: known,
      object: cleaned as unknown as KubeObject,
      source,
      location,
    };
    const key = `${known.group}/${known.kind}/${String(metadata.namespace)}/${String(metadata.name)}`;
    const first = seen.get(key);
    if (first) {
      problem({
        ...withLabel,
        message: `duplicate object: ${known.label} ${excerpt(`${String(metadata.namespace)}/${String(metadata.name)}`)} is also defined in ${first.source} (${first.location})`,
        hint: 'keep one definition per kind, namespace and name',
      });
      return;
    }
    seen.set(key, decoded);
    objects.push(decoded);
  };

  for (const document of documents) visit(document.value, document.source, `document ${document.index}`);
  return { objects, problems };
}

/** Groups decoded objects into the planner's snapshot (kinds without a field are dropped). */
export function toSnapshot(objects: DecodedObject[]): PlanSnapshot {
  const snapshot: Record<string, KubeObject[]> = {};
  for (const { kind, object } of objects) {
    if (!kind.field) continue;
    (snapshot[kind.field] ??= []).push(object);
  }
  return snapshot as PlanSnapshot;
}

/** `file: document 2 (IPPool "p"): spec.namePrefix: required field is missing` + the hint line. */
export function formatProblem(problem: DecodeProblem): string {
  const where = `${problem.source}: ${problem.location}${problem.object ? ` (${problem.object})` : ''}`;
  const what = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
  return `${where}: ${what}${problem.hint ? `\n  fix: ${problem.hint}` : ''}`;
}
