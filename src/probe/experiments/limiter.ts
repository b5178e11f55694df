/**
 * Failing rows (check) and failing probes (probe) run their follow-up experiments (several probes
 * each) at most FOLLOWUP_CONCURRENCY at a time, whatever the run's concurrency, and only the first
 * FOLLOWUP_MAX_ROWS failures of a run: a fleet with many failures must not open thousands of
 * sockets at once, nor spend minutes on follow-ups (the failures after that keep the diagnosis of
 * their own timeline). The open-file plan reserves FOLLOWUP_FD_RESERVE descriptors for them, so
 * 400 refused targets under `ulimit -n 256` never turn our own EMFILE into the endpoint's fault.
 */
export const FOLLOWUP_CONCURRENCY = 8;
export const FOLLOWUP_MAX_ROWS = 50;

/** The follow-up slots of one run of probe or check. */
export class FollowupLimiter {
  private running = 0;
  private started = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly concurrency: number = FOLLOWUP_CONCURRENCY,
    readonly maxRows: number = FOLLOWUP_MAX_ROWS,
  ) {}

  /** Runs `fn` in a free slot; null (without running it) once the run's quota of rows is spent. */
  async run<T>(fn: () => Promise<T>): Promise<T | null> {
    if (this.started >= this.maxRows) return null;
    this.started++;
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/** The most descriptors one failure's follow-ups hold at once (service identification's five probes, repeats, locate's rounds and capture socket). */
export const FOLLOWUP_FDS = 16;

/** Descriptors to keep free for follow-ups beside the main probes. */
export const FOLLOWUP_FD_RESERVE = FOLLOWUP_CONCURRENCY * FOLLOWUP_FDS;
