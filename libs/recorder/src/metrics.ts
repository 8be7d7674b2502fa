// Prometheus metrics of the recorder (prom-client), registered on the caller's registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RecorderMetrics {
  eventsRecorded: Counter<'cluster' | 'kind' | 'action' | 'source'>;
  duplicates: Counter<'cluster'>;
  /** Object change (managedFields/creation/deletion time, else watch receipt) → row committed. */
  lag: Histogram<'cluster'>;
  /** Watch/list receipt → row committed. */
  pipeline: Histogram<'cluster'>;
  bufferDepth: Gauge<'cluster'>;
  relists: Counter<'cluster' | 'kind'>;
  paused: Gauge<'cluster'>;
  databaseUp: Gauge<'cluster'>;
  leader: Gauge<'cluster'>;
  writeErrors: Counter<'cluster' | 'kind'>;
  deriveErrors: Counter<'cluster'>;
  batchSize: Histogram<'cluster'>;
}

const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

export function createRecorderMetrics(registry: Registry): RecorderMetrics {
  const registers = [registry];
  return {
    eventsRecorded: new Counter({
      name: 'stableip_recorder_events_recorded_total',
      help: 'Audit events committed, by watched kind, action and source (watch|relist).',
      labelNames: ['cluster', 'kind', 'action', 'source'],
      registers,
    }),
    duplicates: new Counter({
      name: 'stableip_recorder_events_duplicate_total',
      help: 'Events the store already held (same cluster, uid, resourceVersion and action).',
      labelNames: ['cluster'],
      registers,
    }),
    lag: new Histogram({
      name: 'stableip_recorder_lag_seconds',
      help: 'Object change (managedFields, creation or deletion time; watch receipt when absent) to audit row committed, for watch events.',
      labelNames: ['cluster'],
      buckets: LAG_BUCKETS,
      registers,
    }),
    pipeline: new Histogram({
      name: 'stableip_recorder_pipeline_seconds',
      help: 'Watch or list receipt to audit row committed.',
      labelNames: ['cluster'],
      buckets: LAG_BUCKETS,
      registers,
    }),
    bufferDepth: new Gauge({
      name: 'stableip_recorder_buffer_depth',
      help: 'Observed changes waiting to be committed.',
      labelNames: ['cluster'],
      registers,
    }),
    relists: new Counter({
      name: 'stableip_recorder_relists_total',
      help: 'Full lists of a watched kind (start, watch gaps, 410 Gone, watchdog, resume after a database outage).',
      labelNames: ['cluster', 'kind'],
      registers,
    }),
    paused: new Gauge({
      name: 'stableip_recorder_paused',
      help: '1 while watching is paused because the buffer is full (database unavailable).',
      labelNames: ['cluster'],
      registers,
    }),
    databaseUp: new Gauge({
      name: 'stableip_recorder_database_up',
      help: '1 when the last write to the audit store succeeded.',
      labelNames: ['cluster'],
      registers,
    }),
    leader: new Gauge({
      name: 'stableip_recorder_leader',
      help: '1 while this replica holds the cluster recorder lease.',
      labelNames: ['cluster'],
      registers,
    }),
    writeErrors: new Counter({
      name: 'stableip_recorder_write_errors_total',
      help: 'Failed audit store writes, by kind: transient (retried) or permanent.',
      labelNames: ['cluster', 'kind'],
      registers,
    }),
    deriveErrors: new Counter({
      name: 'stableip_recorder_derive_errors_total',
      help: 'Events recorded whose host/pool/assignment update was rejected (the event itself is kept).',
      labelNames: ['cluster'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'stableip_recorder_batch_size',
      help: 'Events per committed batch.',
      labelNames: ['cluster'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers,
    }),
  };
}
