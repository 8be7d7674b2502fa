// The dashboard in a real browser: Playwright (playwright-core, never downloads a browser) drives
// Debian's chromium against the running stack with the demo data. The numbers on the page must be
// the API's; a click on a host shows its timeline; a screenshot goes to reports/stack/. Finally the
// stack gets SIGINT, as from Ctrl-C, and must stop everything it started.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, type GraphqlClient } from '../src/graphql';
import type { DemoSummary } from '../src/stack';
import { existingDirs, root, startStack, stillRunning, type StackRun } from './support';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const reportDir = join(root, 'reports', 'stack');

interface ApiPool {
  name: string;
  used: number;
  capacity: string;
}
interface ApiHost {
  name: string;
  namespace: string;
  addresses: Array<{ address: string; pool: { name: string } }>;
}

describe('dashboard (chromium)', () => {
  let run: StackRun;
  let api: GraphqlClient;
  let apiUrl: string;
  let token: string;
  let summary: DemoSummary;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const offOrigin: string[] = [];

  beforeAll(async () => {
    run = startStack(['--demo', '--skip-build', '--port', '0']);
    await run.waitForOutput(/Running\. Press Ctrl-C/, 840_000);
    const record = run.record();
    if (!record?.apiUrl) throw new Error(`no apiUrl in the pid file:\n${run.output()}`);
    apiUrl = record.apiUrl;
    token = readFileSync(join(run.stateDir, 'token'), 'utf8').trim();
    api = graphqlClient(`${apiUrl}/graphql`, token);
    summary = JSON.parse(readFileSync(join(run.stateDir, 'demo-report.json'), 'utf8')) as DemoSummary;

    userDataDir = mkdtempSync(join(tmpdir(), 'stableip-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width: 1400, height: 1000 },
      timeout: 120_000,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    page.on('request', (request) => {
      if (!request.url().startsWith(apiUrl) && !request.url().startsWith('data:'))
        offOrigin.push(request.url());
    });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    run?.cleanup();
  });

  it('shows the API’s pools, hosts and stability report, and a host timeline', async () => {
    const { report } = summary;
    const fragment = new URLSearchParams({ token, cluster: 'local', from: report.from, to: report.to });
    await page.goto(`${apiUrl}/#${fragment.toString()}`);
    await page.waitForSelector('#status.ok');

    // The token moved to sessionStorage and out of the address bar.
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate("sessionStorage.getItem('stableip.token')")).toBe(token);

    const data = await api.request<{
      pools: { edges: Array<{ node: ApiPool }> };
      hosts: { edges: Array<{ node: ApiHost }> };
    }>(
      `query { pools(cluster: "local", first: 100) { edges { node { name used capacity } } }
               hosts(cluster: "local", first: 100) { edges { node { name namespace addresses { address pool { name } } } } } }`,
    );
    const pools = data.pools.edges.map((e) => e.node);
    const hosts = data.hosts.edges.map((e) => e.node);
    expect(pools.map((p) => p.name).sort()).toEqual(['provisioning-v4', 'provisioning-v6']);
    expect(hosts).toHaveLength(6);

    // Pools: one card each, with the API's used and capacity figures.
    await expect.poll(() => page.locator('#pools .card').count()).toBe(pools.length);
    for (const pool of pools) {
      const card = page.locator(`#pools .card[data-pool="${pool.name}"]`);
      expect(await card.locator('.used').textContent()).toBe(String(pool.used));
      expect((await card.locator('.capacity').textContent())?.replace(/\D/g, '')).toBe(pool.capacity);
      expect(pool.used).toBe(6);
      // The usage bar is drawn to scale (inline style attributes would be blocked by the CSP).
      const ratio = await card
        .locator('.bar')
        .evaluate(
          (bar) => (bar.firstElementChild as HTMLElement).offsetWidth / (bar as HTMLElement).offsetWidth,
        );
      expect(ratio).toBeCloseTo(Math.max(0.015, pool.used / Number(pool.capacity)), 2);
    }

    // Hosts: every address the API reports, in the right column.
    expect(await page.locator('#hosts tbody tr').count()).toBe(hosts.length);
    for (const host of hosts) {
      for (const { address, pool } of host.addresses) {
        const cell = page.locator(`#hosts tr[data-host="${host.name}"] td[data-pool="${pool.name}"] code`);
        expect(await cell.textContent()).toBe(address);
      }
    }

    // The stability report of the demo's upgrade window.
    expect(await page.locator('#stability-verdict').textContent()).toMatch(/^Stable:/);
    expect(await page.locator('[data-total="kept"] dd').textContent()).toBe(String(report.totals.kept));
    expect(await page.locator('[data-total="changed"] dd').textContent()).toBe('0');
    expect(await page.locator('#stability tbody tr').count()).toBe(report.totals.entries);
    expect(await page.locator('#stability tbody .badge.kept').count()).toBe(12);

    // Click through to a host timeline: two intervals per pool (before and after the upgrade).
    await page.locator('#hosts button.host-link', { hasText: 'node-3' }).click();
    await page.waitForSelector('#timeline-section:not([hidden]) .row');
    expect(await page.locator('#timeline-host').textContent()).toBe('node-3');
    const history = await api.request<{
      host: { history: { edges: Array<{ node: { address: string; pool: { name: string } } }> } };
    }>(
      `query { host(cluster: "local", name: "node-3") { history(first: 100) { edges { node { address pool { name } } } } } }`,
    );
    const intervals = history.host.history.edges.map((e) => e.node);
    expect(intervals).toHaveLength(4);
    expect(await page.locator('#timeline .row').count()).toBe(2);
    expect(await page.locator('#timeline .segment').count()).toBe(intervals.length);
    expect(await page.locator('#history tbody tr').count()).toBe(intervals.length);
    const node3 = hosts.find((h) => h.name === 'node-3')!;
    for (const { address, pool } of node3.addresses) {
      const segments = page.locator(`#timeline .row[data-pool="${pool.name}"] .segment`);
      expect(await segments.count()).toBe(2);
      expect(await segments.allTextContents()).toEqual([address, address]);
      // Before and after the upgrade: two segments side by side on the time axis, the later one current.
      const boxes = await segments.evaluateAll((nodes) =>
        nodes.map((n) => ({
          left: (n as HTMLElement).offsetLeft,
          width: (n as HTMLElement).offsetWidth,
          current: n.classList.contains('current'),
        })),
      );
      expect(boxes[0]!.left + boxes[0]!.width).toBeLessThanOrEqual(boxes[1]!.left + 1);
      expect(boxes.map((b) => b.current)).toEqual([false, true]);
    }

    mkdirSync(reportDir, { recursive: true });
    await page.screenshot({ path: join(reportDir, 'dashboard.png'), fullPage: true });
    expect(offOrigin).toEqual([]);
  });

  it('asks for a token when there is none and reports a wrong one', async () => {
    const fresh = await context.newPage();
    await fresh.goto(`${apiUrl}/`);
    await fresh.evaluate('sessionStorage.clear()');
    await fresh.reload();
    expect(await fresh.locator('#status').textContent()).toMatch(/Enter an API token/);
    await fresh.fill('#token', 'not-the-token');
    await fresh.click('#token-form button[type=submit]');
    await fresh.waitForSelector('#status.error');
    expect(await fresh.locator('#status').textContent()).toMatch(/401/);
    await fresh.close();
  });

  it('stops everything on SIGINT (Ctrl-C)', async () => {
    const seen = new Map(run.seenProcesses());
    const tempDirs = new Set(run.seenTempDirs());
    run.child.kill('SIGINT');
    const code = await run.exited;
    // A stop the user asked for, of a stack that was fully up, is a success (npm prints no error).
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/Ctrl-C: stopping everything/);
    expect(run.output()).toMatch(
      /stopping recorder[\s\S]*stopping api[\s\S]*stopping operator[\s\S]*stopping kube-apiserver[\s\S]*stopping PostgreSQL/,
    );
    expect(stillRunning(seen)).toEqual([]);
    expect(existingDirs(tempDirs)).toEqual([]);
  });
});
