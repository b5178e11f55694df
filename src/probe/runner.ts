/**
 * Runs many jobs (probes) with bounded concurrency, an overall deadline, fail-fast and Ctrl-C.
 *
 * Jobs are pulled from an iterator only when a slot frees up, and each result is handed to the
 * caller as soon as it exists: the runner keeps nothing per job, so memory follows concurrency,
 * not the number of jobs. Concurrency is capped below the process's open-file limit, because
 * every probe holds a socket and EMFILE would turn into wrong results.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { requireLazily } from '../shared/lazy-require.js';
import { setMaxListeners } from 'node:events';

export type StopReason = 'completed' | 'deadline' | 'interrupted' | 'fail_fast';

export interface RunnerOptions<R> {
  concurrency: number;
  /** overall limit in ms from the start of the run; null = none */
  deadlineMs: number | null;
  /** aborting it (Ctrl-C) stops the run: `interrupted` */
  signal?: AbortSignal;
  /** stop the run after the first result for which this is true (--fail-fast) */
  stopWhen?: (result: R) => boolean;
  /** how long to wait for in-flight jobs to settle after their signal is aborted */
  settleGraceMs?: number;
}

export interface RunnerHooks<J, R> {
  /** a job finished before the run stopped */
  onResult(result: R, job: J): void;
  /** a job did not finish because the run stopped; `started` tells whether it was in flight */
  onUnfinished(job: J, reason: Exclude<StopReason, 'completed'>, started: boolean): void;
  /** a job started (for progress) */
  onStart?(job: J): void;
}

/** What one lane is doing: its job, while `busy`. */
interface Lane<J> {
  busy: boolean;
  job: J;
}

export interface RunSummary {
  stoppedBy: StopReason;
  started: number;
  finished: number;
}

/** Default number of probes in flight: enough to check hundreds of endpoints in seconds, few enough for any fd limit. */
export const DEFAULT_CONCURRENCY = 100;

/**
 * `work` gets a signal that aborts when the run stops; a job that settles after that is reported
 * through `onUnfinished`, because its observation was cut short by us, not by the peer.
 */
export async function runBounded<J, R>(
  jobs: Iterable<J>,
  work: (job: J, signal: AbortSignal) => Promise<R>,
  hooks: RunnerHooks<J, R>,
  options: RunnerOptions<R>,
): Promise<RunSummary> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  // one controller per lane, not one shared by every job in flight: each probe adds and removes
  // an abort listener, which costs little on a signal with one listener and a lot on a signal
  // with hundreds (the shared signal took 5 % of a 10,000-target check's CPU)
  const laneControllers: AbortController[] = [];
  let stoppedBy: StopReason = 'completed';
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const stop = (reason: Exclude<StopReason, 'completed'>): void => {
    if (stoppedBy !== 'completed') return;
    stoppedBy = reason;
    // the jobs' signal carries why: the stop signal's name (SIGINT, SIGTERM) for an interrupt, else the stop reason
    const why = reason === 'interrupted' && typeof options.signal?.reason === 'string' ? options.signal.reason : reason;
    for (const controller of laneControllers) controller.abort(why);
    onStopped();
  };

  const onExternalAbort = (): void => stop('interrupted');
  if (options.signal?.aborted) stop('interrupted');
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  const deadline = options.deadlineMs === null ? null : setTimeout(() => stop('deadline'), options.deadlineMs);

  const iterator = jobs[Symbol.iterator]();
  // the job each lane has in flight (a slot per lane, not a Set that every job enters and leaves)
  const inFlight: Lane<J>[] = [];
  let started = 0;
  let finished = 0;
  /** set when runBounded has returned: a straggler lane must not report twice */
  let closed = false;

  const lane = async (): Promise<void> => {
    const controller = new AbortController();
    // a job's own helpers (delays, follow-ups) may listen beside the probe
    setMaxListeners(0, controller.signal);
    laneControllers.push(controller);
    const slot: Lane<J> = { busy: false, job: undefined as J };
    inFlight.push(slot);
    while (stoppedBy === 'completed') {
      const next = iterator.next();
      if (next.done) return;
      const job = next.value;
      started++;
      slot.job = job;
      slot.busy = true;
      hooks.onStart?.(job);
      let result: R;
      try {
        result = await work(job, controller.signal);
      } catch (error) {
        if (stoppedBy === 'completed') throw error; // a bug in the worker, not the peer's doing
        result = undefined as R;
      }
      if (closed) return;
      slot.busy = false;
      if (stoppedBy !== 'completed') {
        // cut short by our own stop: not what the peer did
        hooks.onUnfinished(job, stoppedBy, true);
        return;
      }
      finished++;
      hooks.onResult(result, job);
      if (options.stopWhen?.(result)) stop('fail_fast');
    }
  };

  try {
    const all = Promise.all(Array.from({ length: concurrency }, () => lane()));
    const grace = (): Promise<void> =>
      new Promise<void>((resolve) => setTimeout(resolve, options.settleGraceMs ?? 2_000).unref());
    // after a stop, in-flight jobs were aborted: give them a short grace to settle, no more
    await Promise.race([all, stopped.then(() => Promise.race([all, grace()]))]);
  } finally {
    closed = true;
    if (deadline) clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onExternalAbort);
  }
  if (stoppedBy !== 'completed') {
    const reason = stoppedBy;
    for (const slot of inFlight) {
      if (slot.busy) hooks.onUnfinished(slot.job, reason, true);
      slot.busy = false;
    }
    for (let next = iterator.next(); !next.done; next = iterator.next()) hooks.onUnfinished(next.value, reason, false);
  }
  return { stoppedBy, started, finished };
}

