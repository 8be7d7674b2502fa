// Seeds the benchmark history straight into the audit-store tables with bulk SQL (unnest arrays,
// thousands of rows per statement): 10,000 hosts × 3 pools and 1,000,000 events in cluster
// "bench". Events carry a valid hash chain (computed here with the store's eventHash), and the
// cluster head matches the last event, so `auditChain` verifies the seeded data too.
//
// Shape: 10,000 BareMetalHost creates and 3 IPPool creates, then 16 rolling-upgrade rounds one day
// apart; in each round every host × pool claim is released and re-allocated (round 0 only
// allocates). Every host keeps its addresses, except every 10th host in pool v4a from round 8 on
// (a changed address). Filler IPPool status updates bring the total to exactly 1,000,000 events.
import { eventHash, GENESIS_HASH, type HashedEventFields, type JsonValue } from '@stableip/audit-store';
import pg from 'pg';

export const BENCH_CLUSTER = 'bench';
export const HOSTS = 10_000;
export const POOLS = ['v4a', 'v4b', 'v6'] as const;
export const ROUNDS = 16;
export const TOTAL_EVENTS = 1_000_000;
export const T0 = Date.parse('2025-01-01T00:00:00.000Z');
export const DAY = 86_400_000;
const NAMESPACE = 'metal3';

export const hostName = (h: number) => `node-${String(h).padStart(5, '0')}`;

/** The address index of host h in pool p at round r (changed hosts move to a disjoint block). */
function addressIndex(h: number, p: number, r: number): number {
  return p === 0 && h % 10 === 0 && r >= 8 ? h + 20_001 : h + 1;
}

export function addressText(p: number, index: number): string {
  if (p === 2) return `fd00::${index.toString(16)}`;
  return `10.${p}.${index >> 8}.${index & 255}`;
}

function addressValue(p: number, index: number): string {
  if (p === 2) return ((0xfd00n << 112n) + BigInt(index)).toString();
  return (0xffff_0000_0000n + ((10n << 24n) | (BigInt(p) << 16n)) + BigInt(index)).toString();
}

/** Instant of host h's claim change in pool p during round r (rounds take under an hour). */
export function changeTime(r: number, h: number, p: number): number {
  return T0 + r * DAY + (h * 3 + p) * 50;
}

interface EventRow extends HashedEventFields {
  id: number;
  hash: string;
}

export interface SeedResult {
  events: number;
  assignments: number;
  millis: number;
}

class Batch<T extends unknown[]> {
  private readonly columns: unknown[][];
  constructor(
    private readonly client: pg.ClientBase,
    private readonly sql: string,
    width: number,
    private readonly size = 5_000,
    /** Runs before each flush (rows that reference another batch's rows flush after it). */
    private readonly beforeFlush: () => Promise<void> = async () => undefined,
  ) {
    this.columns = Array.from({ length: width }, () => []);
  }
  async add(...values: T): Promise<void> {
    values.forEach((value, index) => this.columns[index]!.push(value));
    if (this.columns[0]!.length >= this.size) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.columns[0]!.length === 0) return;
    await this.beforeFlush();
    await this.client.query(this.sql, this.columns);
    for (const column of this.columns) column.length = 0;
  }
}

