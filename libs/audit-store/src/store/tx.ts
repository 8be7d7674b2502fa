import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export type TransactionClient = Prisma.TransactionClient;

/** Serialized per cluster by a row lock, so waits are expected under load; bound them anyway. */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

export function inTransaction<T>(
  prisma: PrismaClient,
  work: (tx: TransactionClient) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(work, TRANSACTION_OPTIONS);
}
