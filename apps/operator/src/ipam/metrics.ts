// IPAM metrics beyond controller-runtime's: per-pool address gauges and allocation counters.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CapacityStatus } from './pool-status';

const STATES = ['total', 'allocated', 'preallocated', 'free'] as const;

export class IpamMetrics {
  readonly addresses: Gauge<'namespace' | 'pool' | 'state'>;
  readonly allocations: Counter<'namespace' | 'pool'>;
  readonly failures: Counter<'namespace' | 'pool'>;

  constructor(registry: Registry) {
    this.addresses = new Gauge({
      name: 'stableip_ippool_addresses',
      help: 'Addresses of an IPPool by state (total, allocated, preallocated, free); clamped for huge IPv6 ranges.',
      labelNames: ['namespace', 'pool', 'state'],
      registers: [registry],
    });
    this.allocations = new Counter({
      name: 'stableip_ipam_allocations_total',
      help: 'IPAddress objects created for claims.',
      labelNames: ['namespace', 'pool'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'stableip_ipam_allocation_failures_total',
      help: 'Claims that got an allocation error written to their status.',
      labelNames: ['namespace', 'pool'],
      registers: [registry],
    });
  }

  setPool(namespace: string, pool: string, capacity: CapacityStatus): void {
    for (const state of STATES) this.addresses.set({ namespace, pool, state }, capacity[state]);
  }

  forgetPool(namespace: string, pool: string): void {
    for (const state of STATES) this.addresses.remove({ namespace, pool, state });
  }
}
