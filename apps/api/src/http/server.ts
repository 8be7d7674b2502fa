// The HTTP server: GraphQL (Apollo Server 5 on Express 5) with WebSocket subscriptions
// (graphql-ws), plain HTTP exports, health, readiness and metrics, and a graceful stop.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { createAuditStore, type AuditStore } from '@stableip/audit-store';
import { isExportError } from '@stableip/exporters';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { GraphQLError, specifiedRules, validate, parse, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import pg from 'pg';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { ChangeFeed } from '../changes/change-feed';
import { ApiError, isApiError } from '../errors';
import { exportRouter } from '../exports/http';
import type { ExportSettings } from '../exports/settings';
import type { ApiContext, PageLimits } from '../graphql/context';
import { formatApiError } from '../graphql/errors';
import { costError, depthLimitRule, operationCost } from '../graphql/limits';
import { createLoaders } from '../graphql/loaders';
import { apiSchema } from '../graphql/schema';
import { ReadModel } from '../read-model/read-model';
import { LANDING_PAGE_HTML } from './landing-page';
import { createMetrics, type ApiMetrics } from './metrics';
import { dashboardRouter } from '../dashboard/dashboard';

export interface ApiServerOptions {
  databaseUrl: string;
  authenticator: Authenticator;
  logger: Logger;
  exportSettings: ExportSettings;
  limits: PageLimits & { maxDepth: number; maxCost: number; bodyLimit: string; rateLimitPerMinute: number };
  introspection: boolean;
  landingPage: boolean;
  dbPoolMax?: number;
  subscriptionPollMs?: number;
  shutdownTimeoutMs?: number;
}

export interface ApiServer {
  readonly httpServer: Server;
  readonly readModel: ReadModel;
  readonly metrics: ApiMetrics;
  readonly changes: ChangeFeed;
  /** Listens; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, drains in-flight requests and subscriptions, closes the database pools. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    principal?: Principal;
    log: Logger;
    operation?: string;
  }
}

export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { logger, limits } = options;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.dbPoolMax ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    statement_timeout: 30_000,
    application_name: 'stableip-api',
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  const readModel = new ReadModel(pool);
  const metrics = createMetrics(() => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  }));
  readModel.observe(({ durationMs }) => {
    metrics.sqlStatements.inc();
    metrics.sqlDuration.observe(durationMs / 1000);
  });
  // Chain verification reuses the audit store's own implementation (Prisma, small pool).
  let auditStore: AuditStore | undefined;
  const verifyChain = (cluster?: string) => {
    auditStore ??= createAuditStore({
      databaseUrl: options.databaseUrl,
      pool: { max: 2 },
      onPoolError: (error) => logger.warn({ err: error }, 'idle audit-store connection failed'),
    });
    return auditStore.verifyChain(cluster);
  };
  const changes = new ChangeFeed(readModel, {
    intervalMs: options.subscriptionPollMs ?? 250,
    listen: async (onNotify) => {
      // A dedicated connection: LISTEN holds it for as long as anyone subscribes.
      const client = new pg.Client({
        connectionString: options.databaseUrl,
        application_name: 'stableip-api-listen',
      });
      client.on('notification', onNotify);
      client.on('error', (error) =>
        logger.warn({ err: error }, 'LISTEN connection failed; polling continues'),
      );
      await client.connect();
      await client.query('LISTEN stableip_events');
      return () => client.end();
    },
    onError: (error) => logger.warn({ err: error }, 'change feed poll failed'),
  });
  const schema = apiSchema();
  const contextFor = (principal: Principal): ApiContext => ({
    principal,
    readModel,
    loaders: createLoaders(readModel),
    limits,
    exportSettings: options.exportSettings,
    changes,
    verifyChain,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = createServer(app);
  let shuttingDown = false;

  // Request id, structured log line and HTTP metrics for every request.
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    res.setHeader('X-Request-ID', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      metrics.httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route, method: req.method }, seconds);
      res.locals.log.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e4) / 10,
          principal: res.locals.principal?.name,
          operation: res.locals.operation,
        },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (shuttingDown) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    try {
      await readModel.ping();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  if (options.landingPage) {
    app.get('/graphql', (req, res, next) => {
      if (req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      );
      res.type('html').send(LANDING_PAGE_HTML);
    });
  }

  app.use(dashboardRouter()); // the built-in dashboard at / (static files; data via /graphql with a token)

  // Authentication, then a per-principal rate limit, for everything that reads the history.
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.principal = await options.authenticator.authenticate(req.get('authorization'));
      next();
    } catch (error) {
      next(error);
    }
  };
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: limits.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `${res.locals.principal?.via}:${res.locals.principal?.name}`,
    handler: (_req, _res, next) => next(new ApiError('RATE_LIMITED', 'too many requests for this token')),
  });
  app.use(['/graphql', '/export'], authenticate, limiter);

  app.use(exportRouter(readModel, options.exportSettings));

  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: options.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(limits.maxDepth)],
    formatError: (formatted, error) =>
      formatApiError(formatted, error, (internal) =>
        logger.error({ err: internal }, 'internal error in a resolver'),
      ),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      operationPlugin(metrics, limits),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });

  // Subscriptions over graphql-ws on the same path; the token comes in connectionParams
  // ({ authorization: 'Bearer …' }) or the upgrade request's Authorization header.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 64 * 1024 });
  const wsCleanup = useServer<{ authorization?: string }, { principal?: Principal }>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          const header = ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization;
          ctx.extra.principal = await options.authenticator.authenticate(
            typeof header === 'string' ? header : undefined,
          );
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => contextFor(ctx.extra.principal!),
      onSubscribe: (_ctx, _id, payload) => {
        const document = parse(payload.query);
        const errors = validate(schema, document, [...specifiedRules, depthLimitRule(limits.maxDepth)]);
        if (errors.length > 0) return errors;
        const cost = operationCost({
          schema,
          document,
          variables: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          defaultPageSize: limits.defaultPageSize,
        });
        if (cost > limits.maxCost) return [costError(cost, limits.maxCost)];
        metrics.subscriptions.inc();
        return undefined as unknown as ExecutionArgs;
      },
      onComplete: () => {
        metrics.subscriptions.dec();
      },
    },
    wsServer,
  );

  await apollo.start();
  app.use(
    '/graphql',
    express.json({ limit: limits.bodyLimit }),
    expressMiddleware(apollo, {
      context: async ({ res }) => contextFor(res.locals.principal!),
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'not found' } });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const body = httpError(error);
    if (body.status >= 500) res.locals.log?.error({ err: error }, 'request failed');
    if (body.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="stableip"');
    res.status(body.status).json({ error: { code: body.code, message: body.message } });
  });

  return {
    httpServer,
    readModel,
    metrics,
    changes,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    stop: async () => {
      if (shuttingDown) return;
      shuttingDown = true;
      const force = setTimeout(() => httpServer.closeAllConnections(), options.shutdownTimeoutMs ?? 10_000);
      force.unref();
      try {
        await changes.close();
        await apollo.stop(); // drains HTTP (stops accepting, waits for in-flight) and WebSocket clients
        wsServer.close();
      } finally {
        clearTimeout(force);
        await Promise.allSettled([pool.end(), auditStore?.close()]);
      }
    },
  };
}

/** A bounded route label (req.path is relative inside mounted middleware: use the original URL). */
function routeLabel(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path.startsWith('/export/')) return '/export/:format';
  return ['/graphql', '/healthz', '/readyz', '/metrics'].includes(path) ? path : 'other';
}

function httpError(error: unknown): { status: number; code: string; message: string } {
  if (isApiError(error)) return { status: error.httpStatus, code: error.code, message: error.message };
  if (isExportError(error)) return { status: 400, code: 'BAD_USER_INPUT', message: error.message };
  const status = (error as { status?: unknown; type?: unknown }).status;
  // body-parser errors (too large, malformed JSON) carry a 4xx status and a safe message.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: unknown }).type;
    return {
      status,
      code: typeof type === 'string' ? type.toUpperCase().replaceAll('.', '_') : 'BAD_REQUEST',
      message: (error as Error).message,
    };
  }
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

/** Per-operation metrics and the cost limit (checked once the operation is resolved). */
function operationPlugin(
  metrics: ApiMetrics,
  limits: { maxCost: number; defaultPageSize: number },
): ApolloServerPlugin<ApiContext> {
  const knownNames = new Set<string>();
  const label = (name: string | null | undefined) => {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (knownNames.has(name) || knownNames.size < 200) {
      knownNames.add(name);
      return name;
    }
    return 'other';
  };
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          const cost = operationCost({
            schema,
            document,
            variables: request.variables ?? {},
            operationName: request.operationName ?? null,
            defaultPageSize: limits.defaultPageSize,
          });
          if (cost > limits.maxCost) throw costError(cost, limits.maxCost);
          void operation;
        },
        async willSendResponse({ operationName, operation, errors, response, contextValue }) {
          void contextValue;
          const name = label(operationName);
          const type = operation?.operation ?? 'unknown';
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.operations.inc({ operation: name, type, outcome: failed ? 'error' : 'ok' });
          metrics.operationDuration.observe(
            { operation: name, type },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        },
      };
    },
  };
}

export { GraphQLError };
