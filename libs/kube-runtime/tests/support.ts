// Shared helpers for kube-runtime's integration tests.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { defineResource, type KubeObject } from '../src/client/resource';
import { createLogger } from '../src/util/log';

export interface Widget extends KubeObject {
  spec?: { size?: number; color?: string; pool?: { name?: string } };
  status?: { observedSize?: number; phase?: string };
}

export const WidgetResource = defineResource<Widget>({
  group: 'test.stableip.dev',
  version: 'v1',
  plural: 'widgets',
  kind: 'Widget',
  namespaced: true,
});

export const GadgetResource = defineResource<KubeObject & { spec?: Record<string, unknown> }>({
  group: 'test.stableip.dev',
  version: 'v1',
  plural: 'gadgets',
  kind: 'Gadget',
  namespaced: true,
});

export const testLogger = createLogger({ level: (process.env['TEST_LOG_LEVEL'] as 'info') ?? 'silent' });

export function widget(namespace: string, name: string, spec: Widget['spec'] = {}): Widget {
  return { metadata: { name, namespace }, spec };
}

/** Poll until `check` returns a truthy value (or throw after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A TCP proxy in front of the API server (TLS passes through untouched), so tests can cut
 * connections the way a flaky network or a load balancer does.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #refusing = false;
  #target: { host: string; port: number };

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const target = { host: url.hostname, port: Number(url.port || 443) };
    const holder: { proxy?: TcpProxy } = {};
    const server = createServer((client) => holder.proxy?.accept(client));
    const proxy = new TcpProxy(server, target);
    holder.proxy = proxy;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** A copy of `kc` whose current cluster points at the proxy. */
  kubeConfig(kc: KubeConfig): KubeConfig {
    const copy = new KubeConfig();
    copy.loadFromString(kc.exportConfig());
    const current = copy.getCurrentCluster();
    if (!current) throw new Error('no current cluster');
    copy.clusters = copy.clusters.map((c) =>
      c.name === current.name ? { ...c, server: `https://127.0.0.1:${this.port}` } : c,
    );
    return copy;
  }

  /** Reset every open connection (the client sees ECONNRESET / an ended stream). */
  dropConnections(): number {
    const count = this.#sockets.size;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    return count;
  }

  /** Drop everything and reset new connections until resume(). */
  pause(): void {
    this.#refusing = true;
    this.dropConnections();
  }

  resume(): void {
    this.#refusing = false;
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  accept(client: Socket): void {
    if (this.#refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(this.#target.port, this.#target.host);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
