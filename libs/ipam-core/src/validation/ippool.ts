// IPPool admission, as ip-address-manager's internal/webhooks/v1alpha1/ippool_webhook.go does it.
// Go iterates maps (preAllocations, status.indexes) in random order; here they are visited in
// claim-name order, so the reported errors — including which claim a duplicate preAllocation is
// said to collide with (the first name in sorted order owns the address) — are deterministic.
import type { AllocationStrategy, IPPool, PoolRange } from '../api/types';
import { ipFromValue, isIP, parseCIDR } from '../ip/ip';
import { rangeSize, subnetContains, validateRangeFields } from '../ip/range';
import { type FieldError, FieldPath, goQuote, invalid } from './field-error';
import { compareNetipAddr, netipKey, parseNetipAddr } from './go-net';
import { type ValidationResult, rejectOrAllow } from './result';

export const IPPOOL_DETAILS = {
  notAnIP: 'is not a valid IP address',
  emptyPoolEntry: 'pool entry must specify at least one of start, end, or subnet',
  /** Upstream's create-time typo, kept for compatibility. */
  preAllocationOutOfBoundsOnCreate: 'is out of bonds of the pools given',
  preAllocationOutOfBoundsOnUpdate: 'is out of bounds of the pools given',
  inUseOutOfBounds: 'is in use but out of bounds of the pools given',
  namePrefixImmutable: 'cannot be modified',
  allocationStrategyImmutable: 'cannot be modified after creation',
} as const;

const DEFAULT_STRATEGY: AllocationStrategy = 'sequential';

const present = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

/** The webhook's validateIPAddress: empty is accepted, anything else must parse (net.ParseIP). */
function isAcceptableIP(value: unknown): boolean {
  const text = String(value);
  return text === '' || isIP(text);
}

