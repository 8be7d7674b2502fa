// The stack: build, start and supervise every process, seed the demo, print where everything is,
// and stop it all in reverse order on Ctrl-C / SIGTERM / launcher death / a child crash.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { migrate, startEmbeddedPostgres, type EmbeddedPostgresServer } from '@stableip/audit-store';
import type { KubeClient } from '@stableip/kube-runtime';
import pg from 'pg';
import {
  compareSnapshots,
  ensureAutoPinned,
  rollingUpgrade,
  seedFirstGeneration,
  waitForAllocations,
  type DemoContext,
} from './demo';
import { demoModel, type HostComparison, type Snapshot } from './demo-model';
import {
  graphqlClient,
  recordedAddresses,
  stabilityReport,
  type GraphqlClient,
  type StabilityReport,
} from './graphql';
import { installCrds, missingCrds, newClient, readManifests, sleep, waitUntil } from './kube';
import { PREFERRED_PORT, type StackOptions } from './options';
import { Progress } from './progress';
import { StateDir, defaultStateDir, type StackRecord } from './state';
import { ChildExitedError, Supervisor, tailFile, type ManagedChild } from './supervisor';
import {
  goMissingMessage,
  goStatus,
  kubeTestenvBinary,
  kubeTestenvBuilt,
  nxBuild,
  nxProgress,
} from './toolchain';

export const LOCAL_CLUSTER = 'local';
const STACK_DATABASE = 'stableip_stack';

export interface StackPaths {
  root: string;
  crdDirs: string[];
  demoDir: string;
  operatorMain: string;
  apiBin: string;
  recorderEntry: string;
  /** Passed explicitly: a bundle cannot find audit-store's prisma/ folder relative to itself. */
  migrationsDir: string;
}

export function stackPaths(root: string): StackPaths {
  return {
    root,
    crdDirs: [
      join(root, 'config', 'crd', 'bases'),
      join(root, 'apps', 'operator', 'tests', 'fixtures', 'crds'),
    ],
    demoDir: join(root, 'examples', 'demo'),
    operatorMain: join(root, 'apps', 'operator', 'dist', 'main.js'),
    apiBin: join(root, 'apps', 'api', 'bin', 'stableip-api.mjs'),
    recorderEntry: join(root, 'libs', 'recorder', 'src', 'bin.ts'),
    migrationsDir: join(root, 'libs', 'audit-store', 'prisma', 'migrations'),
  };
}

export class StackError extends Error {
  override readonly name = 'StackError';
}

/** The summary written to <state>/demo-report.json (read by the e2e test). */
export interface DemoSummary {
  stable: boolean;
  seed: number;
  order: string[];
  comparisons: HostComparison[];
  indexes: Array<{ host: string; before: string; after: string }>;
  report: StabilityReport;
  capm3Simulated: boolean;
  autoPinnedBy: 'operator' | 'seeder' | 'none';
  /** Times the seeder had to touch the pools because the operator left a claim unallocated. */
  reconcileNudges: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForHttp(url: string, child: ManagedChild, timeoutMs: number): Promise<void> {
  await waitUntil(
    `${url}`,
    async () => {
      if (child.child.exitCode !== null || child.child.signalCode !== null) {
        throw new ChildExitedError(
          child.spec.name,
          child.child.exitCode,
          child.child.signalCode,
          child.logFile,
        );
      }
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return response?.ok === true;
    },
    { timeoutMs, intervalMs: 300 },
  ).catch((error: unknown) => {
    if (error instanceof ChildExitedError) throw error;
    throw new StackError(
      `${child.spec.name} did not become ready (${String(error)}); last lines of ${child.logFile}:\n${tailFile(child.logFile)}`,
    );
  });
}

export interface StackIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C / SIGTERM / launcher death. */
  signal: AbortSignal;
}

