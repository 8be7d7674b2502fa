// Relay connections over keyset pages, with an explicit maximum page size.
import { resolveCursorConnection, type DefaultConnectionArguments } from '@pothos/plugin-relay';
import { ApiError } from '../errors';
import { encodeCursor, type KeyPart, type PageArgs } from '../read-model/keyset';
import type { PageLimits } from './context';

export function checkPageSize(args: DefaultConnectionArguments, limits: PageLimits): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size !== null && size !== undefined && size > limits.maxPageSize) {
      throw new ApiError('BAD_USER_INPUT', `"${name}" must be at most ${limits.maxPageSize}`);
    }
  }
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    startCursor?: string | null;
    endCursor?: string | null;
    hasPreviousPage: boolean;
    hasNextPage: boolean;
  };
}

export async function keysetConnection<T>(
  args: DefaultConnectionArguments,
  limits: PageLimits,
  keyOf: (row: T) => KeyPart[],
  fetch: (page: PageArgs) => Promise<T[]>,
): Promise<Connection<T>> {
  checkPageSize(args, limits);
  const connection = await resolveCursorConnection(
    {
      args,
      toCursor: (row: unknown) => encodeCursor(keyOf(row as T)),
      defaultSize: limits.defaultPageSize,
      maxSize: limits.maxPageSize,
    },
    (page): Promise<readonly unknown[]> => fetch(page),
  );
  return connection as unknown as Connection<T>;
}

export const idKey = (row: { id: number | string }): KeyPart[] => [String(row.id)];
export const validFromKey = (row: { validFrom: Date; id: string }): KeyPart[] => [
  row.validFrom.toISOString(),
  row.id,
];
