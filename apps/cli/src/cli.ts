// Placeholder wiring; the real commands arrive with the planner and validation.
import { Command } from 'commander';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('stableip').description('Stable IPs for Metal3 bare-metal hosts');
  await program.parseAsync(argv, { from: 'user' });
  return 0;
}