export async function runStack(options: StackOptions, paths: StackPaths, io: StackIo): Promise<number> {
  const progress = new Progress(io.out);
  const state = new StateDir(options.stateDir ?? defaultStateDir());
  const record: StackRecord = {
    pid: process.pid,
    commandMatch: 'stack',
    startedAt: new Date().toISOString(),
    children: [],
  };
  let postgres: EmbeddedPostgresServer | undefined;
  let kubeClient: KubeClient | undefined;
  const supervisor = new Supervisor(state.logDir, (children) => {
    record.children = children;
    state.write(record);
  });
  let failure: Error | undefined;
  /** Set once this run has taken the state dir over (never when another live stack owns it). */
  let ownsState = false;
  const crashed = new Promise<never>((_, reject) => supervisor.onUnexpectedExit((error) => reject(error)));
  crashed.catch(() => undefined);
  const stopped = new Promise<never>((_, reject) => {
    const abort = () => reject(new StackError('stopping (signal)'));
    if (io.signal.aborted) abort();
    else io.signal.addEventListener('abort', abort, { once: true });
  });
  stopped.catch(() => undefined);
  /** Runs `work` but gives up as soon as a child crashes or a stop is requested. */
  const guarded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, crashed, stopped]);

  try {
    // --- state dir and crash recovery -------------------------------------------------------
    state.ensure();
    const recovery = await state.recover();
    if (recovery.actions.length > 0) {
      progress.line('Recovered from a previous run that did not stop cleanly:');
      for (const action of recovery.actions) progress.line(`  - ${action}`);
    }
    record.commandMatch = process.argv[1] ?? 'stack';
    state.write(record);
    ownsState = true;
    progress.line(`stableip stack — state in ${state.path}`);

    // --- builds ------------------------------------------------------------------------------
    const useLocalApiServer = options.kubeconfig === undefined;
    if (useLocalApiServer) {
      const go = goStatus();
      if (!go.ok && !kubeTestenvBuilt(paths.root)) throw new StackError(goMissingMessage(go));
      if (!go.ok)
        progress.line(
          `  (Go not usable: using the kube-testenv binary built earlier at ${kubeTestenvBinary(paths.root)})`,
        );
    }
    if (!options.skipBuild) {
      const buildLog = join(state.logDir, 'build.log');
      rmSync(buildLog, { force: true });
      const goUsable = goStatus().ok;
      // kube-testenv first, on its own: it is the slow one (and a build dependency of the others).
      if (goUsable) {
        const first = !kubeTestenvBuilt(paths.root);
        await guarded(
          progress.step(
            'build the local Kubernetes API server (tools/kube-testenv, Go)',
            (update) => nxBuild(paths.root, ['kube-testenv'], buildLog, (line) => report(update, line)),
            {
              // Nx decides whether Go runs at all (cache); only a missing binary is surely slow.
              slowNote: first
                ? 'the first Go build of kube-apiserver + etcd takes several minutes (module downloads, ~2,000 packages); later starts are cached'
                : 'a Go source or the Go version changed since the last build: kube-testenv may be rebuilt (a minute or more)',
              slowAfterMs: first ? 3_000 : 30_000,
            },
          ),
        );
      }
      await guarded(
        progress.step('build operator and API (Nx, cached)', (update) =>
          // Without Go, kube-testenv:build (a task dependency) would fail: build the rest alone.
          nxBuild(paths.root, ['operator', 'api'], buildLog, (line) => report(update, line), {
            withDependencies: goUsable,
          }),
        ),
      );
    }
    for (const file of [paths.operatorMain, join(paths.root, 'apps', 'api', 'dist', 'main.js')]) {
      if (!existsSync(file)) throw new StackError(`${file} is missing: run without --skip-build`);
    }

    // --- PostgreSQL -----------------------------------------------------------------------------
    let databaseUrl: string;
    if (options.databaseUrl) {
      databaseUrl = options.databaseUrl;
      progress.line(`→ PostgreSQL: using ${redactUrl(databaseUrl)} (DATABASE_URL)`);
    } else {
      const pgLog = join(state.logDir, 'postgres.log');
      rmSync(pgLog, { force: true });
      postgres = await guarded(
        progress.step('start PostgreSQL (embedded)', () =>
          startEmbeddedPostgres({
            dataDir: state.postgresDataDir,
            database: useLocalApiServer ? STACK_DATABASE : 'stableip',
            onLog: (line) => appendFileSync(pgLog, `${line}\n`),
          }),
        ),
      );
      record.postgresDataDir = postgres.dataDir;
      state.write(record);
      databaseUrl = postgres.databaseUrl;
      if (useLocalApiServer) {
        // The local API server is new on every start: its history from an earlier run would only
        // describe objects that no longer exist anywhere, so the demo starts from an empty database.
        await resetDatabase(postgres.serverUrl, STACK_DATABASE);
        progress.line(`  database ${STACK_DATABASE} reset for this run (data dir ${postgres.dataDir})`);
      }
    }

    // --- Kubernetes --------------------------------------------------------------------------------
    let kubeconfig: string;
    let clusterName: string;
    if (useLocalApiServer) {
      const ready = await guarded(
        progress.step('start the Kubernetes API server (kube-apiserver + etcd)', () =>
          startKubeTestenv(paths, supervisor),
        ),
      );
      kubeconfig = ready.kubeconfig;
      clusterName = LOCAL_CLUSTER;
      kubeClient = newClient(kubeconfig);
      const client = kubeClient;
      await guarded(
        progress.step('install CRDs (IPAM, CAPI, CAPM3, BareMetalHost)', async () => {
          await installCrds(client, paths.crdDirs);
        }),
      );
    } else {
      kubeconfig = options.kubeconfig!;
      kubeClient = newClient(kubeconfig);
      clusterName = kubeClient.kubeConfig.getCurrentContext() || 'default';
      progress.line(`→ Kubernetes: existing cluster, context "${clusterName}" from ${kubeconfig}`);
      const client = kubeClient;
      if (options.installCrds) {
        await guarded(
          progress.step('install CRDs into the cluster (--install-crds)', () =>
            installCrds(client, paths.crdDirs),
          ),
        );
      } else {
        const missing = await missingCrds(client, paths.crdDirs);
        if (missing.length > 0) {
          progress.line(
            `  warning: the cluster lacks ${missing.length} CRD(s) (${missing.join(', ')}); nothing was installed.`,
          );
          progress.line(
            '  Add --install-crds to install them (config/crd/bases and the CAPI/CAPM3/BMH CRDs).',
          );
          if (options.demo) throw new StackError('the demo needs every CRD: rerun with --install-crds');
        }
      }
    }

    // --- operator ----------------------------------------------------------------------------------
    const operator = await guarded(
      progress.step('start the operator (ipam + metal3data, BMH name-based preallocation)', () =>
        startOperator(paths, supervisor, kubeconfig, useLocalApiServer),
      ),
    );
    if (operator.simulateCapm3Claims) {
      progress.line(
        '  note: this operator build has no `metal3data` controller group yet (apps/operator, issue 6):',
      );
      progress.line(
        '  it runs `--controllers=ipam`, and the demo seeder creates the {bmh}-{pool} IPClaims as CAPM3 would.',
      );
    }

    // --- API and recorder -------------------------------------------------------------------------
    const token = randomBytes(24).toString('base64url');
    const tokenFile = join(state.path, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const port = await choosePort(options.port);
    const apiUrl = `http://127.0.0.1:${port}`;
    await guarded(
      progress.step('apply the audit-store migrations (Prisma, WASM engine)', () =>
        migrate({ databaseUrl, migrationsDir: paths.migrationsDir }),
      ),
    );
    await guarded(
      progress.step('start the API (GraphQL, exports, dashboard)', () =>
        startApi(paths, supervisor, { port, databaseUrl, token }),
      ),
    );
    record.apiUrl = apiUrl;
    record.dashboardUrl = `${apiUrl}/`;
    state.write(record);
    const recorderKind = await guarded(
      progress.step('start the recorder (Kubernetes → PostgreSQL)', () =>
        startRecorder(paths, supervisor, { databaseUrl, kubeconfig, clusterName }),
      ),
    );
    if (recorderKind === 'library') {
      progress.line(
        "  note: `stableip-api record` is not wired in this API build yet: running libs/recorder's own entry.",
      );
    }
    const api = graphqlClient(`${apiUrl}/graphql`, token);

    // --- demo ----------------------------------------------------------------------------------------
    let summary: DemoSummary | undefined;
    if (options.demo) {
      summary = await guarded(
        runDemo({
          client: kubeClient,
          paths,
          api,
          clusterName,
          seed: options.seed,
          simulateCapm3Claims: operator.simulateCapm3Claims,
          progress,
        }),
      );
      writeFileSync(join(state.path, 'demo-report.json'), `${JSON.stringify(summary, null, 2)}\n`);
      printSummary(progress, summary);
    }

    printUrls(progress, {
      apiUrl,
      fragment: dashboardFragment(token, clusterName, summary),
      tokenFile,
      kubeconfig,
      logDir: state.logDir,
      local: useLocalApiServer,
    });
    if (options.exitAfterDemo) return summary?.stable ? 0 : 1;
    progress.line(
      'Running. Press Ctrl-C to stop everything (in order: recorder, API, operator, API server, PostgreSQL).',
    );
    await Promise.race([crashed, stopped]).catch((error: unknown) => {
      if (error instanceof ChildExitedError) throw error;
    });
    return 0;
  } catch (error) {
    failure = error as Error;
    if (!(error instanceof StackError && error.message === 'stopping (signal)')) {
      progress.line(`\nerror: ${failure.message}`);
      return 1;
    }
    return 130;
  } finally {
    // Refused (another live stack owns the state dir) or failed before taking over: touch nothing.
    if (ownsState) {
      progress.line(failure ? '\nStopping everything that was started…' : '\nStopping…');
      await supervisor.stopAll((name) => progress.line(`  stopping ${name}`));
      kubeClient?.close();
      if (postgres) {
        progress.line('  stopping PostgreSQL');
        await postgres.stop().catch(() => undefined);
      }
      state.remove();
      progress.line(`Stopped (ran ${progress.elapsed()}).`);
    }
  }
}

