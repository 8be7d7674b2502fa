import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeServer, type RunningServer } from './http';

describe('startProbeServer', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves healthz, readyz with failing checks as 503, and metrics', async () => {
    const registry = new Registry();
    new Counter({ name: 'demo_total', help: 'demo', registers: [registry] }).inc(3);
    let ready = false;
    server = await startProbeServer({
      port: 0,
      host: '127.0.0.1',
      healthz: { ping: () => true },
      readyz: { informers: () => (ready ? true : 'stale informers: ippools'), leader: async () => undefined },
      registry,
    });
    const base = `http://127.0.0.1:${server.port}`;
    const healthz = await fetch(`${base}/healthz`);
    expect([healthz.status, await healthz.text()]).toEqual([200, 'ok']);

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    const body = await notReady.text();
    expect(body).toContain('[-]informers failed: stale informers: ippools');
    expect(body).toContain('[+]leader ok');

    ready = true;
    const readyVerbose = await fetch(`${base}/readyz?verbose`);
    expect(readyVerbose.status).toBe(200);
    expect(await readyVerbose.text()).toContain('readyz check passed');

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('demo_total 3');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
