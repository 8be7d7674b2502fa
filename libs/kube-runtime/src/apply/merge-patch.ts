// RFC 7386 JSON merge patch generation: the smallest patch that turns `from` into `to`.

type Json = unknown;

const isPlainObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Structural equality of JSON values, ignoring key order and `undefined` members. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
    );
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * The merge patch from `from` to `to` (both objects), or undefined when they are equal. Arrays are
 * replaced whole (merge patch semantics); removed members become `null`.
 */
export function createMergePatch(
  from: Record<string, Json> | undefined,
  to: Record<string, Json> | undefined,
): Record<string, Json> | undefined {
  const source = from ?? {};
  const target = to ?? {};
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(target)) {
    const value = target[key];
    if (value === undefined) continue;
    const previous = source[key];
    if (jsonEqual(previous, value)) continue;
    if (isPlainObject(previous) && isPlainObject(value)) {
      const nested = createMergePatch(previous, value);
      if (nested) patch[key] = nested;
    } else {
      patch[key] = value;
    }
  }
  for (const key of Object.keys(source)) {
    if (source[key] !== undefined && target[key] === undefined) patch[key] = null;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
