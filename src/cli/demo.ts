import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { LAB_DEFAULTS, LAB_PORT_SPAN } from '../lab/defaults.js';

export interface DemoCliOptions {
  port?: string;
  idleAfter?: string;
}

export interface DemoSettings {
  basePort: number;
  idleAfterMs: number;
}

/** Short enough to keep the demo under ten seconds, long enough to be unmistakably an idle timeout. */
const DEFAULT_IDLE_AFTER_MS = LAB_DEFAULTS.demoIdleAfterMs;
/** The probe waits 500 ms of quiet after a reply before its idle hold: an idle time must be longer to be seen as one. */
const MIN_IDLE_AFTER_MS = 1000;
const MAX_IDLE_AFTER_MS = 60_000;

export function demoSettings(opts: DemoCliOptions): DemoSettings {
  let basePort = 0;
  if (opts.port !== undefined) {
    basePort = Number(opts.port);
    if (!/^\d+$/.test(opts.port.trim()) || basePort > 65535 - LAB_PORT_SPAN) {
      throw new UsageError(`bad --port ${JSON.stringify(opts.port)}: expected a base port from 1 to ${65535 - LAB_PORT_SPAN}, or 0 for ephemeral ports`, undefined, 'CR_BAD_OPTION');
    }
  }
  let idleAfterMs: number = DEFAULT_IDLE_AFTER_MS;
  if (opts.idleAfter !== undefined) {
    idleAfterMs = parseDuration(opts.idleAfter, '--idle-after');
    if (idleAfterMs < MIN_IDLE_AFTER_MS || idleAfterMs > MAX_IDLE_AFTER_MS) {
      throw new UsageError(`bad --idle-after ${JSON.stringify(opts.idleAfter)}: give a duration from 1s to 60s (the probe needs half a second of quiet to see that a reply is complete before the idle time starts)`, undefined, 'CR_BAD_DURATION');
    }
  }
  return { basePort, idleAfterMs };
}

export function defineDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('start the fault lab in-process and probe every scenario: the zero-setup tour')
    .description(
      'Start the fault lab on loopback (ephemeral ports unless --port is given), probe every scenario at once, ' +
        'and print for each the outcome the probe observed and the most likely cause. Exits 0 when every ' +
        'scenario gave the outcome and cause it is built to produce, 1 otherwise.',
    )
    .option('--port <base>', `run the lab on BASE..BASE+${LAB_PORT_SPAN} instead of ephemeral ports`)
    .option('--idle-after <duration>', 'silence after which the idle scenarios act (default 2s)')
    .action(async (opts: DemoCliOptions) => {
      const settings = demoSettings(opts);
      const { runDemoCommand } = await import('./demo-run.js');
      ctx.exitCode = await runDemoCommand(settings, ctx);
    });
}
