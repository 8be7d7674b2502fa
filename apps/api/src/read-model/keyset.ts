// Keyset (seek) pagination: opaque cursors carry the sort key of a row, so pages stay stable
// while rows are appended and never cost an OFFSET scan.
import { ApiError } from '../errors';

export type KeyPart = string | number;

export interface SortKey {
  /** SQL expressions in sort order, e.g. ['a.valid_from', 'a.id']. */
  columns: readonly string[];
  /** Their SQL types, for casting the cursor's parameters. */
  types: readonly string[];
}

export interface PageArgs {
  after?: string | null;
  before?: string | null;
  /** Rows to fetch (page size + 1 so the caller can tell whether more exist). */
  limit: number;
  /** True when paging backwards (`last`/`before`): rows are fetched in reverse order. */
  inverted: boolean;
}

export function encodeCursor(key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, width: number): KeyPart[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError('BAD_USER_INPUT', `"${cursor}" is not a valid cursor`);
  }
  if (
    !Array.isArray(key) ||
    key.length !== width ||
    !key.every((part) => typeof part === 'string' || typeof part === 'number')
  ) {
    throw new ApiError('BAD_USER_INPUT', `"${cursor}" is not a valid cursor`);
  }
  return key as KeyPart[];
}

/**
 * The WHERE condition and ORDER BY/LIMIT tail for one page; `params` is appended to (placeholders
 * continue its numbering).
 */
export function keysetClause(
  sort: SortKey,
  page: PageArgs,
  params: unknown[],
): { where: string; tail: string } {
  const conditions: string[] = [];
  const tuple = (values: KeyPart[]): string =>
    `(${values
      .map((value, index) => {
        params.push(value);
        return `$${params.length}::${sort.types[index]}`;
      })
      .join(', ')})`;
  const columns = `(${sort.columns.join(', ')})`;
  if (page.after) conditions.push(`${columns} > ${tuple(decodeCursor(page.after, sort.columns.length))}`);
  if (page.before) conditions.push(`${columns} < ${tuple(decodeCursor(page.before, sort.columns.length))}`);
  const direction = page.inverted ? 'DESC' : 'ASC';
  params.push(page.limit);
  return {
    where: conditions.length > 0 ? conditions.join(' AND ') : 'TRUE',
    tail: `ORDER BY ${sort.columns.map((column) => `${column} ${direction}`).join(', ')} LIMIT $${params.length}`,
  };
}
