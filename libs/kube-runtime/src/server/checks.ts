import type { Informer } from '../informer/informer';
import type { KubeObject } from '../client/resource';
import type { Check } from './http';

/** A readiness check that fails while any informer is stale (not synced, or unable to watch). */
export function informersSyncedCheck(
  informers: readonly Informer<KubeObject>[] | (() => readonly Informer<KubeObject>[]),
): Check {
  return () => {
    const list = typeof informers === 'function' ? informers() : informers;
    const stale = list.filter((informer) => informer.isStale());
    if (stale.length === 0) return true;
    return `stale informers: ${stale
      .map(
        (i) => `${i.name} (${i.state}${i.lastError ? `: ${i.lastError.reason} ${i.lastError.message}` : ''})`,
      )
      .join(', ')}`;
  };
}
