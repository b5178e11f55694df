/**
 * The signals that stop a run, shared by probe, demo, idle and check. SIGINT (Ctrl-C), SIGTERM
 * (timeout(1), CI runners, systemd, Kubernetes) and SIGHUP (the terminal or SSH session went away)
 * all stop it the same way: what is in flight is aborted and the results so far are reported.
 */
import { EXIT } from './exit-codes.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** 128 + the signal number, the shell's convention for a process stopped by a signal. */
export const SIGNAL_EXIT_CODES = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hangup } as const satisfies Record<StopSignal, number>;

export const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[];

export function isStopSignal(value: unknown): value is StopSignal {
  return typeof value === 'string' && value in SIGNAL_EXIT_CODES;
}

export interface StopHandle {
  /** aborted by the first stop signal, with the signal's name as the reason */
  signal: AbortSignal;
  /** the exit code for the signal that stopped the run, or null while none has */
  exitCode(): number | null;
  release(): void;
}

/**
 * The handlers stay until release(), so a second signal while the results are being reported (the
 * user means it) exits at once with 128 + its number.
 */
export function handleStopSignals(): StopHandle {
  const controller = new AbortController();
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = (): void => {
      if (!controller.signal.aborted) controller.abort(name);
      else process.exit(SIGNAL_EXIT_CODES[name]);
    };
    // `on`, not `once`: signal-exit (under ora) re-raises a signal when it finds itself the only listener
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    exitCode: () => {
      const reason: unknown = controller.signal.reason;
      return controller.signal.aborted && isStopSignal(reason) ? SIGNAL_EXIT_CODES[reason] : null;
    },
    release: () => {
      for (const [name, handler] of handlers) process.removeListener(name, handler);
    },
  };
}
