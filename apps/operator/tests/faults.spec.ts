// Fault tests: the operator is SIGKILLed again and again while 500 claims are being allocated, and
// two replicas run with leader election while the leader is killed. Afterwards every claim has
// exactly one address, no address is assigned twice and no IPAddress is orphaned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import {
  clients,
  ipClaim,
  ipPool,
  runOperator,
  sleep,
  waitFor,
  type Clients,
  type OperatorProcess,
} from './support';

const kube = useKubeTestNamespace('faults');
let c: Clients;
let ns: string;
const running: OperatorProcess[] = [];

beforeAll(() => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGKILL')));
  c?.client.close();
});

function start(args: string[]): OperatorProcess {
  const operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--enable-webhooks=false',
    ...args,
  ]);
  running.push(operator);
  return operator;
}

async function createClaims(pool: string, prefix: string, count: number, parallel = 25): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += parallel) {
    await Promise.all(names.slice(i, i + parallel).map((name) => c.claims.create(ipClaim(ns, name, pool))));
  }
  return names;
}

async function allAllocated(pool: string, expected: number): Promise<boolean> {
  const { items } = await c.claims.list({ namespace: ns });
  const mine = items.filter((claim) => claim.spec.pool.name === pool);
  return mine.length === expected && mine.every((claim) => claim.status?.address?.name);
}

/** The invariants of the issue: one address per claim, none shared, none orphaned. */
async function checkInvariants(pool: string, expectedClaims: number): Promise<void> {
  const claims = (await c.claims.list({ namespace: ns })).items.filter(
    (claim) => claim.spec.pool.name === pool,
  );
  const addresses = (await c.addresses.list({ namespace: ns })).items.filter(
    (a) => a.spec.pool.name === pool,
  );
  expect(claims).toHaveLength(expectedClaims);
  const perClaim = new Map<string, string[]>();
  for (const address of addresses) {
    const list = perClaim.get(address.spec.claim.name ?? '') ?? [];
    list.push(address.metadata.name ?? '');
    perClaim.set(address.spec.claim.name ?? '', list);
  }
  const claimNames = new Set(claims.map((claim) => claim.metadata.name));
  const orphans = addresses.filter((a) => !claimNames.has(a.spec.claim.name));
  const multiple = [...perClaim].filter(([, list]) => list.length > 1);
  const ips = addresses.map((a) => a.spec.address);
  const mismatched = claims.filter(
    (claim) => perClaim.get(claim.metadata.name ?? '')?.[0] !== claim.status?.address?.name,
  );
  expect({
    orphans: orphans.length,
    multiple: multiple.length,
    duplicates: ips.length - new Set(ips).size,
    mismatched: mismatched.length,
  }).toEqual({
    orphans: 0,
    multiple: 0,
    duplicates: 0,
    mismatched: 0,
  });
  expect(addresses).toHaveLength(expectedClaims);
}

describe('fault tolerance', () => {
  it('SIGKILL repeatedly while 500 claims are allocated', async () => {
    await c.pools.create(ipPool(ns, 'kill', { pools: [{ subnet: '10.20.0.0/22' }] }));
    let operator = start(['--leader-elect=false']);
    await operator.started;
    const creating = createClaims('kill', 'k', 500);
    let kills = 0;
    const chaos = (async () => {
      // Kill at varying points of the allocation; restart at once (no graceful shutdown).
      for (let i = 0; i < 6; i++) {
        await sleep(700 + ((i * 397) % 900));
        await operator.kill('SIGKILL');
        kills += 1;
        operator = start(['--leader-elect=false']);
        await operator.started;
      }
    })();
    await Promise.all([creating, chaos]);
    expect(kills).toBe(6);
    await waitFor('500 claims allocated', () => allAllocated('kill', 500), {
      timeoutMs: 180_000,
      intervalMs: 1000,
    });
    await checkInvariants('kill', 500);
    expect(await operator.kill('SIGTERM')).toBe(0);
  }, 420_000); // a busy 2-core machine can need minutes for 500 claims

  it('two replicas with leader election: the standby takes over from a killed leader', async () => {
    await c.pools.create(ipPool(ns, 'ha', { pools: [{ subnet: '10.21.0.0/22' }] }));
    const args = ['--leader-elect=true', `--leader-election-namespace=${ns}`, '--leader-election-id=ha-test'];
    const first = start(args);
    const second = start(args);
    await Promise.all([first.started, second.started]);
    const creating = createClaims('ha', 'h', 300);
    const lease = await waitFor('a leader', async () => {
      const replicas = [first, second];
      const leader = replicas.find((r) => r.logs.some((l) => l['msg'] === 'became leader'));
      return leader;
    });
    await sleep(1500);
    await lease.kill('SIGKILL'); // no Lease release: the standby waits for it to expire
    const standby = lease === first ? second : first;
    await creating;
    await waitFor('standby leads', async () => standby.logs.some((l) => l['msg'] === 'became leader'), {
      timeoutMs: 60_000,
    });
    await waitFor('300 claims allocated', () => allAllocated('ha', 300), {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    await checkInvariants('ha', 300);
    expect(await standby.kill('SIGTERM')).toBe(0);
  }, 300_000);
});
