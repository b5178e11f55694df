import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { LAB_DEFAULTS, LAB_PORT_SPAN } from '../lab/defaults.js';

export interface LabCliOptions {
  port?: string;
  host?: string;
  idleAfter?: string;
}

export interface LabSettings {
  host: string;
  basePort: number;
  idleAfterMs: number;
}

const DEFAULT_BASE_PORT = LAB_DEFAULTS.basePort;
const DEFAULT_IDLE_AFTER_MS = LAB_DEFAULTS.idleAfterMs;
/** The probe waits 500 ms of quiet after a reply before its idle hold: an idle time must be longer to be seen as one. */
const MIN_IDLE_AFTER_MS = 1000;
const MAX_IDLE_AFTER_MS = 3_600_000;

export function labSettings(opts: LabCliOptions): LabSettings {
  let basePort: number = DEFAULT_BASE_PORT;
  if (opts.port !== undefined) {
    basePort = Number(opts.port);
    if (!/^\d+$/.test(opts.port.trim()) || basePort > 65535 - LAB_PORT_SPAN) {
      throw new UsageError(
        `bad --port ${JSON.stringify(opts.port)}: expected a base port from 1 to ${65535 - LAB_PORT_SPAN} (the lab uses ${LAB_PORT_SPAN + 1} ports from it), or 0 for ephemeral ports`,
        undefined,
        'CR_BAD_OPTION',
      );
    }
  }
  const host = (opts.host ?? LAB_DEFAULTS.host).trim();
  if (host === '') throw new UsageError('bad --host "": give an address to listen on, e.g. 127.0.0.1', undefined, 'CR_BAD_OPTION');
  let idleAfterMs: number = DEFAULT_IDLE_AFTER_MS;
  if (opts.idleAfter !== undefined) {
    idleAfterMs = parseDuration(opts.idleAfter, '--idle-after');
    if (idleAfterMs < MIN_IDLE_AFTER_MS || idleAfterMs > MAX_IDLE_AFTER_MS) {
      throw new UsageError(`bad --idle-after ${JSON.stringify(opts.idleAfter)}: give a duration from 1s to 1h (the probe needs half a second of quiet to see that a reply is complete before the idle time starts)`, undefined, 'CR_BAD_DURATION');
    }
  }
  return { host, basePort, idleAfterMs };
}

export function defineLab(program: Command, ctx: CliContext): void {
  program
    .command('lab')
    .summary('run local fault servers, one port per failure mode, to test clients against')
    .description(
      'Start a fault server per scenario on loopback: resets on accept, after the request, after a reply or ' +
        'after an idle time; closes; never replies; trickles; never reads; TLS on a plain port and plain on a ' +
        'TLS port; a legacy-TLS server; a banner server; a closed port. The listing shows each port, what its ' +
        'server does, and a probe command to try. Runs until Ctrl-C (or SIGTERM), then exits 0.',
    )
    .option('--port <base>', `first port; scenario N listens on BASE+N (default ${DEFAULT_BASE_PORT}; 0 = ephemeral ports)`)
    .option('--host <address>', 'address to listen on (default 127.0.0.1; anything else exposes the faults to the network)')
    .option('--idle-after <duration>', 'silence after which the idle scenarios close, reset, forget or drop (default 3s)')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset lab
  $ connreset lab --port 9000 --idle-after 10s
  $ connreset probe http://127.0.0.1:7103            (in another terminal)`,
    )
    .action(async (opts: LabCliOptions) => {
      const settings = labSettings(opts);
      const { runLabCommand } = await import('./lab-run.js');
      ctx.exitCode = await runLabCommand(settings, ctx);
    });
}
