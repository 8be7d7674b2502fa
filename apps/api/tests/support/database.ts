// A migrated, uniquely named database per test file on the test PostgreSQL server, dropped after.
import {
  createAuditStore,
  createTemporaryDatabase,
  migrate,
  type AuditStore,
  type TemporaryDatabase,
} from '@stableip/audit-store';
import { afterAll, beforeAll } from 'vitest';

/** DATABASE_URL (CI's service) or the machine's PostgreSQL with trust auth. */
export const testServerUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly store: AuditStore;
}

export function useTestDatabase(seed?: (store: AuditStore) => Promise<void>): TestDatabase {
  let database: TemporaryDatabase | undefined;
  let store: AuditStore | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase(testServerUrl, 'stableip_api_test');
    await migrate({ databaseUrl: database.url });
    store = createAuditStore({ databaseUrl: database.url, pool: { max: 4 } });
    if (seed) await seed(store);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('test database not created yet');
      return database.url;
    },
    get store() {
      if (!store) throw new Error('test database not created yet');
      return store;
    },
  };
}
