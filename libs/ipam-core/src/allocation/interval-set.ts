// A set of 128-bit values stored as maximal runs of consecutive values ([first, last] with no two
// runs touching), kept in a balanced ordered map keyed by `first`. Every operation is O(log r) for
// r runs, so "first value not in the set at or after x" — the heart of sequential allocation and of
// exhaustion detection — costs one tree lookup however many addresses are taken.
import { OrderedMap } from '@js-sdsl/ordered-map';

/**
 * Tree keys carry a Number approximation next to the exact BigInt. Number(bigint) rounds
 * monotonically, so unequal approximations already decide the order with a cheap double compare;
 * only equal ones (always the case at an exact match, and near neighbours above 2^53) compare the
 * BigInts. IPv4 values (< 2^49) are exact doubles, so their searches never touch BigInt compares.
 */
interface Key {
  readonly approx: number;
  readonly exact: bigint;
}

const keyOf = (value: bigint): Key => ({ approx: Number(value), exact: value });

const compareKeys = (a: Key, b: Key): number =>
  a.approx < b.approx ? -1 : a.approx > b.approx ? 1 : a.exact < b.exact ? -1 : a.exact > b.exact ? 1 : 0;

export interface Run {
  readonly first: bigint;
  readonly last: bigint;
}

export class ValueIntervalSet {
  /** run start → run end (inclusive). */
  private readonly runs = new OrderedMap<Key, bigint>([], compareKeys);
  private total = 0n;

  /** Number of values in the set. */
  get size(): bigint {
    return this.total;
  }

  /** Number of maximal runs (for tests and diagnostics). */
  get runCount(): number {
    return this.runs.size();
  }

  /** The run with the greatest start <= `value` (it may end before `value`). */
  private floorRun(value: bigint): Run | undefined {
    const it = this.runs.reverseLowerBound(keyOf(value));
    if (!it.isAccessible()) return undefined;
    // One read of the iterator's pointer (a Proxy in js-sdsl) and index access, not destructuring.
    const pair = it.pointer;
    return { first: pair[0].exact, last: pair[1] };
  }

  /** The run containing `value`, if any. */
  private runAt(value: bigint): Run | undefined {
    const run = this.floorRun(value);
    return run && run.last >= value ? run : undefined;
  }

  has(value: bigint): boolean {
    return this.runAt(value) !== undefined;
  }

  /** The smallest value >= `value` that is not in the set (may exceed any address: callers bound it). */
  firstAbsentFrom(value: bigint): bigint {
    const run = this.runAt(value);
    return run ? run.last + 1n : value;
  }

  /** Adds `value`; returns false when it was already present. */
  add(value: bigint): boolean {
    const floor = this.floorRun(value);
    if (floor && floor.last >= value) return false;
    const before = floor && floor.last === value - 1n ? floor : undefined;
    const after = keyOf(value + 1n);
    const afterLast = this.runs.getElementByKey(after);
    if (before && afterLast !== undefined) {
      this.runs.eraseElementByKey(after);
      this.runs.setElement(keyOf(before.first), afterLast);
    } else if (before) {
      this.runs.setElement(keyOf(before.first), value);
    } else if (afterLast !== undefined) {
      this.runs.eraseElementByKey(after);
      this.runs.setElement(keyOf(value), afterLast);
    } else {
      this.runs.setElement(keyOf(value), value);
    }
    this.total += 1n;
    return true;
  }

  /** Removes `value`; returns false when it was not present. */
  delete(value: bigint): boolean {
    const run = this.runAt(value);
    if (!run) return false;
    if (run.first === value) this.runs.eraseElementByKey(keyOf(value));
    else this.runs.setElement(keyOf(run.first), value - 1n);
    if (run.last > value) this.runs.setElement(keyOf(value + 1n), run.last);
    this.total -= 1n;
    return true;
  }

  /** How many values of [first, last] are in the set; O(log r + runs overlapping the window). */
  countWithin(first: bigint, last: bigint): bigint {
    if (first > last) return 0n;
    let count = 0n;
    let it = this.runs.reverseLowerBound(keyOf(first));
    if (!it.isAccessible()) it = this.runs.begin();
    for (; it.isAccessible(); it = it.next()) {
      const pair = it.pointer;
      const runFirst = pair[0].exact;
      const runLast = pair[1];
      if (runFirst > last) break;
      const lo = runFirst > first ? runFirst : first;
      const hi = runLast < last ? runLast : last;
      if (lo <= hi) count += hi - lo + 1n;
    }
    return count;
  }

  /** Runs in ascending order. */
  *[Symbol.iterator](): IterableIterator<Run> {
    for (const [first, last] of this.runs) yield { first: first.exact, last };
  }
}
