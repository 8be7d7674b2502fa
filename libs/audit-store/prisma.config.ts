// Prisma CLI configuration (`prisma generate`, and `prisma migrate deploy` where Prisma's native
// engines can be installed). The project's own `migrate` command does not read this file.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Read lazily: generation needs no database, so an unset DATABASE_URL must not fail it.
  datasource: { url: process.env['DATABASE_URL'] ?? '' },
});
