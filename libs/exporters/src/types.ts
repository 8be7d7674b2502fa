// Input of every renderer: hosts with their current addresses (one source of truth, many formats).
import type { IPFamily } from '@stableip/ipam-core';

export interface HostAddress {
  /** Pool the address comes from. */
  pool: string;
  /** Canonical text (Go's net.IP.String()). */
  address: string;
  family: IPFamily;
  /** Prefix length of the pool's network (informational: exports use host routes /32, /128). */
  prefix: number;
}

export interface ExportHost {
  cluster: string;
  namespace: string;
  /** BareMetalHost name. */
  name: string;
  labels: Readonly<Record<string, string>>;
  addresses: readonly HostAddress[];
}

/** Labels every rendered object carries so consumers can select what stableip generated. */
export const LABEL_CLUSTER = 'stableip.dev/cluster';
export const LABEL_NAMESPACE = 'stableip.dev/namespace';
export const LABEL_HOST = 'stableip.dev/host';
export const LABEL_POOL = 'stableip.dev/pool';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'stableip';
