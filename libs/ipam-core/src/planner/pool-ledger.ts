// The addresses of one IPPool, kept between reconciles: which claim holds which address, and the
// allocator that knows them. A reconcile re-syncs it with the IPAddress objects it reads (level
// based: whatever the objects say wins), which costs a map lookup per address instead of parsing
// every address and rebuilding the allocator; a pass's own allocations are undone when it ends, so
// only objects that really exist are ever in the ledger.
import type { CapiIPAddress, IPPool, Metal3IPAddress } from '../api/types';
import { PoolAllocator, type PoolCapacity } from './deps';
import type { PassAllocator, PassIndexes, PoolAddressBook } from './pool-pass';

export type AddressKind = 'Metal3IPAddress' | 'CapiIPAddress';

interface Held {
  address: string;
  claimName: string;
  seen: number;
}

type JournalEntry = [op: 'allocated' | 'released', address: string, claimName: string];

/** What makes a ledger reusable for a pool: the same object, spec and deletion state. */
function ledgerKey(pool: IPPool): string {
  return JSON.stringify([pool.metadata.uid, Boolean(pool.metadata.deletionTimestamp), pool.spec]);
}

export class PoolLedger {
  readonly #key: string;
  readonly #allocator: PoolAllocator;
  readonly #objects: Record<AddressKind, Map<string, Held>> = {
    Metal3IPAddress: new Map(),
    CapiIPAddress: new Map(),
  };
  /** claim name → the address its IPAddress holds (what status.indexes shows). */
  readonly #byClaim = new Map<string, Held>();
  /** claim name → how many objects name it (more than one only when objects collide). */
  readonly #holdersOfClaim = new Map<string, number>();
  #generation = 0;

  constructor(pool: IPPool, options: { random?: () => number } = {}) {
    this.#key = ledgerKey(pool);
    this.#allocator = new PoolAllocator(pool.spec, {
      deleting: Boolean(pool.metadata.deletionTimestamp),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  /** False when the pool changed in a way that needs a new ledger (spec, deletion, re-creation). */
  fits(pool: IPPool): boolean {
    return ledgerKey(pool) === this.#key;
  }

  /** IPAddress objects on the pool. */
  get size(): number {
    return this.#objects.Metal3IPAddress.size + this.#objects.CapiIPAddress.size;
  }

  /** Claim name → address, as the pool's IPAddress objects say (status.indexes). */
  indexes(): ReadonlyMap<string, string> {
    const indexes = new Map<string, string>();
    for (const [claimName, held] of this.#byClaim) indexes.set(claimName, held.address);
    return indexes;
  }

  /** The address held for `claimName`, if any. */
  addressOf(claimName: string): string | undefined {
    return this.#byClaim.get(claimName)?.address;
  }

  capacity(): PoolCapacity {
    return this.#allocator.capacity();
  }

  /** Make the ledger hold exactly these IPAddress objects of the pool. */
  sync(metal3: Iterable<Metal3IPAddress>, capi: Iterable<CapiIPAddress>): void {
    const generation = ++this.#generation;
    for (const address of metal3) {
      this.#see(
        'Metal3IPAddress',
        address.metadata.name ?? '',
        address.spec.address,
        address.spec.claim?.name ?? '',
        generation,
      );
    }
    for (const address of capi) {
      this.#see(
        'CapiIPAddress',
        address.metadata.name ?? '',
        address.spec.address,
        address.spec.claimRef?.name ?? '',
        generation,
      );
    }
    for (const objects of Object.values(this.#objects)) {
      for (const [name, held] of objects) {
        if (held.seen === generation) continue;
        objects.delete(name);
        this.#forget(held);
      }
    }
  }

  /**
   * A book for one pass: reads see the ledger, the pass's allocations and releases are journaled
   * and undone by `end()` (the objects they lead to come back through the next sync).
   */
  openPass(): { book: PoolAddressBook; end: () => void } {
    const journal: JournalEntry[] = [];
    const allocator = this.#allocator;
    const changes = new Map<string, string | undefined>();
    const byClaim = this.#byClaim;
    const indexes: PassIndexes = {
      get: (claimName) => (changes.has(claimName) ? changes.get(claimName) : byClaim.get(claimName)?.address),
      set: (claimName, address) => changes.set(claimName, address),
      delete: (claimName) => changes.set(claimName, undefined),
    };
    const journaled: PassAllocator = {
      allocate: (request) => {
        const result = allocator.allocate(request);
        if (result.ok) journal.push(['allocated', result.allocation.address, request.claimName]);
        return result;
      },
      release: (address, claimName) => {
        allocator.release(address, claimName);
        journal.push(['released', address, claimName]);
      },
    };
    return {
      book: { indexes, allocator: () => journaled, liveAddresses: this.size },
      end: () => {
        for (let i = journal.length - 1; i >= 0; i--) {
          const [op, address, claimName] = journal[i]!;
          if (op === 'allocated') allocator.unmark(address, claimName);
          else allocator.markInUse(address, claimName);
        }
      },
    };
  }

  #see(kind: AddressKind, name: string, address: string, claimName: string, generation: number): void {
    const objects = this.#objects[kind];
    const known = objects.get(name);
    if (known && known.address === address && known.claimName === claimName) {
      known.seen = generation;
      return;
    }
    if (known) this.#forget(known);
    const held: Held = { address, claimName, seen: generation };
    objects.set(name, held);
    this.#allocator.markInUse(address, claimName);
    this.#byClaim.set(claimName, held);
    this.#holdersOfClaim.set(claimName, (this.#holdersOfClaim.get(claimName) ?? 0) + 1);
  }

  #forget(held: Held): void {
    const holders = (this.#holdersOfClaim.get(held.claimName) ?? 1) - 1;
    if (holders > 0) this.#holdersOfClaim.set(held.claimName, holders);
    else this.#holdersOfClaim.delete(held.claimName);
    this.#allocator.unmark(held.address, held.claimName);
    if (this.#byClaim.get(held.claimName) !== held) return;
    this.#byClaim.delete(held.claimName);
    if (holders === 0) return;
    // Both kinds share claim names: another object may still hold one for this claim.
    for (const objects of Object.values(this.#objects)) {
      for (const other of objects.values()) {
        if (other !== held && other.claimName === held.claimName) {
          this.#byClaim.set(held.claimName, other);
          this.#allocator.markInUse(other.address, other.claimName);
          return;
        }
      }
    }
  }
}
