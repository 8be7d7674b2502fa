// The `stableip` command line: argument parsing (commander) and the mapping of failures to exit
// codes. Commands get their I/O injected so they can be driven in-process.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UserError } from './commands/errors';
import type { CommandIO } from './commands/input';
import { pinCommand, type PinCommandOptions } from './commands/pin';
import { type PlanOutput, planCommand } from './commands/plan';
import { type ValidateOutput, validateCommand } from './commands/validate';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIO(): CommandIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
  };
}

function buildProgram(io: CommandIO, setExitCode: (code: number) => void): Command {
  const program = new Command('stableip')
    .description(
      'Stable IPs for Metal3 bare-metal hosts: plan allocations and validate IPAM objects offline.',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('plan')
    .description(
      'Print, as a Kubernetes List, every object ip-address-manager and CAPM3 would create or change for the given manifests (reconciled to a fixed point).',
    )
    .requiredOption(
      '-f, --filename <path...>',
      'manifest files or directories (recursive, *.yaml|*.yml|*.json); - for stdin',
    )
    .option(
      '--bmh-name-based-preallocation',
      "name new IPClaims {bmh}-{pool} like CAPM3's --enable-bmh-name-based-preallocation",
      false,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['yaml', 'json', 'table']).default('yaml'),
    )
    .exitOverride()
    .action(
      async (options: { filename: string[]; bmhNameBasedPreallocation: boolean; output: PlanOutput }) => {
        setExitCode(await planCommand(options, io));
      },
    );

  program
    .command('validate')
    .description(
      'Run the ip-address-manager admission checks: create, or update where --old holds the same kind/namespace/name. Exit 1 if anything is rejected.',
    )
    .requiredOption(
      '-f, --filename <path...>',
      'manifest files or directories with the objects to check; - for stdin',
    )
    .option('--old <path...>', 'manifests with the current objects, to check the given ones as updates')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .exitOverride()
    .action(async (options: { filename: string[]; old?: string[]; output: ValidateOutput }) => {
      setExitCode(await validateCommand(options, io));
    });

  program
    .command('pin')
    .description(
      "Print the merge patch that pins the current allocations of BareMetalHost-named claims ({bmh}-{pool}) into the IPPool's spec.preAllocations (existing keys are left alone).",
    )
    .requiredOption('--pool <name>', 'the IPPool to pin')
    .requiredOption('-f, --filename <path...>', 'manifest files or directories (a cluster dump); - for stdin')
    .option('-n, --namespace <ns>', 'namespace of the IPPool (needed when the name exists in several)')
    .option('--all', 'pin every allocated claim, Metal3Data-named ones too', false)
    .option(
      '--bmh-name-based-preallocation',
      "plan new IPClaims as {bmh}-{pool}, like CAPM3's --enable-bmh-name-based-preallocation",
      false,
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .exitOverride()
    .action(async (options: PinCommandOptions) => {
      setExitCode(await pinCommand(options, io));
    });

  return program;
}

export async function runCli(argv: string[], io: CommandIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its message; help and version are successes, the rest usage errors.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UserError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(
      `error: unexpected failure: ${message}\n(this is a bug in stableip; please report it with the input)\n`,
    );
    return ExitCode.usage;
  }
}