export interface FdLimit {
  /** soft RLIMIT_NOFILE, null when unknown (or unlimited) */
  soft: number | null;
  /** descriptors open now, null when unknown */
  open: number | null;
}

/** node:child_process, for the rare limit read by `ulimit -n` or raised by prlimit (src/shared/lazy-require.ts) */
function childProcess(): typeof import('node:child_process') {
  return requireLazily('node:child_process') as typeof import('node:child_process');
}

/** Reads the soft open-file limit: /proc/self/limits on Linux, `ulimit -n` elsewhere. */
export function readFdLimit(): FdLimit {
  let soft: number | null = null;
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\S+)/m.exec(limits);
    if (m && m[1] !== 'unlimited') soft = Number(m[1]);
  } catch {
    try {
      // a child inherits our limit, so its `ulimit -n` is ours
      const out = childProcess().execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2_000 }).trim();
      if (/^\d+$/.test(out)) soft = Number(out);
    } catch {
      soft = null;
    }
  }
  let open: number | null = null;
  try {
    open = readdirSync('/proc/self/fd').length;
  } catch {
    open = null;
  }
  return { soft: soft !== null && Number.isFinite(soft) ? soft : null, open };
}

/** Descriptors kept free for the runtime, report files, stdin and DNS while probes run. */
export const FD_RESERVE = 64;

export interface ConcurrencyPlan {
  concurrency: number;
  capped: boolean;
  limit: FdLimit;
}

/**
 * Lowers the requested concurrency so that every probe's socket fits under the open-file limit
 * (each probe holds one descriptor; the reserve covers what is already open and what the run opens).
 */
export function planConcurrency(requested: number, limit: FdLimit = raiseFdLimit(requested), reserveFds = 0): ConcurrencyPlan {
  if (limit.soft === null) return { concurrency: requested, capped: false, limit };
  // reserveFds: descriptors other work of the run holds beside the probes (follow-up experiments)
  const available = limit.soft - (limit.open ?? 0) - FD_RESERVE - reserveFds;
  const max = Math.max(1, available);
  return requested > max ? { concurrency: max, capped: true, limit } : { concurrency: requested, capped: false, limit };
}

/** The stderr line when the open-file limit lowered the concurrency: one wording for probe and check. */
export function concurrencyNotice(requested: number, plan: ConcurrencyPlan): string {
  const hard = readHardFdLimit();
  const how =
    hard !== null && plan.limit.soft !== null && hard <= plan.limit.soft
      ? `the hard limit is ${hard} too: raise it (ulimit -Hn as root, LimitNOFILE= in systemd, --ulimit nofile= in Docker)`
      : 'raise it with `ulimit -n`';
  return (
    `connreset: concurrency lowered from ${requested} to ${plan.concurrency}: the open-file limit is ${plan.limit.soft} ` +
    `(${plan.limit.open ?? '?'} open), the bottleneck of this run; ${how} to run more probes at once\n`
  );
}

/** The hard RLIMIT_NOFILE (Linux /proc), null when unknown or unlimited. */
export function readHardFdLimit(): number | null {
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Raises this process's soft open-file limit towards the hard limit when `needed` descriptors
 * do not fit under it (any process may do that; Node has no setrlimit, so util-linux's prlimit
 * does it for our pid). Returns the limit to plan with: the new one, or the old one when the
 * raise is not possible here (no prlimit, not Linux, already at the hard limit).
 */
export function raiseFdLimit(needed: number, limit: FdLimit = readFdLimit()): FdLimit {
  if (limit.soft === null || needed + (limit.open ?? 0) + FD_RESERVE <= limit.soft) return limit;
  const hard = readHardFdLimit();
  if (hard === null || hard <= limit.soft) return limit;
  const target = Math.min(hard, needed + (limit.open ?? 0) + FD_RESERVE);
  try {
    childProcess().execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${target}:${hard}`], { stdio: 'ignore', timeout: 2_000 });
  } catch {
    return limit;
  }
  return readFdLimit();
}

/** Errors that come from this process's own limits, never from the endpoint or the path. */
const LOCAL_LIMIT_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE']);

/**
 * The stderr line when probes failed on our own descriptor limit (descriptors used outside the
 * probes can still exhaust it): those results say nothing about the endpoints. Null when none did.
 */
export function localLimitNotice(observations: Iterable<{ events: readonly { kind: string; code?: string }[] } | null>): string | null {
  let count = 0;
  for (const obs of observations) {
    if (obs?.events.some((ev) => ev.kind === 'error' && ev.code !== undefined && LOCAL_LIMIT_CODES.has(ev.code))) count++;
  }
  if (count === 0) return null;
  return (
    `connreset: ${count} probe${count === 1 ? '' : 's'} failed with EMFILE/ENFILE: that is this machine's open-file limit, ` +
    `not the endpoint's fault; raise it with \`ulimit -n\` or run fewer probes at once\n`
  );
}
