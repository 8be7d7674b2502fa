// Public surface of @stableip/audit-store.
export {
  createAuditStore,
  verifyAuditChain,
  type AuditStore,
  type AuditStoreOptions,
  type AuditWriter,
} from './store/audit-store';
export type { AddressQuery, EventsSinceQuery, HostQuery } from './store/queries';
export * from './store/types';
export { DEFAULT_POOL_SETTINGS, type PoolSettings, type PoolStats } from './db/client';
export { eventHash, GENESIS_HASH, HASH_FORMAT_VERSION, type HashedEventFields } from './chain/hash';
export {
  migrate,
  checkMigrations,
  type MigrateOptions,
  type MigrateResult,
  type CheckMigrationsOptions,
  type MigrationCheck,
} from './migrate/migrate';
export { resolveDatabase, type ResolveDatabaseOptions, type ResolvedDatabase } from './db/database';
export {
  startEmbeddedPostgres,
  defaultEmbeddedDataDir,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
} from './db/embedded-postgres';
export { createTemporaryDatabase, type TemporaryDatabase } from './db/temporary-database';
export { AuditStoreError, isAuditStoreError, type AuditStoreErrorCode } from './errors';
