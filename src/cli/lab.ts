import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the lab command is being built (see the issue tracker).
export function defineLab(program: Command, ctx: CliContext): void {
  program
    .command('lab')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: lab is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
