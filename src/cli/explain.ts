import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { EXIT } from '../exit-codes.js';

// Placeholder: the explain command is being built (see the issue tracker).
export function defineExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.stderr.write('connreset: explain is not available yet\n');
      ctx.exitCode = EXIT.usage;
    });
}
