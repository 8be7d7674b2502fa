// Leader election on a coordination.k8s.io/v1 Lease with client-go's algorithm
// (k8s.io/client-go/tools/leaderelection): acquire when the lease is free or its holder has not
// renewed within leaseDuration as observed by OUR clock (no cross-node clock comparison), renew
// every retryPeriod, and give up leadership — fencing — when renewals fail for renewDeadline.
// Writes use PUT with resourceVersion, so two candidates can never both win one round.
import type { KubeClient } from '../client/client';
import { isAlreadyExists, isConflict, isNotFound, toKubeApiError } from '../client/errors';
import { LeaseResource, type Lease } from '../client/resource';
import { jittered, sleep } from '../util/backoff';
import { defaultLogger, type Logger } from '../util/log';

export interface LeaderElectionOptions {
  client: KubeClient;
  /** Lease name and namespace, e.g. "ipam-manager-leader" in the operator's namespace. */
  name: string;
  namespace: string;
  /** Unique per replica (default: hostname + random suffix). */
  identity: string;
  /** How long a lease is valid after its last renewal (default 15 s). */
  leaseDurationMs?: number;
  /** The leader gives up if it cannot renew for this long (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Hand the lease over at once on stop (default true). */
  releaseOnCancel?: boolean;
  logger?: Logger;
  now?: () => number;
}

export interface LeaderCallbacks {
  /** Became leader. `signal` aborts when leadership ends (lost or released). */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Leadership ended (lost or released). Stop all reconciling work. */
  onStoppedLeading?(): void | Promise<void>;
  onNewLeader?(identity: string): void;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #client;
  readonly #options: Required<Omit<LeaderElectionOptions, 'client' | 'logger'>>;
  readonly #log: Logger;
  /** The last lease we saw and when (our clock) it last changed. */
  #observed: { lease: Lease; at: number } | undefined;
  #leading = false;
  #leader = '';

  constructor(options: LeaderElectionOptions) {
    this.#client = options.client.resource(LeaseResource);
    this.#options = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: true,
      now: Date.now,
      ...options,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.#options;
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * 1.2)) {
      throw new RangeError('need leaseDuration > renewDeadline > 1.2 × retryPeriod');
    }
    this.#log = (options.logger ?? defaultLogger()).child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Identity of the current holder as last observed ('' when unknown or free). */
  get leader(): string {
    return this.#leader;
  }

  /**
   * Campaign until `signal` aborts: acquire, lead while renewals succeed, and after losing the
   * lease campaign again. Resolves after `signal` aborted and the lease was released.
   */
  async run(callbacks: LeaderCallbacks, signal: AbortSignal): Promise<void> {
    this.#onNewLeader = callbacks.onNewLeader;
    while (!signal.aborted) {
      if (!(await this.#acquire(signal))) break;
      const leadership = new AbortController();
      this.#leading = true;
      this.#log.info('became leader');
      void Promise.resolve()
        .then(() => callbacks.onStartedLeading(leadership.signal))
        .catch((err: unknown) => this.#log.error({ err }, 'onStartedLeading failed'));
      await this.#renewLoop(signal);
      this.#leading = false;
      leadership.abort();
      if (signal.aborted && this.#options.releaseOnCancel) await this.#release();
      else this.#log.warn('leadership lost: failed to renew the lease');
      try {
        await callbacks.onStoppedLeading?.();
      } catch (err) {
        this.#log.error({ err }, 'onStoppedLeading failed');
      }
    }
  }

  /** One attempt (exposed for tests): true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { name, namespace, identity, leaseDurationMs } = this.#options;
    const now = this.#options.now();
    let current: Lease;
    try {
      current = await this.#client.get({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw toKubeApiError(err);
      try {
        const created = await this.#client.create({
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        this.#observe(created, now);
        return true;
      } catch (createErr) {
        if (isAlreadyExists(createErr)) return false;
        throw createErr;
      }
    }

    const previous = this.#observed;
    if (!previous || JSON.stringify(previous.lease.spec) !== JSON.stringify(current.spec)) {
      this.#observe(current, now);
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const observedAt = this.#observed?.at ?? now;
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(leaseDurationMs / 1000)) * 1000;
    if (holder !== '' && holder !== identity && observedAt + durationMs > now) return false;

    const takingOver = holder !== identity;
    const next: Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
        renewTime: microTime(now),
        acquireTime: takingOver ? microTime(now) : spec.acquireTime,
        // As client-go: every change of holder counts, including taking over a released lease.
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver ? 1 : 0),
      },
    };
    try {
      this.#observe(await this.#client.update(next), now);
      return true;
    } catch (err) {
      if (isConflict(err)) return false; // someone else wrote first: re-read next round
      throw err;
    }
  }

  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      try {
        if (await this.tryAcquireOrRenew()) return true;
      } catch (err) {
        this.#log.warn({ err: toKubeApiError(err).message }, 'error acquiring lease');
      }
      if (!(await sleep(jittered(this.#options.retryPeriodMs * 1.1, 0.1), signal))) return false;
    }
    return false;
  }

  /** Renew every retryPeriod; returns when a renewal deadline passes or `signal` aborts. */
  async #renewLoop(signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs, identity } = this.#options;
    let lastRenew = this.#options.now();
    while (!signal.aborted) {
      if (!(await sleep(retryPeriodMs, signal))) return;
      const remaining = renewDeadlineMs - (this.#options.now() - lastRenew);
      if (remaining > 0 && (await this.#renewWithin(remaining))) {
        lastRenew = this.#options.now();
        continue;
      }
      if (this.#options.now() - lastRenew >= renewDeadlineMs || this.#leader !== identity) return;
    }
  }

  /** One renewal attempt that counts as failed when it does not finish within `ms`. */
  async #renewWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    // A late answer must not surface as an unhandled rejection after the deadline won the race.
    const attempt = this.tryAcquireOrRenew().catch((err: unknown) => {
      this.#log.warn({ err: toKubeApiError(err).message }, 'error renewing lease');
      return false;
    });
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hand over: empty holder and a 1 s duration, so a standby acquires on its next attempt. */
  async #release(): Promise<void> {
    const { name, namespace, identity } = this.#options;
    try {
      const current = await this.#client.get({ name, namespace });
      if (current.spec?.holderIdentity !== identity) return;
      const now = this.#options.now();
      await this.#client.update({
        ...current,
        spec: {
          ...current.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: microTime(now),
          acquireTime: microTime(now),
        },
      });
      this.#leader = '';
      this.#log.info('released lease');
    } catch (err) {
      this.#log.warn({ err: toKubeApiError(err).message }, 'failed to release lease');
    }
  }

  #observe(lease: Lease, at: number): void {
    this.#observed = { lease, at };
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.#leader) {
      this.#leader = holder;
      if (holder) this.#log.info({ leader: holder }, 'new leader observed');
      try {
        this.#onNewLeader?.(holder);
      } catch (err) {
        this.#log.error({ err }, 'onNewLeader failed');
      }
    }
  }

  #onNewLeader: ((identity: string) => void) | undefined;
}
