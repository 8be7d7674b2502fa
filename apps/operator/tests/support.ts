// e2e helpers: the operator as a child process, typed clients, polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KubeClient, type KubeObject as RuntimeObject, type ResourceClient } from '@stableip/kube-runtime';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CapiIPAddress, IPAddressClaim, IPClaim, IPPool, Metal3IPAddress } from '@stableip/ipam-core';
import {
  CapiIPAddressResource,
  ClusterResource,
  IPAddressClaimResource,
  IPClaimResource,
  IPPoolResource,
  Metal3IPAddressResource,
} from '../src/resources';

const operatorMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  /** Resolves with the "operator started" log line (an info line: keep --log-level at info or lower). */
  readonly started: Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function runOperator(
  kubeconfig: string,
  args: string[],
  env: Record<string, string> = {},
  /** Another build of the operator (benchmarks compare builds against one server). */
  bundle = operatorMain,
): OperatorProcess {
  const child = spawn(
    process.execPath,
    [
      bundle,
      `--kubeconfig=${kubeconfig}`,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    const tee = process.env['OPERATOR_LOG_FILE'];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (tee) appendFileSync(tee, `${line}\n`);
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        logs.push(record);
        if (record['msg'] === 'operator started') resolve(record);
      } catch {
        logs.push({ raw: line });
      }
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          `operator exited (${code}) before start:\n${logs
            .slice(-20)
            .map((l) => JSON.stringify(l))
            .join('\n')}`,
        ),
      ),
    );
  });
  started.catch(() => undefined);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', (code) => {
    if (code && code !== 0 && stderr) process.stderr.write(`operator stderr:\n${stderr}\n`);
  });
  return {
    child,
    logs,
    started,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Clients {
  client: KubeClient;
  pools: ResourceClient<IPPool>;
  claims: ResourceClient<IPClaim>;
  addresses: ResourceClient<Metal3IPAddress>;
  capiClaims: ResourceClient<IPAddressClaim>;
  capiAddresses: ResourceClient<CapiIPAddress>;
  clusters: ResourceClient<RuntimeObject & { spec?: unknown }>;
}

export function clients(kubeConfig: KubeConfig): Clients {
  const client = new KubeClient(kubeConfig, { fieldManager: 'e2e' });
  return {
    client,
    pools: client.resource(IPPoolResource),
    claims: client.resource(IPClaimResource),
    addresses: client.resource(Metal3IPAddressResource),
    capiClaims: client.resource(IPAddressClaimResource),
    capiAddresses: client.resource(CapiIPAddressResource),
    clusters: client.resource(ClusterResource) as unknown as Clients['clusters'],
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function ipPool(namespace: string, name: string, spec: Partial<IPPool['spec']>): IPPool {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name, namespace },
    spec: { namePrefix: name, ...spec },
  };
}

export function ipClaim(
  namespace: string,
  name: string,
  pool: string,
  metadata: Partial<IPClaim['metadata']> = {},
): IPClaim {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPClaim',
    metadata: { name, namespace, ...metadata },
    spec: { pool: { name: pool, namespace } },
  };
}

/** The address an IPClaim got (via status.address → IPAddress.spec.address), or undefined. */
export async function claimAddress(c: Clients, namespace: string, name: string): Promise<string | undefined> {
  const claim = await c.claims.get({ namespace, name });
  const ref = claim.status?.address?.name;
  if (!ref) return undefined;
  const address = await c.addresses.get({ namespace, name: ref });
  return address.spec.address;
}