function report(update: (text: string) => void, line: string): void {
  const text = nxProgress(line);
  if (text) update(text);
}

/** The dashboard link: token (moved to sessionStorage by the page), cluster and the demo's window. */
export function dashboardFragment(token: string, cluster: string, summary?: DemoSummary): string {
  const params = new URLSearchParams({ token, cluster });
  if (summary) {
    params.set('from', summary.report.from);
    params.set('to', summary.report.to);
  }
  return params.toString();
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function resetDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

async function choosePort(requested: number | undefined): Promise<number> {
  if (requested !== undefined && requested !== 0) {
    if (!(await portIsFree(requested))) {
      throw new StackError(
        `port ${requested} is in use (another stableip stack or another program): choose another with --port, or omit it`,
      );
    }
    return requested;
  }
  if (requested === undefined && (await portIsFree(PREFERRED_PORT))) return PREFERRED_PORT;
  return freePort();
}

interface KubeTestenvReady {
  kubeconfig: string;
  server: string;
  dir: string;
}

/** kube-testenv prints one JSON line when ready; it exits when its stdin (our pipe) closes. */
async function startKubeTestenv(paths: StackPaths, supervisor: Supervisor): Promise<KubeTestenvReady> {
  for (let attempt = 1; ; attempt += 1) {
    let resolveReady: (ready: KubeTestenvReady) => void = () => undefined;
    const ready = new Promise<KubeTestenvReady>((resolve) => (resolveReady = resolve));
    const child: ManagedChild = supervisor.start({
      name: 'kube-apiserver',
      command: kubeTestenvBinary(paths.root),
      args: ['--controllers=true', '--ready-timeout=240s'],
      stdinPipe: true,
      stopGraceMs: 30_000,
      onStdoutLine: (line) => {
        try {
          const info = JSON.parse(line) as KubeTestenvReady;
          if (info.dir) supervisor.setTempDir(child, info.dir);
          resolveReady(info);
        } catch {
          /* not the ready line */
        }
      },
    });
    child.stopping = true; // until ready, an exit is handled here (port race: retry)
    const outcome = await Promise.race([ready, child.exited.then((exit) => ({ exit }))]);
    if ('kubeconfig' in outcome) {
      child.stopping = false;
      return outcome;
    }
    await supervisor.stop(child);
    if (outcome.exit.code === 3 && attempt < 3) continue; // the picked port was taken: retry
    throw new ChildExitedError('kube-apiserver', outcome.exit.code, outcome.exit.signal, child.logFile);
  }
}

async function startOperator(
  paths: StackPaths,
  supervisor: Supervisor,
  kubeconfig: string,
  local: boolean,
): Promise<{ simulateCapm3Claims: boolean }> {
  for (const controllers of ['ipam,metal3data', 'ipam']) {
    const metrics = await freePort();
    const health = await freePort();
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    let unavailable = false;
    const child = supervisor.start({
      name: 'operator',
      command: process.execPath,
      args: [
        paths.operatorMain,
        `--kubeconfig=${kubeconfig}`,
        `--controllers=${controllers}`,
        '--enable-bmh-name-based-preallocation=true',
        `--metrics-bind-address=127.0.0.1:${metrics}`,
        `--health-probe-bind-address=127.0.0.1:${health}`,
        // Locally there is one replica and no Service for webhooks to be called through.
        `--leader-elect=${local ? 'false' : 'true'}`,
        '--enable-webhooks=false',
        '--log-level=info',
      ],
      env: { ...process.env, POD_NAMESPACE: process.env['POD_NAMESPACE'] ?? 'default' },
      onStdoutLine: (line) => {
        if (line.includes('"operator started"')) started();
        if (line.includes('is not available in this build')) unavailable = true;
      },
    });
    child.stopping = true;
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      child.exited.then(() => 'exited' as const),
    ]);
    if (outcome === 'ready') {
      child.stopping = false;
      await waitForHttp(`http://127.0.0.1:${health}/healthz`, child, 60_000);
      return { simulateCapm3Claims: !controllers.includes('metal3data') };
    }
    await supervisor.stop(child);
    // stdout lines are handled asynchronously: give the last ones a moment.
    await sleep(50);
    if (
      !(unavailable || tailFile(child.logFile, 50).includes('is not available in this build')) ||
      controllers === 'ipam'
    ) {
      throw new ChildExitedError('operator', child.child.exitCode, child.child.signalCode, child.logFile);
    }
  }
  throw new StackError('unreachable');
}

