// The Prisma client over @prisma/adapter-pg (no native query engine), on a pg pool whose limits
// are explicit: Prisma 7's adapter defaults wait forever for a connection and keep no TCP keepalive.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface PoolSettings {
  /** Most connections open at once. */
  max: number;
  /** Give up acquiring/opening a connection after this long (0 would wait forever). */
  connectionTimeoutMillis: number;
  /** Close connections idle this long. */
  idleTimeoutMillis: number;
  /** TCP keepalive, so dead peers (a restarted PostgreSQL, a dropped NAT entry) are noticed. */
  keepAlive: boolean;
  keepAliveInitialDelayMillis: number;
  /** Server-side statement timeout; 0 disables it. */
  statementTimeoutMillis: number;
}

export const DEFAULT_POOL_SETTINGS: Readonly<PoolSettings> = Object.freeze({
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  statementTimeoutMillis: 30_000,
});

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface DatabaseClient {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  stats(): PoolStats;
  close(): Promise<void>;
}

export function createDatabaseClient(
  databaseUrl: string,
  settings: Partial<PoolSettings> = {},
  onPoolError: (error: Error) => void = () => undefined,
): DatabaseClient {
  const { statementTimeoutMillis, ...poolSettings } = { ...DEFAULT_POOL_SETTINGS, ...settings };
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    ...poolSettings,
    ...(statementTimeoutMillis > 0 ? { statement_timeout: statementTimeoutMillis } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', onPoolError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
