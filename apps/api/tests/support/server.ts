// Starts the API on a free port against a test database, with fixed tokens.
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createAuthenticator, type Authenticator } from '../../src/auth/authenticate';
import { sha256Hex, StaticTokens } from '../../src/auth/tokens';
import { DEFAULT_EXPORT_SETTINGS } from '../../src/exports/settings';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src/http/server';
import type { TestDatabase } from './database';

export const READER_TOKEN = 'reader-token-0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789';

export const testTokens = new StaticTokens([
  { name: 'dns-automation', role: 'reader', sha256: sha256Hex(READER_TOKEN) },
  { name: 'platform-admin', role: 'admin', sha256: sha256Hex(ADMIN_TOKEN) },
]);

export interface TestServer {
  readonly url: string;
  readonly server: ApiServer;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{
    status: number;
    body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  }>;
}

export function useTestServer(
  db: TestDatabase,
  overrides: Partial<ApiServerOptions> & { authenticator?: Authenticator } = {},
): TestServer {
  let server: ApiServer | undefined;
  let url = '';
  beforeAll(async () => {
    server = await createApiServer({
      databaseUrl: db.url,
      authenticator: createAuthenticator({ tokens: testTokens }),
      logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
      exportSettings: {
        ...DEFAULT_EXPORT_SETTINGS,
        hostTemplate: '{bmh}.{cluster}.example.com',
        dnsTtl: 300,
      },
      limits: {
        defaultPageSize: 50,
        maxPageSize: 200,
        maxDepth: 10,
        maxCost: 20_000,
        bodyLimit: '20kb',
        rateLimitPerMinute: 10_000,
      },
      introspection: true,
      landingPage: true,
      subscriptionPollMs: 100,
      ...overrides,
    });
    const port = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      return url;
    },
    get server() {
      if (!server) throw new Error('server not started yet');
      return server;
    },
    async graphql(query, variables = {}, token = READER_TOKEN) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
  };
}