async function startApi(
  paths: StackPaths,
  supervisor: Supervisor,
  { port, databaseUrl, token }: { port: number; databaseUrl: string; token: string },
): Promise<void> {
  const sha256 = createHash('sha256').update(token).digest('hex');
  const child = supervisor.start({
    name: 'api',
    command: process.execPath,
    // Migrations were applied by the stack (see StackPaths.migrationsDir).
    args: [
      paths.apiBin,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--landing-page',
      '--no-migrate',
    ],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      STABLEIP_API_TOKENS: `local:admin:${sha256}`,
      STABLEIP_HOST_TEMPLATE: process.env['STABLEIP_HOST_TEMPLATE'] ?? '{bmh}.{cluster}.example.com',
    },
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, child, 180_000);
}

/** `stableip-api record` when this API build has it, else libs/recorder's own entry (same flags). */
function recorderCommand(paths: StackPaths): { kind: 'api' | 'library'; command: string; args: string[] } {
  const probe = spawnSync(process.execPath, [paths.apiBin, 'record', '--help'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status === 0 && probe.stdout.includes('--cluster-name')) {
    return { kind: 'api', command: process.execPath, args: [paths.apiBin, 'record'] };
  }
  return {
    kind: 'library',
    command: process.execPath,
    args: ['--conditions=@stableip/source', '--import', 'tsx', paths.recorderEntry],
  };
}

async function startRecorder(
  paths: StackPaths,
  supervisor: Supervisor,
  { databaseUrl, kubeconfig, clusterName }: { databaseUrl: string; kubeconfig: string; clusterName: string },
): Promise<'api' | 'library'> {
  const probePort = await freePort();
  const command = recorderCommand(paths);
  const child = supervisor.start({
    name: 'recorder',
    command: command.command,
    args: [
      ...command.args,
      '--database-url',
      databaseUrl,
      '--kubeconfig',
      kubeconfig,
      '--cluster-name',
      clusterName,
      '--no-leader-election',
      '--skip-migrate', // the API applied them
      '--probe-address',
      `127.0.0.1:${probePort}`,
    ],
    cwd: paths.root,
  });
  await waitForHttp(`http://127.0.0.1:${probePort}/readyz`, child, 180_000);
  return command.kind;
}

interface DemoRun {
  client: KubeClient;
  paths: StackPaths;
  api: GraphqlClient;
  clusterName: string;
  seed: number;
  simulateCapm3Claims: boolean;
  progress: Progress;
}

async function waitForRecorded(
  api: GraphqlClient,
  cluster: string,
  expected: Snapshot,
  timeoutMs = 120_000,
): Promise<void> {
  await waitUntil(
    'the recorder to record every allocation',
    async () => {
      const recorded = await recordedAddresses(api, cluster);
      for (const [host, pools] of expected) {
        for (const [pool, address] of pools) if (recorded.get(host)?.get(pool) !== address) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

async function runDemo(run: DemoRun): Promise<DemoSummary> {
  const { progress } = run;
  const model = demoModel(readManifests(run.paths.demoDir));
  const ctx: DemoContext = {
    client: run.client,
    model,
    simulateCapm3Claims: run.simulateCapm3Claims,
    operatorRendersData: !run.simulateCapm3Claims,
    note: (line) => progress.line(`  note: ${line}`),
  };
  progress.line(
    `Demo: ${model.hosts.length} BareMetalHosts, pools ${model.pools.join(' + ')}, namespace ${model.namespace} (examples/demo)`,
  );
  const first = await progress.step(
    'seed the demo (cluster, hosts, pools, Machine → Metal3Machine → Metal3Data)',
    (update) => seedFirstGeneration(ctx, update),
  );
  const before = await progress.step('wait for every host to get one address per pool', (update) =>
    waitForAllocations(ctx, first, update),
  );
  const autoPinnedBy = await progress.step(
    'auto-pin the dynamically allocated hosts (stableip.dev/auto-pin)',
    () => ensureAutoPinned(ctx, before),
  );
  await progress.step('wait for the recorder to store the allocations', () =>
    waitForRecorded(run.api, run.clusterName, before),
  );
  // Window start: strictly after the first allocations were recorded.
  await sleep(1_100);
  const from = new Date();
  progress.line(
    `Rolling upgrade (seed ${run.seed}): every Metal3Data replaced, new generation created in shuffled order`,
  );
  const upgrade = await progress.step('rolling upgrade', (update) =>
    rollingUpgrade(ctx, first, run.seed, update),
  );
  const after = await progress.step('wait for the new generation to get its addresses', (update) =>
    waitForAllocations(ctx, upgrade.next, update),
  );
  await progress.step('wait for the recorder to store the upgrade', () =>
    waitForRecorded(run.api, run.clusterName, after),
  );
  await sleep(1_100);
  const to = new Date();
  const report = await progress.step('stability report from the API', () =>
    stabilityReport(run.api, run.clusterName, from, to),
  );
  const comparisons = compareSnapshots(before, after, model.hosts, model.pools);
  return {
    stable: report.stable && report.totals.kept === report.totals.entries && comparisons.every((c) => c.kept),
    seed: run.seed,
    order: upgrade.order,
    comparisons,
    indexes: model.hosts.map((host) => ({
      host,
      before: first.chains.get(host)!.metal3Data,
      after: upgrade.next.chains.get(host)!.metal3Data,
    })),
    report,
    capm3Simulated: run.simulateCapm3Claims,
    autoPinnedBy,
    reconcileNudges: ctx.nudges ?? 0,
  };
}

function printSummary(progress: Progress, summary: DemoSummary): void {
  const { report } = summary;
  progress.line('');
  progress.line(`Upgrade order: ${summary.order.join(', ')}`);
  const rows = [['HOST', 'METAL3DATA BEFORE → AFTER', 'POOL', 'BEFORE', 'AFTER', 'OUTCOME', 'PINNED']];
  for (const entry of [...report.entries].sort(
    (a, b) => a.host.name.localeCompare(b.host.name) || a.pool.name.localeCompare(b.pool.name),
  )) {
    const index = summary.indexes.find((i) => i.host === entry.host.name);
    rows.push([
      entry.host.name,
      index ? `${index.before} → ${index.after}` : '',
      entry.pool.name,
      entry.addressBefore ?? '-',
      entry.addressAfter ?? '-',
      entry.outcome,
      entry.preallocated ? 'yes' : 'no',
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    progress.line(
      `  ${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
    );
  const t = report.totals;
  progress.line('');
  progress.line(
    `Stability report (API, ${report.from} → ${report.to}): ${t.hosts} hosts, ${t.entries} host×pool entries — ` +
      `${t.kept} kept, ${t.changed} changed, ${t.new} new, ${t.gone} gone; ${t.preallocated} preallocated, ${t.reallocatedKept} re-allocated to the same address`,
  );
  progress.line(
    summary.stable
      ? `✔ every host kept its IPs through the rolling upgrade`
      : `✘ some hosts did NOT keep their IPs (see the table above)`,
  );
  if (summary.autoPinnedBy === 'operator')
    progress.line("  (node-3…node-5 were pinned by the operator's auto-pin)");
}

function printUrls(
  progress: Progress,
  urls: {
    apiUrl: string;
    fragment: string;
    tokenFile: string;
    kubeconfig: string;
    logDir: string;
    local: boolean;
  },
): void {
  progress.line('');
  progress.line(`  dashboard   ${urls.apiUrl}/#${urls.fragment}`);
  progress.line(
    `  GraphQL     ${urls.apiUrl}/graphql  (header: Authorization: Bearer <token>; query page in a browser)`,
  );
  progress.line(
    `  exports     ${urls.apiUrl}/export/external-dns  (and /export/certificates.yaml, /export/nftables.nft, …)`,
  );
  progress.line(`  token       ${urls.tokenFile}`);
  progress.line(`  kubectl     kubectl --kubeconfig ${urls.kubeconfig} get ippools,ipclaims,ipaddresses -A`);
  progress.line(`  logs        ${urls.logDir}`);
  progress.line('');
  if (urls.local)
    progress.line('Everything is local and temporary: the API server and its data go away on stop.');
}
