// The stableip-api command line: `serve` (default) runs the GraphQL API; `record` runs the cluster
// recorder (filled in by libs/recorder); `print-schema` and `hash-token` help operators.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONFIG_DEFAULTS, type ApiConfig } from './config';
import { DEFAULT_EXPORT_SETTINGS } from './exports/settings';
import { printApiSchema } from './graphql/schema';
import { sha256Hex } from './auth/tokens';
import { readTokensFile, serve } from './serve';
import { runRecord } from './commands/record';

const env = process.env;

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError('must be a non-negative integer');
  return parsed;
}

function flagEnv(name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

interface ServeFlags {
  host: string;
  port: number;
  databaseUrl?: string;
  migrate: boolean;
  production: boolean;
  introspection?: boolean;
  landingPage?: boolean;
  tokensFile?: string;
  kubeAuth: boolean;
  kubeconfig?: string;
  kubeAudience: string[];
  allowAnonymous?: 'reader' | 'admin';
  maxDepth: number;
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
  bodyLimit: string;
  rateLimit: number;
  dbPoolMax: number;
  subscriptionPollMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  hostTemplate: string;
  dnsTtl?: number;
  issuer: string;
  issuerKind: 'Issuer' | 'ClusterIssuer';
  networkPolicyNamespace: string;
  nftTable: string;
  nftFamily: 'inet' | 'ip' | 'ip6';
  ciliumApiVersion: string;
}

export function configFromFlags(flags: ServeFlags): ApiConfig {
  const tokens = [env['STABLEIP_API_TOKENS'] ?? '', flags.tokensFile ? readTokensFile(flags.tokensFile) : '']
    .filter((text) => text.trim() !== '')
    .join('\n');
  if (tokens.trim().startsWith('[') && env['STABLEIP_API_TOKENS'] && flags.tokensFile) {
    throw new InvalidArgumentError(
      'give tokens either in STABLEIP_API_TOKENS or in a JSON --tokens-file, not both',
    );
  }
  return {
    host: flags.host,
    port: flags.port,
    ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
    migrate: flags.migrate,
    production: flags.production,
    // Off by default in production, on in development.
    introspection: flags.introspection ?? !flags.production,
    landingPage: flags.landingPage ?? !flags.production,
    tokens,
    kubeAuth: flags.kubeAuth,
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    kubeAudiences: flags.kubeAudience,
    ...(flags.allowAnonymous ? { anonymousRole: flags.allowAnonymous } : {}),
    maxDepth: flags.maxDepth,
    maxCost: flags.maxCost,
    defaultPageSize: flags.defaultPageSize,
    maxPageSize: flags.maxPageSize,
    bodyLimit: flags.bodyLimit,
    rateLimitPerMinute: flags.rateLimit,
    dbPoolMax: flags.dbPoolMax,
    subscriptionPollMs: flags.subscriptionPollMs,
    shutdownTimeoutMs: flags.shutdownTimeoutMs,
    logLevel: flags.logLevel,
    exports: {
      hostTemplate: flags.hostTemplate,
      ...(flags.dnsTtl !== undefined ? { dnsTtl: flags.dnsTtl } : {}),
      issuerName: flags.issuer,
      issuerKind: flags.issuerKind,
      networkPolicyNamespace: flags.networkPolicyNamespace,
      nftTable: flags.nftTable,
      nftFamily: flags.nftFamily,
      ciliumApiVersion: flags.ciliumApiVersion,
    },
  };
}

function serveCommand(): Command {
  const d = CONFIG_DEFAULTS;
  const x = DEFAULT_EXPORT_SETTINGS;
  const opt = (flags: string, description: string, envName?: string) => {
    const option = new Option(flags, description);
    return envName ? option.env(envName) : option;
  };
  return new Command('serve')
    .description('serve the GraphQL API, subscriptions and the /export/* endpoints (default command)')
    .addOption(opt('--host <address>', 'listen address', 'STABLEIP_API_HOST').default(d.host))
    .addOption(opt('--port <port>', 'listen port', 'STABLEIP_API_PORT').default(d.port).argParser(integer))
    .addOption(opt('--database-url <url>', 'PostgreSQL URL (unset: embedded PostgreSQL)', 'DATABASE_URL'))
    .addOption(opt('--no-migrate', 'do not apply pending audit-store migrations at start'))
    .addOption(
      opt('--production', 'production defaults: introspection and landing page off').default(
        env['NODE_ENV'] === 'production',
      ),
    )
    .addOption(
      opt('--introspection', 'allow schema introspection').default(flagEnv('STABLEIP_API_INTROSPECTION')),
    )
    .addOption(opt('--no-introspection', 'forbid schema introspection'))
    .addOption(
      opt('--landing-page', 'serve the built-in query page at GET /graphql').default(
        flagEnv('STABLEIP_API_LANDING_PAGE'),
      ),
    )
    .addOption(opt('--no-landing-page', 'no query page'))
    .addOption(
      opt(
        '--tokens-file <path>',
        'bearer tokens: name:role:sha256 lines or a JSON array',
        'STABLEIP_API_TOKENS_FILE',
      ),
    )
    .addOption(
      opt('--kube-auth', 'accept Kubernetes tokens (TokenReview + SubjectAccessReview)').default(
        flagEnv('STABLEIP_API_KUBE_AUTH') ?? false,
      ),
    )
    .addOption(opt('--kubeconfig <path>', 'kubeconfig for --kube-auth (default: in-cluster or $KUBECONFIG)'))
    .addOption(opt('--kube-audience <audience...>', 'TokenReview audiences').default([]))
    .addOption(
      opt('--allow-anonymous <role>', 'development only: requests without a token get this role').choices([
        'reader',
        'admin',
      ]),
    )
    .addOption(
      opt('--max-depth <n>', 'maximum query depth', 'STABLEIP_API_MAX_DEPTH')
        .default(d.maxDepth)
        .argParser(integer),
    )
    .addOption(
      opt('--max-cost <n>', 'maximum query cost (page sizes multiply)', 'STABLEIP_API_MAX_COST')
        .default(d.maxCost)
        .argParser(integer),
    )
    .addOption(
      opt('--default-page-size <n>', 'page size when first/last is omitted')
        .default(d.defaultPageSize)
        .argParser(integer),
    )
    .addOption(
      opt('--max-page-size <n>', 'largest first/last accepted', 'STABLEIP_API_MAX_PAGE_SIZE')
        .default(d.maxPageSize)
        .argParser(integer),
    )
    .addOption(
      opt('--body-limit <size>', 'largest request body', 'STABLEIP_API_BODY_LIMIT').default(d.bodyLimit),
    )
    .addOption(
      opt('--rate-limit <n>', 'requests per minute per token', 'STABLEIP_API_RATE_LIMIT')
        .default(d.rateLimitPerMinute)
        .argParser(integer),
    )
    .addOption(opt('--db-pool-max <n>', 'database connections').default(d.dbPoolMax).argParser(integer))
    .addOption(
      opt('--subscription-poll-ms <ms>', 'change feed poll interval')
        .default(d.subscriptionPollMs)
        .argParser(integer),
    )
    .addOption(
      opt('--shutdown-timeout-ms <ms>', 'force-close connections after this long on SIGTERM')
        .default(d.shutdownTimeoutMs)
        .argParser(integer),
    )
    .addOption(opt('--log-level <level>', 'pino log level', 'LOG_LEVEL').default(d.logLevel))
    .addOption(
      opt(
        '--host-template <template>',
        'host FQDN template: {bmh} {cluster} {namespace}',
        'STABLEIP_HOST_TEMPLATE',
      ).default(x.hostTemplate),
    )
    .addOption(opt('--dns-ttl <seconds>', 'recordTTL of DNS exports', 'STABLEIP_DNS_TTL').argParser(integer))
    .addOption(
      opt('--issuer <name>', 'cert-manager issuer of Certificate exports', 'STABLEIP_CERT_ISSUER').default(
        x.issuerName,
      ),
    )
    .addOption(
      opt('--issuer-kind <kind>', 'Issuer or ClusterIssuer')
        .choices(['Issuer', 'ClusterIssuer'])
        .default(x.issuerKind),
    )
    .addOption(
      opt('--network-policy-namespace <ns>', 'namespace of exported NetworkPolicies').default(
        x.networkPolicyNamespace,
      ),
    )
    .addOption(opt('--nft-table <name>', 'nftables table of the exported sets').default(x.nftTable))
    .addOption(
      opt('--nft-family <family>', 'nftables table family')
        .choices(['inet', 'ip', 'ip6'])
        .default(x.nftFamily),
    )
    .addOption(opt('--cilium-api-version <v>', 'CiliumCIDRGroup apiVersion').default(x.ciliumApiVersion))
    .action(async (flags: ServeFlags) => {
      await serve(configFromFlags(flags));
    });
}

export function buildProgram(): Command {
  const program = new Command('stableip-api')
    .description('The stableip API: GraphQL over the audit history of stable IPs, with exports.')
    .showHelpAfterError();
  program.addCommand(serveCommand(), { isDefault: true });
  program
    .command('record')
    .description('record cluster changes into the audit history (the recorder; see libs/recorder)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async (_flags: unknown, command: Command) => {
      // The recorder parses its own flags (libs/recorder); commander only routes here.
      process.exitCode = await runRecord(command.args);
    });
  program
    .command('print-schema')
    .description('print the GraphQL schema (SDL), as committed in apps/api/schema.graphql')
    .action(() => {
      process.stdout.write(printApiSchema());
    });
  program
    .command('hash-token')
    .description('print the SHA-256 of a token read from stdin, for STABLEIP_API_TOKENS / --tokens-file')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      process.stdout.write(`${sha256Hex(Buffer.concat(chunks).toString('utf8').trim())}\n`);
    });
  return program;
}
