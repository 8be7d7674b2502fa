// Candidate generation for one IPPool range (`spec.pools[]`), ported from upstream's
// `GetIPAddress`, `GetPoolSize` and `ValidatePool` (api/v1alpha1/utils.go): same index space, same
// errors with the same texts, returned as values. On top of the per-index port, `compileRange`
// describes a range arithmetically (which indices generate, which values they give) so callers can
// answer membership and "first free" questions without walking the range.
import type { PoolRange } from '../api/types';
import {
  type CIDR,
  type IP,
  type CanonicalIP,
  IPV4_MAPPED_BASE,
  IPV4_MAPPED_MAX,
  IPV6_MAX,
  formatIP,
  ipFromValue,
  parseCIDR,
  parseIP,
} from './ip';

export type CandidateResult = { ok: true; ip: IP } | { ok: false; error: string };
export type RangeSizeResult = { ok: true; size: bigint } | { ok: false; error: string };

/** Upstream's `ErrPoolSizeOverflow` text. */
export const POOL_SIZE_OVERFLOW = 'pool size exceeds int range';
/** Go's `math.MaxInt` on the 64-bit platforms upstream ships for. */
export const GO_MAX_INT = (1n << 63n) - 1n;

/** Go's net.ParseIP: absent fields (`undefined`/`null`) are nil pointers, anything else is parsed. */
function isSet<T>(value: T | undefined | null): value is T {
  return value !== undefined && value !== null;
}

/** The largest value an offset may reach from `base` before upstream reports an overflow. */
function overflowLimit(base: IP): bigint {
  return base.family === 4 ? IPV4_MAPPED_MAX : IPV6_MAX;
}

/**
 * Go's `(*net.IPNet).Contains`. An IPv4 network (including an IPv6-text CIDR whose network is
 * IPv4-mapped) only contains IPv4 addresses and an IPv6 network only IPv6 ones, so an IPv6 subnet
 * that numerically covers ::ffff:0:0/96 does not contain those addresses.
 */
export function subnetContains(cidr: CIDR, ip: IP): boolean {
  if (ip.value < cidr.first || ip.value > cidr.last) return false;
  return ipFromValue(cidr.first).family === ip.family;
}

/**
 * The address at `index` of a range, exactly as upstream's `GetIPAddress(entry, index)`: start + index
 * (or the CIDR's written IP + index + 1 for subnet-only ranges), checked for overflow, then against
 * `end`, then against `subnet`. Error texts are upstream's.
 */
export function candidateAt(range: PoolRange, index: bigint): CandidateResult {
  return candidateGenerator(range)(index);
}

/**
 * `candidateAt` for one range with its fields parsed once: the per-index work is what upstream's
 * scans pay for each step (one add, the bound checks), without re-parsing the spec every time.
 */
export function candidateGenerator(range: PoolRange): (index: bigint) => CandidateResult {
  const { start: startText, end: endText, subnet: subnetText } = range;
  const fail = (error: string) => (): CandidateResult => ({ ok: false, error });
  if (!isSet(startText) && !isSet(subnetText))
    return fail('either Start or Subnet is required for ipAddress');
  const parsedSubnet = isSet(subnetText) ? parseCIDR(subnetText) : undefined;

  if (isSet(startText)) {
    const start = parseIP(startText);
    if (!start) return fail('invalid IP address');
    const limit = overflowLimit(start);
    // An unparseable end is a nil net.IP upstream, which means "no upper bound".
    const end = isSet(endText) ? parseIP(endText) : undefined;
    const overflow = `IP address overflow for : ${formatIP(start)}`;
    const pastEnd = `IP address out of bounds for : ${formatIP(start)}`;
    return (index) => {
      if (index < 0n) return { ok: false, error: 'index must not be negative' };
      const value = start.value + index;
      if (value > limit) return { ok: false, error: overflow };
      if (end && value > end.value) return { ok: false, error: pastEnd };
      const candidate = ipFromValue(value);
      if (parsedSubnet) {
        if (!parsedSubnet.ok) return { ok: false, error: parsedSubnet.error };
        if (!subnetContains(parsedSubnet.cidr, candidate))
          return { ok: false, error: 'IP address out of bounds' };
      }
      return { ok: true, ip: candidate };
    };
  }

  if (!parsedSubnet?.ok) return fail(parsedSubnet?.error ?? 'invalid CIDR address');
  const cidr = parsedSubnet.cidr;
  const limit = overflowLimit(cidr.ip);
  const overflow = `IP address overflow for : ${formatIP(cidr.ip)}`;
  return (index) => {
    if (index < 0n) return { ok: false, error: 'index must not be negative' };
    const value = cidr.ip.value + index + 1n;
    if (value > limit) return { ok: false, error: overflow };
    const candidate = ipFromValue(value);
    if (!subnetContains(cidr, candidate)) return { ok: false, error: 'IP address out of bounds' };
    return { ok: true, ip: candidate };
  };
}

