// `stableip-api record` in-process: flags → recorder, probes and metrics on the given address.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { kubeTestEnvInfo } from '@stableip/kube-testenv/vitest';
import { runRecordCommand } from '../src/command';
import { allEvents, eventually, freshNamespace, ipPool, useRecorderDatabase } from './support';

const db = useRecorderDatabase();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('record command', () => {
  it('records, serves readiness and metrics, and stops cleanly', async () => {
    const { namespace, kinds } = await freshNamespace('command');
    const cluster = `cmd-${randomUUID().slice(0, 8)}`;
    const port = await freePort();
    const controller = new AbortController();
    const exit = runRecordCommand(
      [
        `--database-url=${db.url}`,
        `--kubeconfig=${kubeTestEnvInfo().kubeconfig}`,
        `--cluster-name=${cluster}`,
        `--namespace=${namespace}`,
        `--lease-namespace=${namespace}`,
        `--probe-address=127.0.0.1:${port}`,
        '--log-level=silent',
      ],
      { signal: controller.signal },
    );
    const readyz = () => fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.status);
    const leading = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).includes(
        `stableip_recorder_leader{cluster="${cluster}"} 1`,
      );
    // A standby is ready too (it can take over): wait for the lease before writing.
    await eventually(async () => (await leading()) && (await readyz()) === 200, 'leading and ready');
    await kinds.IPPool.create(ipPool(namespace, 'p'));
    await eventually(async () => (await allEvents(db.store, cluster)).length === 1, 'the pool recorded');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `stableip_recorder_events_recorded_total\\{cluster="${cluster}",kind="IPPool",action="create",source="watch"\\} 1`,
      ),
    );
    expect(metrics).toMatch(new RegExp(`stableip_recorder_leader\\{cluster="${cluster}"\\} 1`));
    expect(metrics).toContain('stableip_recorder_lag_seconds_bucket');
    controller.abort();
    expect(await exit).toBe(0);
  });
});
