// The recorded log verifies, and an edited row is caught.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  allEvents,
  bareMetalHost,
  eventually,
  freshNamespace,
  ipPool,
  startClusterRecorder,
  useRecorderDatabase,
} from './support';

const db = useRecorderDatabase();

describe('hash chain', () => {
  it('verifies what the recorder wrote and detects a tampered row', async () => {
    const { namespace, client, kinds } = await freshNamespace('chain');
    const harness = startClusterRecorder({ client, store: db.store, namespace });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await kinds.IPPool.create(ipPool(namespace, 'prov'));
    for (let i = 0; i < 4; i += 1) await kinds.BareMetalHost.create(bareMetalHost(namespace, `host-${i}`));
    await kinds.BareMetalHost.delete({ namespace, name: 'host-1' });
    const events = await eventually(async () => {
      const all = await allEvents(db.store, cluster);
      return all.length === 6 ? all : undefined;
    }, 'six events');
    await harness.recorder.stop();

    const clean = await db.store.verifyChain(cluster);
    expect(clean).toMatchObject({ ok: true, eventsChecked: 6, firstBrokenLink: null });

    const victim = events[2]!;
    const client2 = new pg.Client({ connectionString: db.url });
    await client2.connect();
    try {
      await client2.query(`
        ALTER TABLE event DISABLE TRIGGER event_append_only;
        UPDATE event SET after = jsonb_set(after::jsonb, '{metadata,name}', '"someone-else"') WHERE id = ${victim.id};
        ALTER TABLE event ENABLE TRIGGER event_append_only;`);
    } finally {
      await client2.end();
    }
    const tampered = await db.store.verifyChain(cluster);
    expect(tampered.ok).toBe(false);
    expect(tampered.firstBrokenLink).toMatchObject({
      cluster,
      eventId: victim.id,
      seq: victim.seq,
      check: 'hash',
    });
  });
});
