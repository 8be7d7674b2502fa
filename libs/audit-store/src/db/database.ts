// Which PostgreSQL the audit store uses: DATABASE_URL when set, otherwise embedded PostgreSQL.
import {
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  startEmbeddedPostgres,
} from './embedded-postgres';

export interface ResolveDatabaseOptions {
  /** Wins over the environment. */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  embedded?: EmbeddedPostgresOptions;
}

export interface ResolvedDatabase {
  readonly databaseUrl: string;
  /** Present when the embedded server is in use. */
  readonly embedded?: EmbeddedPostgresServer;
  /** Stops the embedded server when this call started it; no-op for DATABASE_URL. */
  close(): Promise<void>;
}

export async function resolveDatabase(options: ResolveDatabaseOptions = {}): Promise<ResolvedDatabase> {
  const databaseUrl = options.databaseUrl ?? (options.env ?? process.env)['DATABASE_URL'];
  if (databaseUrl) return { databaseUrl, close: async () => undefined };
  const embedded = await startEmbeddedPostgres(options.embedded);
  return { databaseUrl: embedded.databaseUrl, embedded, close: () => embedded.stop() };
}
