// Serves the built-in dashboard (index.html, app.js, style.css of this folder) at `/`. The page
// reads the GraphQL API with the user's token; the static files themselves need no token and load
// nothing from the internet (CSP: same origin only).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router, type Request, type Response } from 'express';

const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;
type DashboardFile = keyof typeof FILES;

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * This folder from source (tsx, vitest) or from the bundle (apps/api/dist/main.js → ../src/dashboard).
 * Override with STABLEIP_DASHBOARD_DIR (e.g. in an image that copies the files elsewhere).
 */
export function dashboardDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env['STABLEIP_DASHBOARD_DIR'],
    fileURLToPath(new URL('./', import.meta.url)),
    fileURLToPath(new URL('../src/dashboard/', import.meta.url)),
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(`${dir}/index.html`));
}

/** `dir` null: no files (every page answers 404). */
export function dashboardRouter(dir: string | null = dashboardDir() ?? null): Router {
  const router = Router();
  // Read once: the files are small and immutable for the life of the process.
  const files = new Map<DashboardFile, Buffer>();
  if (dir)
    for (const name of Object.keys(FILES) as DashboardFile[]) files.set(name, readFileSync(`${dir}/${name}`));
  const send = (name: DashboardFile) => (_req: Request, res: Response) => {
    const body = files.get(name);
    if (!body) {
      res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'the dashboard files are not installed' } });
      return;
    }
    res.setHeader('Content-Type', FILES[name]);
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(body);
  };
  router.get('/', send('index.html'));
  router.get('/dashboard/app.js', send('app.js'));
  router.get('/dashboard/style.css', send('style.css'));
  return router;
}
