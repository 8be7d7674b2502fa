// Soak test: repeated rolling upgrades of BMH-named claims ({bmh}-{pool}, each host preallocated)
// in a shuffled order, while the operator is SIGKILLed and restarted at varying points. After
// every round: every claim is allocated, every host kept its preallocated IP, and no address is
// duplicated or orphaned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { isNotFound } from '@stableip/kube-runtime';
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

const kube = useKubeTestNamespace('soak');
const HOSTS = 24;
const ROUNDS = 3;
const POOL = 'soak';
let c: Clients;
let ns: string;
let operator: OperatorProcess | undefined;
const hostName = (i: number) => `host-${String(i).padStart(2, '0')}`;
const claimName = (i: number) => `${hostName(i)}-${POOL}`;
const preallocated = (i: number) => `10.30.0.${10 + i}`;

function start(): OperatorProcess {
  operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--enable-webhooks=false',
    '--leader-elect=false',
  ]);
  return operator;
}

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  const preAllocations = Object.fromEntries(
    Array.from({ length: HOSTS }, (_, i) => [claimName(i), preallocated(i)]),
  );
  await c.pools.create(ipPool(ns, POOL, { pools: [{ subnet: '10.30.0.0/24' }], preAllocations }));
  await start().started;
  for (let i = 0; i < HOSTS; i++) await c.claims.create(ipClaim(ns, claimName(i), POOL));
});

afterAll(async () => {
  await operator?.kill('SIGKILL');
  c?.client.close();
});

/** A permutation that differs per round (a stride coprime to HOSTS). */
function shuffled(round: number): number[] {
  const strides = [5, 7, 11, 13];
  const stride = strides[round % strides.length]!;
  return Array.from({ length: HOSTS }, (_, i) => (i * stride + round) % HOSTS);
}

async function checkRound(): Promise<void> {
  await waitFor(
    'every claim allocated',
    async () => {
      const { items } = await c.claims.list({ namespace: ns });
      return (
        items.length === HOSTS &&
        items.every((claim) => claim.status?.address?.name && !claim.metadata.deletionTimestamp)
      );
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
  const claims = (await c.claims.list({ namespace: ns })).items;
  const addresses = (await c.addresses.list({ namespace: ns })).items;
  const byName = new Map(addresses.map((a) => [a.metadata.name, a]));
  const wrongIp = claims.filter((claim) => {
    const index = Number(/^host-(\d+)-/.exec(claim.metadata.name ?? '')?.[1]);
    return byName.get(claim.status?.address?.name)?.spec.address !== preallocated(index);
  });
  const claimNames = new Set(claims.map((claim) => claim.metadata.name));
  const ips = addresses.map((a) => a.spec.address);
  expect({
    wrongOrMissingAddress: wrongIp.map((claim) => claim.metadata.name),
    orphans: addresses.filter((a) => !claimNames.has(a.spec.claim.name)).map((a) => a.metadata.name),
    duplicates: ips.length - new Set(ips).size,
    addresses: addresses.length,
  }).toEqual({ wrongOrMissingAddress: [], orphans: [], duplicates: 0, addresses: HOSTS });
}

async function replace(i: number): Promise<void> {
  const name = claimName(i);
  await c.claims.delete({ namespace: ns, name });
  await waitFor(
    `${name} released`,
    async () => {
      try {
        await c.claims.get({ namespace: ns, name });
        return false;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    { timeoutMs: 180_000, intervalMs: 100 },
  );
  await c.claims.create(ipClaim(ns, name, POOL));
}

describe('soak: rolling upgrades with operator crashes', () => {
  it(`${ROUNDS} shuffled rolling upgrades of ${HOSTS} BMH-named claims, SIGKILL and restart in between`, async () => {
    await checkRound();
    for (let round = 0; round < ROUNDS; round++) {
      let upgrading = true;
      const upgrade = (async () => {
        // Two hosts at a time, as a rolling upgrade with maxUnavailable 2.
        const order = shuffled(round);
        for (let k = 0; k < order.length; k += 2) await Promise.all(order.slice(k, k + 2).map(replace));
        upgrading = false;
      })();
      let kills = 0;
      const chaos = (async () => {
        while (upgrading) {
          await sleep(400 + ((round * 331 + kills * 577) % 1200));
          if (!upgrading) break;
          await operator?.kill('SIGKILL');
          kills += 1;
          await start().started;
        }
      })();
      await Promise.all([upgrade, chaos]);
      expect(kills).toBeGreaterThan(0);
      await checkRound();
    }
  }, 900_000);
});
