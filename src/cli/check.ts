import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the check command is being built (see the issue tracker).
export function defineCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: check is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
