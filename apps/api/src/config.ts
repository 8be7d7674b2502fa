// Configuration of `stableip-api serve`: flags win over environment variables, which win over defaults.
import type { ExportSettings } from './exports/settings';

export interface ApiConfig {
  host: string;
  port: number;
  /** Unset: DATABASE_URL, else an embedded PostgreSQL (see @stableip/audit-store resolveDatabase). */
  databaseUrl?: string;
  /** Apply pending migrations at start. */
  migrate: boolean;
  production: boolean;
  introspection: boolean;
  landingPage: boolean;
  /** `name:role:sha256` entries (or a JSON array when read from a file). */
  tokens: string;
  kubeAuth: boolean;
  kubeconfig?: string;
  kubeAudiences: string[];
  /** Development only: requests without a token act as this role. */
  anonymousRole?: 'reader' | 'admin';
  maxDepth: number;
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
  bodyLimit: string;
  /** Requests per minute per principal (token or client address when unauthenticated). */
  rateLimitPerMinute: number;
  dbPoolMax: number;
  subscriptionPollMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  exports: ExportSettings;
}

export const CONFIG_DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  maxDepth: 12,
  maxCost: 20_000,
  defaultPageSize: 100,
  maxPageSize: 1000,
  bodyLimit: '100kb',
  rateLimitPerMinute: 1200,
  dbPoolMax: 10,
  subscriptionPollMs: 250,
  shutdownTimeoutMs: 10_000,
  logLevel: 'info',
} as const;
