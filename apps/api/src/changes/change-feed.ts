// The change feed behind subscriptions: one poller per process reads events committed after its
// cursor (event ids are taken and committed in one order, so an id cursor never skips a late
// commit) and the assignments those events opened or closed, then fans them out to subscribers.
// It polls only while someone subscribes, and is woken at once by PostgreSQL's NOTIFY on
// "stableip_events" (an audit-store trigger) when `listen` is given; the poll stays as a fallback
// for a dropped LISTEN connection.
import { EventEmitter, on } from 'node:events';
import type { ReadModel } from '../read-model/read-model';
import type { AssignmentRow, EventRow } from '../read-model/rows';

export interface AssignmentChange {
  kind: 'opened' | 'closed';
  cluster: string;
  assignment: AssignmentRow;
  event: EventRow;
  /** The event id: pass to changesSince to resume. */
  cursor: string;
}

/** Starts listening; calls `onNotify` per notification; resolves with a function that stops. */
export type Listen = (onNotify: () => void) => Promise<() => Promise<void>>;

export interface ChangeFeedOptions {
  intervalMs?: number;
  listen?: Listen;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  private cursor: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private subscribers = 0;
  private closed = false;
  private unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  private readonly intervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly model: ReadModel,
    private readonly options: ChangeFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.batchSize = options.batchSize ?? 1000;
    this.emitter.setMaxListeners(0);
  }

  get subscriberCount(): number {
    return this.subscribers;
  }

  events(cluster: string | null): AsyncIterable<EventRow> {
    return this.subscribe<EventRow>('event', (event) => cluster === null || event.cluster === cluster);
  }

  assignmentChanges(cluster: string | null): AsyncIterable<AssignmentChange> {
    return this.subscribe<AssignmentChange>(
      'assignment',
      (change) => cluster === null || change.cluster === cluster,
    );
  }

  /** Poll now (e.g. on a NOTIFY). */
  wake(): void {
    if (this.subscribers > 0) void this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.emitter.emit('close');
    await this.polling;
    await (
      await this.unlisten
    )?.();
  }

  private subscribe<T>(channel: string, accept: (value: T) => boolean): AsyncIterable<T> {
    return { [Symbol.asyncIterator]: () => this.listen(channel, accept) };
  }

  private async *listen<T>(channel: string, accept: (value: T) => boolean): AsyncGenerator<T> {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    this.emitter.once('close', onClose);
    this.subscribers += 1;
    try {
      // Start from "now": the first subscriber fixes the cursor at the newest event.
      await this.start();
      for await (const [value] of on(this.emitter, channel, { signal: abort.signal })) {
        if (accept(value as T)) yield value as T;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      this.emitter.off('close', onClose);
      this.subscribers -= 1;
    }
  }

  private async start(): Promise<void> {
    if (this.cursor === null) this.cursor = await this.model.latestEventId();
    if (this.options.listen && this.unlisten === undefined && !this.closed) {
      this.unlisten = this.options
        .listen(() => this.wake())
        .catch((error: unknown) => {
          this.options.onError?.(error);
          this.unlisten = undefined; // retried by the next subscriber; polling covers meanwhile
          return undefined;
        });
      await this.unlisten;
    }
    if (this.timer === undefined && !this.closed) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.tick().finally(() => {
        this.timer = undefined;
        if (this.subscribers > 0 && !this.closed) this.schedule();
        else this.cursor = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async poll(): Promise<void> {
    try {
      for (;;) {
        if (this.cursor === null || this.closed) return;
        const events = await this.model.eventsSince(this.cursor, null, this.batchSize);
        if (events.length === 0) return;
        const changes = await this.model.assignmentsOpenedOrClosedBy(events.map((event) => event.id));
        const eventsById = new Map(events.map((event) => [event.id, event]));
        for (const event of events) this.emitter.emit('event', event);
        for (const { changedByEventId, ...assignment } of changes) {
          const event = eventsById.get(changedByEventId)!;
          this.emitter.emit('assignment', {
            kind: assignment.closedByEventId === changedByEventId ? 'closed' : 'opened',
            cluster: event.cluster,
            assignment,
            event,
            cursor: event.id,
          } satisfies AssignmentChange);
        }
        this.cursor = events.at(-1)!.id;
        if (events.length < this.batchSize) return;
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
