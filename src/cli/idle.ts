import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the idle command is being built (see the issue tracker).
export function defineIdle(program: Command, ctx: CliContext): void {
  program
    .command('idle')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: idle is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
