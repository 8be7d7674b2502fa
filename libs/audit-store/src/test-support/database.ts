// Each test file gets its own database on the test server, so files run in parallel safely.
import { afterAll, beforeAll } from 'vitest';
import { createTemporaryDatabase, type TemporaryDatabase } from '../db/temporary-database';
import { migrate } from '../migrate/migrate';
import { createAuditStore, type AuditStore } from '../store/audit-store';

/** DATABASE_URL (CI's service) or the machine's PostgreSQL with trust auth. */
export const testServerUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database for this file, dropped after it. */
export function useTestDatabase(): { readonly url: string; readonly database: TemporaryDatabase } {
  let database: TemporaryDatabase | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase(testServerUrl, 'stableip_test');
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('test database not created yet');
      return database.url;
    },
    get database() {
      if (!database) throw new Error('test database not created yet');
      return database;
    },
  };
}

/** A migrated database for this file plus a store on it. */
export function useMigratedStore(): { readonly store: AuditStore; readonly url: string } {
  const db = useTestDatabase();
  let store: AuditStore | undefined;
  beforeAll(async () => {
    await migrate({ databaseUrl: db.url });
    store = createAuditStore({ databaseUrl: db.url, pool: { max: 8 } });
  });
  afterAll(async () => {
    await store?.close();
  });
  return {
    get store() {
      if (!store) throw new Error('store not created yet');
      return store;
    },
    get url() {
      return db.url;
    },
  };
}
