import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';
import { LANG_CHOICES, PLATFORM_CHOICES, type ExplainCliOptions } from './explain-run.js';

export function defineExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .summary('explain an error code, symbol or pasted log line')
    .description(
      'Explain a network error: a number (10054, 104, -4077, 0x2746), a symbol (ECONNRESET, WSAECONNRESET, EAI_AGAIN), ' +
        'or a whole log line / stack trace pasted as arguments or on stdin (-). Prints what it means on the wire, ' +
        'its names on every platform, the likely causes (most likely first) and what to do.',
    )
    .argument('[input...]', 'code, symbol, message words, or - to read stdin')
    .addOption(new Option('--platform <os>', "read a bare number as this platform's code").choices(PLATFORM_CHOICES))
    .addOption(new Option('--lang <language>', 'print a snippet that detects and retries this error').choices(LANG_CHOICES))
    .option('--json', 'print one JSON document (schema connreset.explanation/v1)')
    .option('--list', 'list every code connreset knows')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset explain 10054
  $ connreset explain 54 --platform macos
  $ connreset explain econnreset --lang python
  $ connreset explain "curl: (56) Recv failure: Connection reset by peer"
  $ kubectl logs my-pod | connreset explain -
  $ connreset explain --list --json

Exit codes: 0 explained, 2 empty or unknown input (one line on stderr).`,
    )
    .action(async (words: string[], opts: ExplainCliOptions) => {
      const { runExplain } = await import('./explain-run.js');
      const { colorEnabled } = await import('../report/explain-text.js');
      ctx.exitCode = await runExplain(words, opts, {
        stdout: ctx.stdout,
        stdin: () => process.stdin,
        color: colorEnabled(ctx.stdout as { isTTY?: boolean }, process.argv, process.env),
      });
    });
}
