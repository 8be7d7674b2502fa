// Kubernetes Events for `kubectl describe` and `kubectl get events`.
//
// We write core/v1 Events through the same correlation as client-go's EventCorrelator (used by
// metal3 ip-address-manager and CAPI), so they look like upstream's to users and tools:
//  - identical events bump count/lastTimestamp of one Event (`kubectl describe`: "(x5 over 3m)");
//  - similar events (same object, type and reason, other messages): after 10 within 10 minutes,
//    the rest go into ONE Event "(combined from similar events): <latest message>";
//  - a token bucket per object (burst 25, one token per 5 minutes) drops the excess of a burst.
// So a burst of 10,000 allocations in one pool costs at most 25 Event writes, not 10,000.
// events.k8s.io/v1 series would need a separate isomorphic-series state machine for no visible
// gain, and old readers of core/v1 would see count=0/firstTimestamp unset on series events.
import type { KubeClient } from '../client/client';
import { isNotFound, toKubeApiError } from '../client/errors';
import { EventResource, type KubeObject, type ObjectReference } from '../client/resource';
import { defaultLogger, type Logger } from '../util/log';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: KubeClient;
  /** source.component / reportingComponent, e.g. "ipam-controller". */
  component: string;
  /** source.host / reportingInstance (default: $HOSTNAME). */
  host?: string;
  /** Remembered (object, type, reason, message) tuples for aggregation (default 4096). */
  cacheSize?: number;
  /** Distinct messages of one object/type/reason before they are combined (default 10). */
  maxSimilarEvents?: number;
  /** Window in which similar events count towards combining (default 10 min). */
  similarWindowMs?: number;
  /** Spam filter per object: burst and refill period of one token (default 25, 5 min). */
  spamBurst?: number;
  spamRefillMs?: number;
  logger?: Logger;
  now?: () => number;
}

interface Aggregate {
  eventName: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

interface SimilarEvents {
  messages: Set<string>;
  lastAt: number;
}

interface TokenBucket {
  tokens: number;
  at: number;
}

const COMBINED_PREFIX = '(combined from similar events): ';

const messageLimit = 1024; // the API server rejects longer event notes in events.k8s.io; keep parity

/** RFC 3339 with second precision, as metav1.Time. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class EventRecorder {
  readonly #client;
  readonly #component: string;
  readonly #host: string;
  readonly #cacheSize: number;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #aggregates = new Map<string, Aggregate>();
  readonly #similar = new Map<string, SimilarEvents>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #maxSimilar: number;
  readonly #similarWindowMs: number;
  readonly #spamBurst: number;
  readonly #spamRefillMs: number;
  /** Occurrences dropped by the spam filter (for tests and debugging). */
  dropped = 0;
  /** Writes for one aggregation key are serialized, so counts never go backwards. */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(options: EventRecorderOptions) {
    this.#client = options.client.resource(EventResource);
    this.#component = options.component;
    this.#host = options.host ?? process.env['HOSTNAME'] ?? '';
    this.#cacheSize = options.cacheSize ?? 4096;
    this.#log = (options.logger ?? defaultLogger()).child({ component: 'event-recorder' });
    this.#now = options.now ?? Date.now;
    this.#maxSimilar = options.maxSimilarEvents ?? 10;
    this.#similarWindowMs = options.similarWindowMs ?? 10 * 60_000;
    this.#spamBurst = options.spamBurst ?? 25;
    this.#spamRefillMs = options.spamRefillMs ?? 5 * 60_000;
  }

  /** Record an event; never throws and never blocks the caller (failures are logged). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const involvedObject: ObjectReference = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata?.namespace,
      name: obj.metadata?.name,
      uid: obj.metadata?.uid,
      resourceVersion: obj.metadata?.resourceVersion,
    };
    // The time of the occurrence, not of the (possibly queued) write.
    const at = this.#now();
    const objectKey = JSON.stringify([
      involvedObject.apiVersion,
      involvedObject.kind,
      involvedObject.namespace,
      involvedObject.name,
      involvedObject.uid,
    ]);
    if (!this.#takeToken(objectKey, at)) {
      this.dropped += 1;
      return;
    }
    let note = message.length > messageLimit ? `${message.slice(0, messageLimit - 3)}...` : message;
    const similarKey = `${objectKey}\u0000${type}\u0000${reason}`;
    let key = `${similarKey}\u0000${note}`;
    let similar = this.#similar.get(similarKey);
    if (!similar || at - similar.lastAt > this.#similarWindowMs) {
      similar = { messages: new Set(), lastAt: at };
      this.#similar.set(similarKey, similar);
      if (this.#similar.size > this.#cacheSize) this.#similar.delete(this.#similar.keys().next().value!);
    }
    similar.lastAt = at;
    if (!similar.messages.has(note) && similar.messages.size >= this.#maxSimilar) {
      // One Event for all further similar occurrences, keyed without the message.
      note = `${COMBINED_PREFIX}${note}`.slice(0, messageLimit);
      key = similarKey;
    } else {
      similar.messages.add(note);
    }
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#write(key, at, involvedObject, type, reason, note))
      .catch((err: unknown) =>
        this.#log.warn(
          {
            err: toKubeApiError(err).message,
            reason,
            object: `${involvedObject.namespace ?? ''}/${involvedObject.name}`,
          },
          'failed to record event',
        ),
      )
      .finally(() => {
        if (this.#chains.get(key) === next) this.#chains.delete(key);
      });
    this.#chains.set(key, next);
  }

  /** Wait for every pending event write (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  async #write(
    key: string,
    now: number,
    involvedObject: ObjectReference,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const timestamp = rfc3339(now);
    const known = this.#aggregates.get(key);
    if (known) {
      try {
        await this.#client.mergePatch(
          { name: known.eventName, namespace: known.namespace },
          { count: known.count + 1, lastTimestamp: timestamp, message },
        );
        known.count += 1;
        this.#touch(key, known);
        return;
      } catch (err) {
        // Events expire (--event-ttl, 1 h by default): start a new one.
        if (!isNotFound(err)) throw err;
        this.#aggregates.delete(key);
      }
    }
    // Cluster-scoped objects' events go to "default", as client-go does.
    const namespace = involvedObject.namespace || 'default';
    const eventName = `${involvedObject.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    await this.#client.create({
      metadata: { name: eventName, namespace },
      involvedObject,
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: this.#component, host: this.#host || undefined },
      reportingComponent: this.#component,
      reportingInstance: this.#host,
    });
    this.#touch(key, { eventName, namespace, count: 1, firstTimestamp: timestamp });
  }

  /** client-go's spam filter: a token bucket per involved object. */
  #takeToken(objectKey: string, at: number): boolean {
    let bucket = this.#buckets.get(objectKey);
    if (!bucket) {
      bucket = { tokens: this.#spamBurst, at };
      this.#buckets.set(objectKey, bucket);
      if (this.#buckets.size > this.#cacheSize) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    bucket.tokens = Math.min(this.#spamBurst, bucket.tokens + (at - bucket.at) / this.#spamRefillMs);
    bucket.at = at;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #touch(key: string, aggregate: Aggregate): void {
    this.#aggregates.delete(key);
    this.#aggregates.set(key, aggregate);
    if (this.#aggregates.size > this.#cacheSize) {
      const oldest = this.#aggregates.keys().next().value;
      if (oldest !== undefined) this.#aggregates.delete(oldest);
    }
  }
}
