// Subscriptions over graphql-ws: automation sees an assignment change within a second.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestDatabase } from './support/database';
import { recordChange, seedHistory } from './support/seed';
import { READER_TOKEN, useTestServer } from './support/server';

const db = useTestDatabase(seedHistory);
const api = useTestServer(db);
// Polls only every 30 s: a change seen well before that came through LISTEN/NOTIFY.
const notified = useTestServer(db, { subscriptionPollMs: 30_000 });
const clients: Client[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
});

function client(token: string | null, server = api): Client {
  const created = createClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(created);
  return created;
}

describe('assignmentChanged', () => {
  it('pushes an opened and a closed assignment soon after the commit', async () => {
    const iterator = client(READER_TOKEN).iterate<any>({
      query: `subscription { assignmentChanged(cluster: "lab") { kind cluster cursor assignment { address host { name } pool { name } } event { action } } }`,
    });
    const first = iterator.next();
    // Let the subscription start its feed before the change.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const committed = Date.now();
    await db.store.transaction(async (writer) => {
      await recordChange(writer, { host: 'node-1', pool: 'v4', address: null, at: new Date() });
      await recordChange(writer, { host: 'node-1', pool: 'v4', address: '192.168.111.160', at: new Date() });
    });
    const closed = await first;
    const opened = await iterator.next();
    // The 1 s reaction goal is a speed target (apps/api bench); this generous bound only proves the
    // change is pushed by the feed rather than found by some slow periodic refresh.
    const latency = Date.now() - committed;
    expect(latency).toBeLessThan(5_000);
    expect(closed.value.data.assignmentChanged).toMatchObject({
      kind: 'CLOSED',
      cluster: 'lab',
      assignment: { address: '192.168.111.101', host: { name: 'node-1' }, pool: { name: 'v4' } },
    });
    expect(opened.value.data.assignmentChanged).toMatchObject({
      kind: 'OPENED',
      assignment: { address: '192.168.111.160' },
      event: { action: 'CREATE' },
    });
    await iterator.return?.();
  });

  it('filters by cluster', async () => {
    const iterator = client(READER_TOKEN).iterate<any>({
      query: `subscription { auditEvent(cluster: "edge") { cluster name } }`,
    });
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.store.transaction((writer) =>
      recordChange(writer, { host: 'node-2', pool: 'v6', address: null, at: new Date() }),
    );
    await db.store.transaction((writer) =>
      recordChange(writer, { cluster: 'edge', host: 'edge-0', pool: 'v4', address: null, at: new Date() }),
    );
    expect((await next).value.data.auditEvent).toEqual({ cluster: 'edge', name: 'edge-0-v4' });
    await iterator.return?.();
  });

  it('refuses a connection without a valid token', async () => {
    const iterator = client('wrong').iterate({ query: 'subscription { auditEvent { id } }' });
    await expect(iterator.next()).rejects.toMatchObject({ code: 4403 });
  });

  it('is woken by NOTIFY from the event trigger, not only by the poll', async () => {
    const iterator = client(READER_TOKEN, notified).iterate<any>({
      query: 'subscription { assignmentChanged(cluster: "lab") { kind assignment { address } } }',
    });
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const committed = Date.now();
    await db.store.transaction((writer) =>
      recordChange(writer, { host: 'node-0', pool: 'v6', address: null, at: new Date() }),
    );
    const change = await first;
    // Not a speed target: far below the 30 s poll, so only a NOTIFY can explain it.
    expect(Date.now() - committed).toBeLessThan(10_000);
    expect(change.value.data.assignmentChanged).toEqual({
      kind: 'CLOSED',
      assignment: { address: 'fd00::100' },
    });
    await iterator.return?.();
  });
});
