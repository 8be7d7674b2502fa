import { describe, expect, it } from 'vitest';
import { AuditStoreError } from '@stableip/audit-store';
import { isPermanentStoreError } from './errors';

const coded = (code: string, name = 'Error') => Object.assign(new Error(code), { code, name });

describe('isPermanentStoreError', () => {
  it.each([
    { what: 'store: invalid address', error: new AuditStoreError('INVALID_ADDRESS', 'x'), permanent: true },
    {
      what: 'store: assignment conflict',
      error: new AuditStoreError('ASSIGNMENT_CONFLICT', 'x'),
      permanent: true,
    },
    { what: 'store: unknown cluster', error: new AuditStoreError('UNKNOWN_CLUSTER', 'x'), permanent: false },
    {
      what: 'Prisma validation',
      error: Object.assign(new Error('bad'), { name: 'PrismaClientValidationError' }),
      permanent: true,
    },
    { what: 'Prisma unique violation', error: coded('P2002'), permanent: true },
    { what: 'Prisma pool timeout', error: coded('P2024'), permanent: false },
    { what: 'Prisma transaction API', error: coded('P2028'), permanent: false },
    { what: 'Prisma cannot reach server', error: coded('P1001'), permanent: false },
    { what: 'PostgreSQL check violation', error: coded('23514'), permanent: true },
    { what: 'PostgreSQL invalid text', error: coded('22P02'), permanent: true },
    { what: 'PostgreSQL admin shutdown', error: coded('57P01'), permanent: false },
    { what: 'connection refused', error: coded('ECONNREFUSED'), permanent: false },
    { what: 'plain error', error: new Error('Connection terminated unexpectedly'), permanent: false },
    { what: 'not an error', error: 'boom', permanent: false },
  ])('$what → permanent: $permanent', ({ error, permanent }) => {
    expect(isPermanentStoreError(error)).toBe(permanent);
  });
});