function sortedEntries(record: Record<string, unknown> | null | undefined): Array<[string, unknown]> {
  if (!record || typeof record !== 'object') return [];
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** True when at least one range admits the address (isAddressInBounds, netip ordering). */
export function isAddressInPoolBounds(
  pools: readonly PoolRange[] | null | undefined,
  address: unknown,
): boolean {
  const ip = parseNetipAddr(String(address));
  if (!ip) return false;
  for (const pool of pools ?? []) {
    if (!pool || (!present(pool.start) && !present(pool.end) && !present(pool.subnet))) continue;
    if (present(pool.start)) {
      const start = parseNetipAddr(String(pool.start));
      if (!start || compareNetipAddr(start, ip) > 0) continue;
    }
    if (present(pool.end)) {
      const end = parseNetipAddr(String(pool.end));
      if (!end || compareNetipAddr(end, ip) < 0) continue;
    }
    if (present(pool.subnet)) {
      const subnet = parseCIDR(String(pool.subnet));
      // Upstream re-parses ip.String() with net.ParseIP, which rejects zoned addresses.
      if (!subnet.ok || ip.zone !== '' || !subnetContains(subnet.cidr, ipFromValue(ip.value))) continue;
    }
    return true;
  }
  return false;
}

/** validatePoolRanges: address fields, duplicate preAllocations and every pool entry. */
function validatePoolRanges(pool: IPPool): FieldError[] {
  const spec = pool.spec ?? ({} as IPPool['spec']);
  const errors: FieldError[] = [];

  if (present(spec.gateway) && !isAcceptableIP(spec.gateway)) {
    errors.push(invalid('spec.gateway', spec.gateway, 'json', IPPOOL_DETAILS.notAnIP));
  }
  (spec.dnsServers ?? []).forEach((server, i) => {
    if (!isAcceptableIP(server)) {
      errors.push(
        invalid(
          FieldPath.of('spec', 'dnsServers').index(i).toString(),
          server,
          'json',
          IPPOOL_DETAILS.notAnIP,
        ),
      );
    }
  });

  // Duplicates compare parsed addresses, so text forms of the same IPv6 address collide.
  const ownerByAddress = new Map<string, string>();
  for (const [claim, address] of sortedEntries(spec.preAllocations)) {
    const field = FieldPath.of('spec', 'preAllocations', claim).toString();
    if (!isAcceptableIP(address)) {
      errors.push(invalid(field, address, 'json', IPPOOL_DETAILS.notAnIP));
      continue;
    }
    const parsed = parseNetipAddr(String(address));
    const key = parsed ? netipKey(parsed) : 'invalid'; // '' parses to Go's zero Addr
    const owner = ownerByAddress.get(key);
    if (owner !== undefined) {
      errors.push(
        invalid(field, address, 'json', `IP address is already pre-allocated to claim ${goQuote(owner)}`),
      );
    } else {
      ownerByAddress.set(key, claim);
    }
  }

  const random = spec.allocationStrategy === 'random';
  (spec.pools ?? []).forEach((entry, i) => {
    const entryPath = FieldPath.of('spec', 'pools').index(i);
    const errorsBefore = errors.length;
    const range: PoolRange = entry ?? {};
    if (!present(range.start) && !present(range.end) && !present(range.subnet)) {
      errors.push(invalid(entryPath.toString(), '', 'quoted', IPPOOL_DETAILS.emptyPoolEntry));
      return;
    }
    const rangeProblem = validateRangeFields(range);
    if (rangeProblem !== undefined) errors.push(invalid(entryPath.toString(), '', 'quoted', rangeProblem));
    if (present(range.gateway) && !isAcceptableIP(range.gateway)) {
      errors.push(
        invalid(entryPath.child('gateway').toString(), range.gateway, 'json', IPPOOL_DETAILS.notAnIP),
      );
    }
    (range.dnsServers ?? []).forEach((server, j) => {
      if (!isAcceptableIP(server)) {
        const field = entryPath.child('dnsServers').index(j).toString();
        errors.push(invalid(field, server, 'json', IPPOOL_DETAILS.notAnIP));
      }
    });
    // Random picks an offset inside the range, so it needs a finite size; skipped when the entry
    // already has errors, as upstream does.
    if (random && errors.length === errorsBefore) {
      const size = rangeSize(range);
      if (!size.ok) {
        const detail = `cannot be used with allocationStrategy "random": ${size.error}`;
        errors.push(invalid(entryPath.toString(), '', 'quoted', detail));
      }
    }
  });
  return errors;
}

function outOfBoundsAddresses(
  pools: readonly PoolRange[] | undefined,
  record: Record<string, unknown> | undefined,
) {
  return sortedEntries(record)
    .map(([, address]) => address)
    .filter((address) => !isAddressInPoolBounds(pools, address));
}

export function validateIPPoolCreate(pool: IPPool): ValidationResult {
  const errors = validatePoolRanges(pool);
  for (const address of outOfBoundsAddresses(pool.spec?.pools, pool.spec?.preAllocations)) {
    errors.push(
      invalid('spec.preAllocations', address, 'json', IPPOOL_DETAILS.preAllocationOutOfBoundsOnCreate),
    );
  }
  return rejectOrAllow('IPPool', pool.metadata?.name, errors);
}

export function validateIPPoolUpdate(oldPool: IPPool, newPool: IPPool): ValidationResult {
  const errors: FieldError[] = [];
  const oldSpec = oldPool.spec ?? ({} as IPPool['spec']);
  const newSpec = newPool.spec ?? ({} as IPPool['spec']);

  if ((newSpec.namePrefix ?? '') !== (oldSpec.namePrefix ?? '')) {
    errors.push(
      invalid('spec.namePrefix', newSpec.namePrefix ?? '', 'quoted', IPPOOL_DETAILS.namePrefixImmutable),
    );
  }
  // An empty strategy counts as the default on both sides, so legacy objects compare equal.
  const oldStrategy = oldSpec.allocationStrategy || DEFAULT_STRATEGY;
  const newStrategy = newSpec.allocationStrategy || DEFAULT_STRATEGY;
  if (oldStrategy !== newStrategy) {
    const value = newSpec.allocationStrategy ?? '';
    errors.push(
      invalid('spec.allocationStrategy', value, 'json', IPPOOL_DETAILS.allocationStrategyImmutable),
    );
  }

  errors.push(...validatePoolRanges(newPool));
  for (const address of outOfBoundsAddresses(newSpec.pools, newSpec.preAllocations)) {
    errors.push(
      invalid('spec.preAllocations', address, 'json', IPPOOL_DETAILS.preAllocationOutOfBoundsOnUpdate),
    );
  }
  // Addresses handed out under the old ranges must stay inside the new ones.
  for (const address of outOfBoundsAddresses(newSpec.pools, oldPool.status?.indexes)) {
    errors.push(invalid('spec.pools', address, 'json', IPPOOL_DETAILS.inUseOutOfBounds));
  }
  return rejectOrAllow('IPPool', newPool.metadata?.name, errors);
}

/** The mutating webhook: an empty allocationStrategy becomes `sequential`. Returns a new object. */
export function defaultIPPool(pool: IPPool): IPPool {
  if (pool.spec?.allocationStrategy) return pool;
  return { ...pool, spec: { ...pool.spec, allocationStrategy: DEFAULT_STRATEGY } };
}
