// stableip's host label: which BareMetalHost a Metal3Data and its IPClaims belong to, without
// parsing `{bmh}-{pool}` names. CAPM3 has no such label (its docs once promised one); the key is
// under stableip's own domain so it never collides with a label upstream may add.
import { Labels } from '../api/types';

/** `name` rules of a label value: at most 63 characters, alphanumerics, `-`, `_`, `.` inside. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_VALUE_MAX = 63;

/**
 * The label naming the host, or nothing when the host's name cannot be a label value (BMH names
 * are DNS subdomains of up to 253 characters; label values stop at 63). Readers then fall back to
 * the claim name or the Metal3Data chain, which always work.
 */
export function hostLabels(bmhName: string | undefined): Record<string, string> {
  if (!bmhName || bmhName.length > LABEL_VALUE_MAX || !LABEL_VALUE.test(bmhName)) return {};
  return { [Labels.bareMetalHost]: bmhName };
}

/** The `{bmh}` of a `{bmh}-{pool}` claim name, when the name has that form. */
export function hostOfClaimName(claimName: string, poolName: string): string | undefined {
  const suffix = `-${poolName}`;
  if (!poolName || !claimName.endsWith(suffix) || claimName.length <= suffix.length) return undefined;
  return claimName.slice(0, -suffix.length);
}
