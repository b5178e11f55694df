import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the probe command is being built (see the issue tracker).
export function defineProbe(program: Command, ctx: CliContext): void {
  program
    .command('probe')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: probe is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
