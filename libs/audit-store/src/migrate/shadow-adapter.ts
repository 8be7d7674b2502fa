// A migration-aware driver adapter factory for the WASM schema engine. @prisma/adapter-pg's own
// connectToShadowDb lets a connection string override the shadow database's name and drops the
// database before closing its pool, so shadow databases are created and dropped here instead.
// Its pools also relabel PostgreSQL's internal "char" columns (see EngineClient), and its adapters
// run migration scripts whole and report "char" columns as the engine expects (wholeScriptAdapter).
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { createTemporaryDatabase } from '../db/temporary-database';

const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[]; rows?: unknown[] } | undefined;

/** Result rows of queries that had "char" columns → the indexes of those columns. */
const charColumnsByRows = new WeakMap<object, number[]>();

function relabelCharColumns<T extends QueryResultLike>(result: T): T {
  const charColumns: number[] = [];
  result?.fields?.forEach((field, index) => {
    if (field.dataTypeID !== CHAR_OID) return;
    field.dataTypeID = TEXT_OID;
    charColumns.push(index);
  });
  if (charColumns.length > 0 && result?.rows) charColumnsByRows.set(result.rows, charColumns);
  return result;
}

/**
 * The schema engine's catalog queries return columns of PostgreSQL's one-byte "char" type
 * (pg_constraint.contype, ...), which @prisma/adapter-pg 7.10 rejects as an unsupported native
 * type. This client lets such results through as text and remembers the columns, so that
 * wholeScriptAdapter can report them to the engine as ColumnTypeEnum.Character, as it expects.
 */
class EngineClient extends pg.Client {
  // pg's query() has many overloads (promise or callback); both result paths are relabelled.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (error: unknown, result: QueryResultLike) => void;
      args[callbackIndex] = (error: unknown, result: QueryResultLike) =>
        callback(error, relabelCharColumns(result));
    }
    const pending: unknown = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    return pending instanceof Promise
      ? pending.then((result: QueryResultLike) => relabelCharColumns(result))
      : pending;
  }
}

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  const charColumns = charColumnsByRows.get(result.rows);
  if (!charColumns) return result;
  const columnTypes = [...result.columnTypes];
  for (const index of charColumns) columnTypes[index] = ColumnTypeEnum.Character;
  return { ...result, columnTypes };
}

const SCHEMA_ENGINE_POOL: pg.PoolConfig = {
  Client: EngineClient,
  max: 2,
  connectionTimeoutMillis: 10_000,
  idleTimeoutMillis: 10_000,
  keepAlive: true,
};

/**
 * @prisma/adapter-pg 7.10 runs a script by splitting it on every ";", which breaks semicolons in
 * comments, string literals and function bodies of hand-written migrations. PostgreSQL's simple
 * query protocol (a query without parameters) runs a multi-statement script as one implicit
 * transaction, as Prisma's native engine does; executeRaw with no arguments sends exactly that.
 */
function wholeScriptAdapter(adapter: SqlDriverAdapter, dispose: () => Promise<void>): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: async (query) => restoreCharColumns(await adapter.queryRaw(query)),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: async (script) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    },
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    dispose,
  };
}

export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly pools: pg.Pool[] = [];
  private readonly shadowDrops = new Set<() => Promise<void>>();

  constructor(private readonly databaseUrl: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await new PrismaPg(this.pool(this.databaseUrl)).connect();
    return wholeScriptAdapter(adapter, () => adapter.dispose());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = await createTemporaryDatabase(this.databaseUrl, 'stableip_shadow');
    const pool = this.pool(shadow.url);
    let dropped: Promise<void> | undefined;
    const drop = (): Promise<void> => {
      dropped ??= this.endPool(pool).then(() => shadow.drop());
      return dropped;
    };
    this.shadowDrops.add(drop);
    const adapter = await new PrismaPg(pool).connect();
    return wholeScriptAdapter(adapter, async () => {
      await adapter.dispose();
      await drop();
      this.shadowDrops.delete(drop);
    });
  }

  /**
   * Closes every pool this factory opened and drops every shadow database it created: the
   * engine does not always dispose of a shadow adapter before it is freed.
   */
  async close(): Promise<void> {
    await Promise.all([...this.shadowDrops].map((drop) => drop()));
    this.shadowDrops.clear();
    await Promise.all([...this.pools].map((pool) => this.endPool(pool)));
  }

  private pool(connectionString: string): pg.Pool {
    const pool = new pg.Pool({ ...SCHEMA_ENGINE_POOL, connectionString });
    this.pools.push(pool);
    return pool;
  }

  private async endPool(pool: pg.Pool): Promise<void> {
    const index = this.pools.indexOf(pool);
    if (index < 0) return;
    this.pools.splice(index, 1);
    await pool.end();
  }
}
