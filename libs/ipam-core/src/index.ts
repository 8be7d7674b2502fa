// Public surface of @stableip/ipam-core. Keep it small: everything else is internal.
export * from './api/types';
export {
  type IP,
  type IPFamily,
  type CanonicalIP,
  type CIDR,
  parseIP,
  isIP,
  formatIP,
  canonicalIP,
  compareIP,
  compareIPNetip,
  ipEquals,
  parseCIDR,
  cidrContains,
} from './ip/ip';
