import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate/migrate';
import { createAuditStore } from '../store/audit-store';
import { resolveDatabase } from './database';
import { defaultEmbeddedDataDir, findFreePort } from './embedded-postgres';

describe('defaultEmbeddedDataDir', () => {
  it.runIf(process.getuid?.() === 0)(
    'refuses, as root, a data directory the postgres user cannot reach',
    async () => {
      const hidden = await mkdtemp(join(tmpdir(), 'stableip-hidden-'));
      try {
        await expect(
          resolveDatabase({ env: {}, embedded: { dataDir: join(hidden, 'pg') } }),
        ).rejects.toMatchObject({
          code: 'EMBEDDED_POSTGRES_FAILED',
        });
      } finally {
        await rm(hidden, { recursive: true, force: true });
      }
    },
  );

  it.each([
    ['an explicit directory wins', { STABLEIP_PG_DATA_DIR: '/srv/pg' }, false, '/srv/pg'],
    ['XDG_STATE_HOME', { XDG_STATE_HOME: '/home/u/.state' }, false, '/home/u/.state/stableip/pg'],
    ['the XDG default', {}, false, join(homedir(), '.local', 'state', 'stableip', 'pg')],
    [
      'root (postgres cannot enter /root)',
      { XDG_STATE_HOME: '/root/.local/state' },
      true,
      '/var/lib/stableip/pg',
    ],
  ])('%s', (_name, env, isRoot, expected) => {
    expect(defaultEmbeddedDataDir(env, isRoot)).toBe(expected);
  });
});

describe('findFreePort', () => {
  it('never offers the system PostgreSQL port', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(5432);
  });
});

describe('resolveDatabase without DATABASE_URL (embedded PostgreSQL)', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('boots a real PostgreSQL on a free port, migrates it and stores events, and restarts on the same data', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stableip-embedded-'));
    scratch.push(root);
    // As root the server runs as "postgres", which must be able to enter the (0700) temp dir.
    await chmod(root, 0o755);
    const dataDir = join(root, 'pg');

    const first = await resolveDatabase({ env: {}, embedded: { dataDir } });
    try {
      expect(first.embedded?.startedHere).toBe(true);
      expect(first.embedded?.port).not.toBe(5432);
      expect(first.databaseUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/stableip$/);
      expect((await stat(join(dataDir, 'PG_VERSION'))).isFile()).toBe(true);

      expect(
        (await migrate({ databaseUrl: first.databaseUrl })).appliedMigrationNames.length,
      ).toBeGreaterThan(0);
      const store = createAuditStore({ databaseUrl: first.databaseUrl, pool: { max: 2 } });
      try {
        const { created } = await store.appendEvent({
          cluster: 'embedded',
          object: {
            namespace: 'metal3',
            kind: 'IPPool',
            apiGroup: 'ipam.metal3.io',
            name: 'pool',
            uid: 'u-1',
            resourceVersion: '1',
          },
          action: 'create',
          after: { spec: { namePrefix: 'pool' } },
          observedAt: new Date(),
          source: 'watch',
        });
        expect(created).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await first.close();
    }

    // Same data directory, new server process: data and credentials persist, migrations are a no-op.
    const second = await resolveDatabase({ env: {}, embedded: { dataDir } });
    try {
      expect((await migrate({ databaseUrl: second.databaseUrl })).appliedMigrationNames).toEqual([]);
      const store = createAuditStore({ databaseUrl: second.databaseUrl, pool: { max: 1 } });
      try {
        const verification = await store.verifyChain('embedded');
        expect(verification).toMatchObject({ ok: true, eventsChecked: 1 });
      } finally {
        await store.close();
      }
    } finally {
      await second.close();
    }
  });

  it('uses DATABASE_URL when it is set, starting nothing', async () => {
    const resolved = await resolveDatabase({ env: { DATABASE_URL: 'postgres://u@db.example:5432/audit' } });
    expect(resolved.databaseUrl).toBe('postgres://u@db.example:5432/audit');
    expect(resolved.embedded).toBeUndefined();
  });
});
