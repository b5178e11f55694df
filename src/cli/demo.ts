import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the demo command is being built (see the issue tracker).
export function defineDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: demo is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
