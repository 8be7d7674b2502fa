// Probe and metrics endpoints on node:http: /healthz and /readyz (kube-apiserver style
// "[+]name ok" bodies, ?verbose), /metrics in Prometheus text format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named check; resolves true/undefined when passing, false or a message (or throws) when failing. */
export type Check = () => boolean | string | void | Promise<boolean | string | void>;

export interface ProbeServerOptions {
  port: number;
  host?: string;
  healthz?: Record<string, Check>;
  readyz?: Record<string, Check>;
  /** Serve /metrics from this registry on the same port. */
  registry?: Registry;
}

export interface RunningServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

async function runChecks(checks: Record<string, Check>): Promise<{ ok: boolean; lines: string[] }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const result = await check();
        if (result === false) return { name, ok: false, detail: 'failed' };
        if (typeof result === 'string') return { name, ok: false, detail: result };
        return { name, ok: true, detail: 'ok' };
      } catch (err) {
        return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return {
    ok: results.every((r) => r.ok),
    lines: results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.detail}`)),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

export async function startProbeServer(options: ProbeServerOptions): Promise<RunningServer> {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const probe =
      url.pathname === '/healthz' ? options.healthz : url.pathname === '/readyz' ? options.readyz : undefined;
    if (url.pathname === '/healthz' || url.pathname === '/readyz') {
      const { ok, lines } = await runChecks(probe ?? {});
      const verbose = url.searchParams.has('verbose') || !ok;
      const body = verbose
        ? `${lines.join('\n')}\n${url.pathname.slice(1)} check ${ok ? 'passed' : 'failed'}\n`
        : 'ok';
      return send(res, ok ? 200 : 503, body);
    }
    if (url.pathname === '/metrics' && options.registry) {
      return send(res, 200, await options.registry.metrics(), options.registry.contentType);
    }
    return send(res, 404, 'not found\n');
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) =>
      send(res, 500, `${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A metrics-only server (the operator's --metrics-bind-address). */
export function startMetricsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
}): Promise<RunningServer> {
  return startProbeServer({ port: options.port, host: options.host, registry: options.registry });
}
