// Production defaults: no introspection, no landing page, a per-token rate limit.
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database';
import { ADMIN_TOKEN, READER_TOKEN, useTestServer } from './support/server';

const db = useTestDatabase();
const api = useTestServer(db, {
  introspection: false,
  landingPage: false,
  limits: {
    defaultPageSize: 50,
    maxPageSize: 200,
    maxDepth: 10,
    maxCost: 20_000,
    bodyLimit: '20kb',
    rateLimitPerMinute: 5,
  },
});

describe('production settings', () => {
  it('refuses introspection', async () => {
    const { status, body } = await api.graphql('{ __schema { types { name } } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('serves no landing page', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      headers: { accept: 'text/html', authorization: `Bearer ${READER_TOKEN}` },
    });
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain('<html');
  });

  it('rate-limits per token: the sixth request of a minute gets 429, another token is unaffected', async () => {
    const statuses: number[] = [];
    // Two requests above already used this token's budget; the limit is 5 per minute.
    for (let i = 0; i < 4; i += 1) statuses.push((await api.graphql('{ clusters { name } }')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await api.graphql('{ clusters { name } }');
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect((await api.graphql('{ clusters { name } }', {}, ADMIN_TOKEN)).status).toBe(200);
  });
});
