/**
 * Commander wiring. Each command lives in its own module that defines options and help text and
 * loads its heavy code (sockets, TLS, spinner) with a dynamic import inside the action, so that
 * `connreset explain` never pays for the probe's modules at start-up.
 */
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { ConnresetError, errorLine, ignoreClosedPipe, messageLine } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CliContext } from './context.js';
import { defineExplain } from './explain.js';
import { defineProbe } from './probe.js';
import { defineLab } from './lab.js';
import { defineDemo } from './demo.js';
import { defineCheck } from './check.js';
import { defineIdle } from './idle.js';
import { defineServe } from './serve.js';
import { VERSION } from '../version.js';
// the launcher's cache maker puts V8's flags back before writing the code cache (bin/connreset.js)
export { undoHeapTuning } from './heap-tuning.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command();
  program
    .name('connreset')
    .description('Find out why TCP connections get reset, and what to do about it.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .configureOutput(output(ctx))
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  $ connreset explain 10054
  $ connreset explain "java.net.SocketException: Connection reset"
  $ connreset probe https://example.internal/health   (https:// for TLS and HTTP; host:port alone is plain TCP)
  $ connreset probe http://127.0.0.1:8080/health --idle 90s
  $ connreset idle db.internal:5432 --max 10m
  $ connreset check connreset.yml --junit report.xml
  $ connreset demo
  $ connreset serve --config connreset.yml

Exit codes: 0 healthy / explained, 1 failure found or expectation not met, 2 bad input, 130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP.`,
  );
  for (const define of [defineExplain, defineProbe, defineCheck, defineIdle, defineLab, defineDemo, defineServe]) {
    define(program, ctx);
  }
  for (const sub of program.commands) {
    sub.exitOverride().showHelpAfterError(false).configureOutput(output(ctx));
  }
  return program;
}

/**
 * Commander prints its own errors raw and on two lines (the message, then the help hint); its
 * errors are printed by handleError instead, as one escaped `connreset:` line like every other.
 */
function output(ctx: CliContext): OutputConfiguration {
  return {
    writeOut: (s) => ctx.stdout.write(s),
    writeErr: (s) => ctx.stderr.write(s),
    outputError: () => undefined,
  };
}

/** commander's "error: unknown option '-x'\n(Did you mean --xy?)" as one line, the input in it escaped. */
function commanderLine(message: string): string {
  const text = message.replace(/^error: /, '').replace(/\n\(Did you mean/, ' (Did you mean');
  return messageLine(`${text} (run with --help for usage)`);
}

/** Runs the CLI and resolves to the process exit code. Never throws for expected failures. */
export async function main(argv: string[], io?: Partial<CliContext>): Promise<number> {
  if (!io?.stdout) ignoreClosedPipe(process.stdout);
  const ctx: CliContext = {
    exitCode: EXIT.ok,
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
  };
  if (argv.includes('--no-color') || 'NO_COLOR' in process.env) {
    const { default: chalk } = await import('chalk');
    chalk.level = 0;
  }
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    return handleError(error, ctx);
  }
}

function handleError(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // help and version exit 0
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    ctx.stderr.write(commanderLine(error.message));
    return EXIT.usage;
  }
  if (error instanceof ConnresetError) {
    ctx.stderr.write(errorLine(error));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(`connreset: internal error: ${message}\n`);
  if (process.env.CONNRESET_DEBUG && error instanceof Error) ctx.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}
