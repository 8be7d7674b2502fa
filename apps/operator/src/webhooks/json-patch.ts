// RFC 6902 JSON Patch generation for defaulting webhooks (the AdmissionReview patch format).

export type JsonPatchOp =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Operations turning `from` into `to`; arrays and scalars are replaced whole. */
export function createJsonPatch(from: unknown, to: unknown, path = ''): JsonPatchOp[] {
  if (isObject(from) && isObject(to)) {
    const ops: JsonPatchOp[] = [];
    for (const key of Object.keys(from)) {
      if (from[key] !== undefined && to[key] === undefined)
        ops.push({ op: 'remove', path: `${path}/${escape(key)}` });
    }
    for (const key of Object.keys(to)) {
      if (to[key] === undefined) continue;
      if (from[key] === undefined) ops.push({ op: 'add', path: `${path}/${escape(key)}`, value: to[key] });
      else ops.push(...createJsonPatch(from[key], to[key], `${path}/${escape(key)}`));
    }
    return ops;
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ op: 'replace', path: path || '/', value: to }];
}
