// Prometheus metrics of one server instance (its own registry, so tests can run several).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method'>;
  operations: Counter<'operation' | 'type' | 'outcome'>;
  operationDuration: Histogram<'operation' | 'type'>;
  sqlStatements: Counter;
  sqlDuration: Histogram;
  subscriptions: Gauge;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(poolStats: () => { total: number; idle: number; waiting: number }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stableip_api_' });
  const pool = (name: string, help: string, pick: (stats: ReturnType<typeof poolStats>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(poolStats()));
      },
    });
  pool('stableip_api_db_pool_connections', 'Open database connections (idle and in use).', (s) => s.total);
  pool('stableip_api_db_pool_idle_connections', 'Idle database connections.', (s) => s.idle);
  pool('stableip_api_db_pool_waiting_requests', 'Queries waiting for a connection.', (s) => s.waiting);
  return {
    registry,
    httpRequests: new Counter({
      name: 'stableip_api_http_requests_total',
      help: 'HTTP requests by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'stableip_api_http_request_duration_seconds',
      help: 'HTTP request duration by route.',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    operations: new Counter({
      name: 'stableip_api_graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome (ok | error).',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [registry],
    }),
    operationDuration: new Histogram({
      name: 'stableip_api_graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by name and type.',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    sqlStatements: new Counter({
      name: 'stableip_api_sql_statements_total',
      help: 'SQL statements issued by the read model.',
      registers: [registry],
    }),
    sqlDuration: new Histogram({
      name: 'stableip_api_sql_statement_duration_seconds',
      help: 'SQL statement duration.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'stableip_api_subscriptions',
      help: 'Active GraphQL subscriptions.',
      registers: [registry],
    }),
  };
}
