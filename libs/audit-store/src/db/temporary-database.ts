// Short-lived databases on the server of a connection string: migration shadow databases and
// per-test-file databases. Names are unique, so concurrent users never collide.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The same connection string pointing at another database on the same server. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function onServer<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(serverUrl: string, database: string): Promise<string> {
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(database)}`));
  return withDatabase(serverUrl, database);
}

/** Drops the database; FORCE ends sessions a crashed user may have left behind (PostgreSQL 13+). */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await onServer(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`),
  );
}

export interface TemporaryDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the server of `serverUrl`; `drop()` removes it. */
export async function createTemporaryDatabase(
  serverUrl: string,
  prefix = 'stableip_tmp',
): Promise<TemporaryDatabase> {
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(serverUrl, name);
  return { name, url, drop: () => dropDatabase(serverUrl, name) };
}
