/**
 * Exit codes are part of the user-facing contract (documented in the README) and stable across
 * versions: CI scripts branch on them.
 */
export const EXIT = {
  /** healthy endpoint, expectation met, or explanation found */
  ok: 0,
  /** the probe found a failure (reset, refused, timeout...) or a check expectation did not hold */
  failure: 1,
  /** usage error or bad input: malformed target, unknown code, broken config */
  usage: 2,
  /** a run interrupted by Ctrl-C (128 + SIGINT) */
  interrupted: 130,
  /** a run stopped by SIGTERM (128 + 15): CI runners, timeout(1), systemd, Kubernetes */
  terminated: 143,
  /** a check run stopped by SIGHUP (128 + 1): the terminal or SSH session that started it went away */
  hangup: 129,
  /** a bug in connreset itself */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
