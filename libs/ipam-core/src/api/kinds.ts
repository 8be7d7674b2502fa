// The Kubernetes kinds stableip reads or writes, described once. Every descriptor (operator,
// recorder, CLI, stack) derives from this table. Ids are unique where kind names are not: two API
// groups serve `IPAddress`, so the ids are `Metal3IPAddress` and `CapiIPAddress` (as the types).
import { CAPM3_GROUP, IPAM_CAPI_GROUP, IPAM_METAL3_GROUP } from './types';

export interface KindInfo {
  /** API group ('' for the core group). */
  readonly group: string;
  /** The version stableip speaks by default (upstream's storage version today). */
  readonly version: string;
  readonly plural: string;
  /** The `kind` field of the objects. */
  readonly kind: string;
  readonly namespaced: boolean;
}

const CAPI_GROUP = 'cluster.x-k8s.io';
const BMO_GROUP = 'metal3.io';

const ns = (group: string, version: string, plural: string, kind: string): KindInfo =>
  Object.freeze({ group, version, plural, kind, namespaced: true });

export const KINDS = Object.freeze({
  IPPool: ns(IPAM_METAL3_GROUP, 'v1alpha1', 'ippools', 'IPPool'),
  IPClaim: ns(IPAM_METAL3_GROUP, 'v1alpha1', 'ipclaims', 'IPClaim'),
  Metal3IPAddress: ns(IPAM_METAL3_GROUP, 'v1alpha1', 'ipaddresses', 'IPAddress'),
  IPAddressClaim: ns(IPAM_CAPI_GROUP, 'v1beta2', 'ipaddressclaims', 'IPAddressClaim'),
  CapiIPAddress: ns(IPAM_CAPI_GROUP, 'v1beta2', 'ipaddresses', 'IPAddress'),
  Cluster: ns(CAPI_GROUP, 'v1beta2', 'clusters', 'Cluster'),
  Machine: ns(CAPI_GROUP, 'v1beta2', 'machines', 'Machine'),
  Metal3Data: ns(CAPM3_GROUP, 'v1beta2', 'metal3datas', 'Metal3Data'),
  Metal3DataClaim: ns(CAPM3_GROUP, 'v1beta2', 'metal3dataclaims', 'Metal3DataClaim'),
  Metal3DataTemplate: ns(CAPM3_GROUP, 'v1beta2', 'metal3datatemplates', 'Metal3DataTemplate'),
  Metal3Machine: ns(CAPM3_GROUP, 'v1beta2', 'metal3machines', 'Metal3Machine'),
  BareMetalHost: ns(BMO_GROUP, 'v1alpha1', 'baremetalhosts', 'BareMetalHost'),
} as const);

export type KindId = keyof typeof KINDS;
export const KIND_IDS = Object.freeze(Object.keys(KINDS) as KindId[]);

/** Per-kind API version overrides, e.g. `{ Metal3Data: 'v1beta1' }` for an older CAPM3. */
export type KindVersions = Partial<Record<KindId, string>>;

/** The table entry of `id`, with its version overridden when `versions` names one. */
export function kindInfo(id: KindId, versions: KindVersions = {}): KindInfo {
  const info = KINDS[id];
  const version = versions[id];
  return version === undefined || version === info.version ? info : Object.freeze({ ...info, version });
}

/** The id of the kind `kind` in API group `group`, if stableip knows it. */
export function kindIdOf(group: string, kind: string): KindId | undefined {
  return KIND_IDS.find((id) => KINDS[id].group === group && KINDS[id].kind === kind);
}

/** The id of an object's kind from its `apiVersion` and `kind` (any served version). */
export function kindIdOfObject(object: { apiVersion?: string; kind?: string }): KindId | undefined {
  if (object.kind === undefined) return undefined;
  const apiVersion = object.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  return kindIdOf(slash < 0 ? '' : apiVersion.slice(0, slash), object.kind);
}

export type KindVersionsErrorCode = 'UNKNOWN_KIND' | 'BAD_VERSION' | 'BAD_SYNTAX';

export interface KindVersionsError {
  code: KindVersionsErrorCode;
  message: string;
}

const VERSION_PATTERN = /^v\d+((alpha|beta)\d+)?$/;

/**
 * Parses `Kind=version` pairs separated by commas, e.g. `Metal3Data=v1beta1,Metal3Machine=v1beta1`,
 * as given on a command line or in an environment variable.
 */
export function parseKindVersions(
  text: string,
): { ok: true; versions: KindVersions } | { ok: false; error: KindVersionsError } {
  const versions: KindVersions = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      return {
        ok: false,
        error: { code: 'BAD_SYNTAX', message: `"${part}" is not Kind=version (e.g. Metal3Data=v1beta1)` },
      };
    }
    const id = part.slice(0, eq).trim();
    const version = part.slice(eq + 1).trim();
    if (!(id in KINDS)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_KIND', message: `unknown kind "${id}"; known kinds: ${KIND_IDS.join(', ')}` },
      };
    }
    if (!VERSION_PATTERN.test(version)) {
      return {
        ok: false,
        error: {
          code: 'BAD_VERSION',
          message: `"${version}" for ${id} is not a Kubernetes API version (e.g. v1beta1, v1alpha1, v1)`,
        },
      };
    }
    versions[id as KindId] = version;
  }
  return { ok: true, versions };
}
