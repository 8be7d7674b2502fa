// When an object changed, as far as the object itself tells: creationTimestamp for a create,
// deletionTimestamp for a delete, the newest managedFields entry for an update. All are
// second-precision RFC 3339, so lags derived from them are accurate to about a second.
import type { EventAction } from '@stableip/audit-store';
import type { KubeObject } from '@stableip/kube-runtime';

function parseTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The newest `time` among managedFields entries (undefined when there are none). */
export function lastManagedFieldsTime(obj: KubeObject): number | undefined {
  let newest: number | undefined;
  for (const entry of obj.metadata?.managedFields ?? []) {
    const time = parseTime((entry as { time?: unknown }).time);
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
  }
  return newest;
}

export function objectChangeTime(
  action: EventAction,
  obj: KubeObject,
  managedFieldsTime: number | undefined,
): number | undefined {
  switch (action) {
    case 'create':
      return parseTime(obj.metadata?.creationTimestamp) ?? managedFieldsTime;
    case 'delete':
      return parseTime(obj.metadata?.deletionTimestamp);
    case 'update':
      return managedFieldsTime ?? parseTime(obj.metadata?.deletionTimestamp);
  }
}
