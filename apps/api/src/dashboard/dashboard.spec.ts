import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, dashboardDir, dashboardRouter } from './dashboard';

async function serve(router: express.Router): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(router);
  app.use((_req, res) => void res.status(404).send('fell through'));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('dashboard router', () => {
  let url: string;
  let server: Server;
  beforeAll(async () => ({ url, server } = await serve(dashboardRouter())));
  afterAll(() => server.close());

  it('finds its files next to the source', () => {
    expect(dashboardDir({})).toMatch(/dashboard\/?$/);
  });

  it.each([
    ['/', 'text/html', '<title>stableip dashboard</title>'],
    ['/dashboard/app.js', 'text/javascript', "const TOKEN_KEY = 'stableip.token';"],
    ['/dashboard/style.css', 'text/css', '.timeline'],
  ])('GET %s → %s with a same-origin CSP', async (path, type, content) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain(content);
  });

  it('loads nothing from other origins', async () => {
    for (const path of ['/', '/dashboard/app.js', '/dashboard/style.css']) {
      const text = await (await fetch(`${url}${path}`)).text();
      expect(text).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(text).not.toMatch(/@import|url\(\s*['"]?https?:/);
    }
  });

  it('leaves other paths to the rest of the server', async () => {
    const response = await fetch(`${url}/dashboard/secret.txt`);
    expect(await response.text()).toBe('fell through');
  });
});

describe('dashboard router without its files', () => {
  it('answers 404 with a clear message instead of failing the server', async () => {
    const { url, server } = await serve(dashboardRouter(null));
    try {
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'the dashboard files are not installed' },
      });
    } finally {
      server.close();
    }
  });
});