export async function seedBench(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<SeedResult> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const {
      rows: [cluster],
    } = await client.query<{ id: number }>(`INSERT INTO cluster (name) VALUES ($1) RETURNING id`, [
      BENCH_CLUSTER,
    ]);
    const clusterId = cluster!.id;
    const setup = new Date(T0 - DAY);

    // Pools (v4a: 10.0.0.1-10.0.127.255, v4b: 10.1.0.1-10.1.127.255, v6: fd00::1-fd00::ffff).
    const poolIds: number[] = [];
    for (const [p, name] of POOLS.entries()) {
      const v6 = p === 2;
      const range = v6
        ? { start: 'fd00::1', end: 'fd00::ffff', family: 6, prefix: 64, gateway: null, size: '65535' }
        : {
            start: `10.${p}.0.1`,
            end: `10.${p}.127.255`,
            family: 4,
            prefix: 16,
            gateway: `10.${p}.255.254`,
            size: '32767',
          };
      const preAllocations =
        p === 0
          ? Object.fromEntries(
              Array.from({ length: HOSTS / 2 }, (_, i) => [
                `${hostName(i * 2)}-v4a`,
                addressText(0, i * 2 + 1),
              ]),
            )
          : {};
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO pool (cluster_id, namespace, name, spec, ranges, capacity_total, capacity_used, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
        [
          clusterId,
          NAMESPACE,
          name,
          JSON.stringify({ preAllocations }),
          JSON.stringify([range]),
          range.size,
          HOSTS,
          setup,
        ],
      );
      poolIds.push(rows[0]!.id);
    }

    // Hosts.
    const hostBatch = new Batch<[string, string, string]>(
      client,
      `INSERT INTO host (cluster_id, namespace, name, uid, labels, first_seen_at, last_seen_at)
       SELECT ${clusterId}, '${NAMESPACE}', n, u, l::jsonb, '${setup.toISOString()}', '${setup.toISOString()}'
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(n, u, l)`,
      3,
    );
    for (let h = 0; h < HOSTS; h += 1) {
      await hostBatch.add(
        hostName(h),
        `bmh-${h}`,
        JSON.stringify({ rack: `r${h % 20}`, role: h < 3 ? 'control-plane' : 'worker' }),
      );
    }
    await hostBatch.flush();
    const { rows: hostRows } = await client.query<{ id: number; name: string }>(
      `SELECT id, name FROM host WHERE cluster_id = $1`,
      [clusterId],
    );
    const hostIds = new Map(hostRows.map((row) => [row.name, row.id]));
    log(`  hosts and pools: ${Date.now() - started} ms`);

    // Events, in chronological order, hash-chained.
    const eventBatch = new Batch<
      [
        number,
        string,
        string,
        string,
        string,
        string,
        string,
        string | null,
        string | null,
        string,
        string,
        string,
      ]
    >(
      client,
      `INSERT INTO event (id, cluster_id, seq, namespace, kind, api_group, name, uid, resource_version, action, before, after, observed_at, source, prev_hash, hash)
       SELECT id, ${clusterId}, id, '${NAMESPACE}', kind, api_group, name, uid, rv, action, b::jsonb, a::jsonb, at::timestamptz, 'watch', prev, hash
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
         AS t(id, kind, api_group, name, uid, rv, action, b, a, at, prev, hash)`,
      12,
    );
    let seq = 0;
    let prevHash = GENESIS_HASH;
    const append = async (
      kind: string,
      apiGroup: string,
      name: string,
      uid: string,
      action: 'create' | 'update' | 'delete',
      before: JsonValue | null,
      after: JsonValue | null,
      at: number,
    ): Promise<number> => {
      seq += 1;
      const fields: EventRow = {
        id: seq,
        cluster: BENCH_CLUSTER,
        seq,
        namespace: NAMESPACE,
        kind,
        apiGroup,
        name,
        uid,
        resourceVersion: String(seq),
        action,
        before,
        after,
        observedAt: new Date(at),
        recordedAt: new Date(at),
        source: 'watch',
        deletionObservedOnRelist: false,
        correlationId: null,
        changedBy: null,
        prevHash,
        hash: '',
      };
      const { id: _id, hash: _hash, ...hashed } = fields;
      const hash = eventHash(hashed, 1); // rows keep the column default hash_version 1
      await eventBatch.add(
        seq,
        kind,
        apiGroup,
        name,
        uid,
        String(seq),
        action,
        before === null ? null : JSON.stringify(before),
        after === null ? null : JSON.stringify(after),
        new Date(at).toISOString(),
        prevHash,
        hash,
      );
      prevHash = hash;
      return seq;
    };

    for (let h = 0; h < HOSTS; h += 1) {
      await append(
        'BareMetalHost',
        'metal3.io',
        hostName(h),
        `bmh-${h}`,
        'create',
        null,
        { metadata: { name: hostName(h) } },
        T0 - DAY + h,
      );
    }
    for (const [p, name] of POOLS.entries()) {
      await append(
        'IPPool',
        'ipam.metal3.io',
        name,
        `pool-${p}`,
        'create',
        null,
        { metadata: { name } },
        T0 - DAY + HOSTS + p,
      );
    }

    type AssignmentValues = [
      number,
      number,
      string,
      string,
      string,
      number,
      string | null,
      string,
      string,
      string | null,
      number,
      number | null,
    ];
    const assignmentBatch = new Batch<AssignmentValues>(
      client,
      `INSERT INTO assignment (cluster_id, pool_id, host_id, namespace, claim_name, claim_kind, address_name, address, address_value, prefix, gateway, family, source, valid_from, valid_to, opened_by_event_id, closed_by_event_id)
       SELECT ${clusterId}, pool_id, host_id, '${NAMESPACE}', claim, 'IPClaim', claim || '-addr', address, value::numeric,
              CASE WHEN family = 4 THEN 16 ELSE 64 END, gateway, family, source, valid_from::timestamptz, valid_to::timestamptz, opened, closed
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])
         AS t(pool_id, host_id, claim, address, value, family, gateway, source, valid_from, valid_to, opened, closed)`,
      12,
      5_000,
      () => eventBatch.flush(),
    );
    const assignmentValues = (
      h: number,
      p: number,
      index: number,
      from: number,
      to: number | null,
      opened: number,
      closed: number | null,
    ): AssignmentValues => [
      poolIds[p]!,
      hostIds.get(hostName(h))!,
      `${hostName(h)}-${POOLS[p]}`,
      addressText(p, index),
      addressValue(p, index),
      p === 2 ? 6 : 4,
      p === 2 ? null : `10.${p}.255.254`,
      p === 0 && h % 2 === 0 ? 'preallocated' : 'dynamic',
      new Date(from).toISOString(),
      to === null ? null : new Date(to).toISOString(),
      opened,
      closed,
    ];
    // Open interval per pair: [address index, valid_from, opening event].
    const open = new Map<number, { index: number; from: number; event: number }>();
    let assignments = 0;
    const fillerPerRound = Math.ceil(
      (TOTAL_EVENTS - (HOSTS + POOLS.length + HOSTS * POOLS.length * (2 * ROUNDS - 1))) / ROUNDS,
    );
    for (let r = 0; r < ROUNDS; r += 1) {
      for (let h = 0; h < HOSTS; h += 1) {
        for (let p = 0; p < POOLS.length; p += 1) {
          const pair = h * 3 + p;
          const claim = `${hostName(h)}-${POOLS[p]}`;
          const at = changeTime(r, h, p);
          const previous = open.get(pair);
          if (previous) {
            const released = await append(
              'IPClaim',
              'ipam.metal3.io',
              claim,
              `claim-${pair}-${r - 1}`,
              'delete',
              { spec: { pool: POOLS[p]! } },
              null,
              at,
            );
            await assignmentBatch.add(
              ...assignmentValues(h, p, previous.index, previous.from, at, previous.event, released),
            );
            assignments += 1;
          }
          const index = addressIndex(h, p, r);
          const opened = await append(
            'IPClaim',
            'ipam.metal3.io',
            claim,
            `claim-${pair}-${r}`,
            'create',
            null,
            { spec: { pool: POOLS[p]! }, status: { address: addressText(p, index) } },
            at + 10,
          );
          open.set(pair, { index, from: at + 10, event: opened });
        }
      }
      for (let f = 0; f < fillerPerRound && seq < TOTAL_EVENTS; f += 1) {
        const p = f % POOLS.length;
        await append(
          'IPPool',
          'ipam.metal3.io',
          POOLS[p]!,
          `pool-${p}`,
          'update',
          null,
          { status: { allocations: f } },
          T0 + r * DAY + 3_600_000 + f,
        );
      }
      log(`  round ${r + 1}/${ROUNDS}: ${seq} events, ${Date.now() - started} ms`);
    }
    for (const [pair, current] of open) {
      const h = Math.floor(pair / 3);
      const p = pair % 3;
      await assignmentBatch.add(
        ...assignmentValues(h, p, current.index, current.from, null, current.event, null),
      );
      assignments += 1;
    }
    await eventBatch.flush();
    await assignmentBatch.flush();
    await client.query(`SELECT setval(pg_get_serial_sequence('event', 'id'), $1)`, [seq]);
    await client.query(`UPDATE cluster SET head_seq = $1, head_hash = $2 WHERE id = $3`, [
      seq,
      prevHash,
      clusterId,
    ]);
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return { events: seq, assignments, millis: Date.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