/** Go's `%q` for the strings upstream quotes in messages. */
export function goQuote(text: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (named[char] !== undefined) out += named[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029 || code === 0xfeff)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Upstream's `ValidatePool`: well-formed fields and start <= end. Returns the error text or undefined. */
export function validateRangeFields(range: PoolRange): string | undefined {
  const start = isSet(range.start) ? parseIP(range.start) : undefined;
  if (isSet(range.start) && !start) return `invalid Start IP ${goQuote(range.start)}`;
  const end = isSet(range.end) ? parseIP(range.end) : undefined;
  if (isSet(range.end) && !end) return `invalid End IP ${goQuote(range.end)}`;
  if (isSet(range.subnet)) {
    const parsed = parseCIDR(range.subnet);
    if (!parsed.ok) return `invalid Subnet ${goQuote(range.subnet)}: ${parsed.error}`;
  }
  if (start && end && start.value > end.value)
    return `end IP ${formatIP(end)} is before start IP ${formatIP(start)}`;
  return undefined;
}

/**
 * Upstream's `GetPoolSize`: the size of the index space [0, size) the random strategy walks. It
 * needs a bounded range, ignores host bits written in a subnet-only CIDR (so it can overstate, as
 * upstream does) and fails beyond Go's int range ("pool size exceeds int range").
 */
export function rangeSize(range: PoolRange): RangeSizeResult {
  const invalid = validateRangeFields(range);
  if (invalid) return { ok: false, error: invalid };
  // Every present field parses now (validateRangeFields checked them).
  const start = isSet(range.start) ? parseIP(range.start) : undefined;
  const end = isSet(range.end) ? parseIP(range.end) : undefined;
  const parsedSubnet = isSet(range.subnet) ? parseCIDR(range.subnet) : undefined;
  const cidr = parsedSubnet?.ok ? parsedSubnet.cidr : undefined;
  if (!start && !cidr) return { ok: false, error: 'either Start or Subnet is required for ipAddress' };
  let first: bigint;
  let last: bigint;
  let inclusiveStart = true;
  if (start && end) {
    first = start.value;
    last = end.value;
  } else if (start && cidr) {
    first = start.value;
    last = cidr.last;
  } else if (start) {
    return { ok: false, error: 'pool with Start requires End or Subnet to determine size' };
  } else {
    first = cidr!.first;
    last = cidr!.last;
    inclusiveStart = false;
  }
  let size = last - first;
  if (size < 0n)
    return { ok: false, error: `end IP ${formatIP(last)} is before start IP ${formatIP(first)}` };
  if (inclusiveStart) size += 1n;
  if (size > GO_MAX_INT) return { ok: false, error: POOL_SIZE_OVERFLOW };
  return { ok: true, size };
}

/** An inclusive interval of 128-bit address values or of indices. */
export interface ValueInterval {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * A range described arithmetically. Index i generates the value `base + i` exactly when that value
 * lies in one of `values`; `sequentialCount` is how many indices generate before the first error,
 * i.e. what upstream's sequential scans (dynamic, preallocated and requested) can ever reach.
 */
export interface CompiledRange {
  readonly range: PoolRange;
  /** Value of index 0, when the range can generate at all. */
  readonly base: bigint | undefined;
  /** Sorted, disjoint value intervals of every index that generates (at most two). */
  readonly values: readonly ValueInterval[];
  /** Indices [0, sequentialCount) generate; index `sequentialCount` is the first that fails. */
  readonly sequentialCount: bigint;
  /** `rangeSize(range)`, which bounds the random walk. */
  readonly size: RangeSizeResult;
}

function intersect(intervals: readonly ValueInterval[], first: bigint, last: bigint): ValueInterval[] {
  const out: ValueInterval[] = [];
  for (const interval of intervals) {
    const lo = interval.first > first ? interval.first : first;
    const hi = interval.last < last ? interval.last : last;
    if (lo <= hi) out.push({ first: lo, last: hi });
  }
  return out;
}

/** Value set of Go's `ipNet.Contains` (see `subnetContains`) as sorted intervals. */
function subnetValues(cidr: CIDR): ValueInterval[] {
  const whole = [{ first: cidr.first, last: cidr.last }];
  if (ipFromValue(cidr.first).family === 4) return whole;
  const below = intersect(whole, 0n, IPV4_MAPPED_BASE - 1n);
  const above = intersect(whole, IPV4_MAPPED_MAX + 1n, IPV6_MAX);
  return [...below, ...above];
}

const NOTHING = (range: PoolRange): CompiledRange => ({
  range,
  base: undefined,
  values: [],
  sequentialCount: 0n,
  size: rangeSize(range),
});

/** Describes a range without enumerating it; agrees with `candidateAt` at every index. */
export function compileRange(range: PoolRange): CompiledRange {
  let base: IP;
  let upper: bigint;
  let cidr: CIDR | undefined;
  if (isSet(range.start)) {
    const start = parseIP(range.start);
    if (!start) return NOTHING(range);
    base = start;
    upper = overflowLimit(start);
    const end = isSet(range.end) ? parseIP(range.end) : undefined;
    if (end && end.value < upper) upper = end.value;
    if (isSet(range.subnet)) {
      const parsed = parseCIDR(range.subnet);
      if (!parsed.ok) return NOTHING(range);
      cidr = parsed.cidr;
    }
  } else if (isSet(range.subnet)) {
    const parsed = parseCIDR(range.subnet);
    if (!parsed.ok) return NOTHING(range);
    cidr = parsed.cidr;
    const limit = overflowLimit(cidr.ip);
    if (cidr.ip.value + 1n > limit) return NOTHING(range);
    base = ipFromValue(cidr.ip.value + 1n);
    upper = limit;
  } else {
    return NOTHING(range);
  }
  let values: ValueInterval[] = base.value <= upper ? [{ first: base.value, last: upper }] : [];
  if (cidr) values = subnetValues(cidr).flatMap((allowed) => intersect(values, allowed.first, allowed.last));
  const head = values[0];
  const sequentialCount = head && head.first === base.value ? head.last - head.first + 1n : 0n;
  return { range, base: base.value, values, sequentialCount, size: rangeSize(range) };
}

/** True when upstream's sequential scan of `range` (from index 0 to its first error) reaches `ip`. */
export function compiledRangeContains(compiled: CompiledRange, value: bigint): boolean {
  return (
    compiled.base !== undefined && value >= compiled.base && value < compiled.base + compiled.sequentialCount
  );
}

/**
 * Whether upstream's scan of `range` for a preallocated or requested IP would find `ip`, decided
 * arithmetically (upstream walks the range, endlessly for an IPv6 /64).
 */
export function rangeContains(range: PoolRange, ip: IP): boolean {
  return compiledRangeContains(compileRange(range), ip.value);
}

/**
 * IPAddress object name as upstream's `formatAddressName`: `namePrefix-address` with every `:` and
 * `.` turned into `-`, then all trailing `-` removed.
 */
export function formatAddressName(namePrefix: string, address: string): string {
  return `${namePrefix}-${address}`.replace(/[:.]/g, '-').replace(/-+$/, '');
}

/** Convenience: the canonical text of the candidate at `index`, or undefined when it fails. */
export function candidateTextAt(range: PoolRange, index: bigint): CanonicalIP | undefined {
  const result = candidateAt(range, index);
  return result.ok ? formatIP(result.ip) : undefined;
}
