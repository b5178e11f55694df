import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { FD_RESERVE, planConcurrency, readFdLimit, runBounded, type StopReason } from '../../src/probe/runner.js';

/** A job that finishes when the test says so, or when its signal aborts (as a probe does). */
function controllable() {
  const pending = new Map<number, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (job: number, signal: AbortSignal): Promise<number> =>
    new Promise((resolve) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = (): void => {
        inFlight--;
        pending.delete(job);
        resolve(job);
      };
      pending.set(job, done);
      signal.addEventListener('abort', done, { once: true });
    });
  return { work, pending, stats: () => ({ inFlight, maxInFlight }) };
}

function collect() {
  const results: number[] = [];
  const unfinished: [number, StopReason, boolean][] = [];
  return {
    results,
    unfinished,
    hooks: {
      onResult: (r: number) => results.push(r),
      onUnfinished: (j: number, reason: Exclude<StopReason, 'completed'>, started: boolean) => unfinished.push([j, reason, started]),
    },
  };
}

describe('runBounded', () => {
  it('keeps at most N jobs in flight, pulls jobs lazily, and delivers every result', async () => {
    const c = controllable();
    let pulled = 0;
    function* jobs(): Generator<number> {
      for (let i = 0; i < 50; i++) {
        pulled++;
        // a lazy source: never more than N pulled ahead of the finished ones
        expect(pulled - col.results.length).toBeLessThanOrEqual(4);
        yield i;
      }
    }
    const col = collect();
    const run = runBounded(jobs(), c.work, { ...col.hooks, onStart: () => queueMicrotask(() => c.pending.get([...c.pending.keys()][0]!)?.()) }, {
      concurrency: 4,
      deadlineMs: null,
    });
    const summary = await run;
    expect(summary).toEqual({ stoppedBy: 'completed', started: 50, finished: 50 });
    expect(col.results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(c.stats().maxInFlight).toBeLessThanOrEqual(4);
    expect(col.unfinished).toEqual([]);
  });

  it('--fail-fast: stops after the first failing result and reports the rest as not run', async () => {
    const col = collect();
    const summary = await runBounded([1, 2, 3, 4, 5], async (j) => j, col.hooks, {
      concurrency: 1,
      deadlineMs: null,
      stopWhen: (r) => r === 2,
    });
    expect(summary.stoppedBy).toBe('fail_fast');
    expect(col.results).toEqual([1, 2]);
    expect(col.unfinished).toEqual([
      [3, 'fail_fast', false],
      [4, 'fail_fast', false],
      [5, 'fail_fast', false],
    ]);
  });

  it('--deadline: aborts jobs in flight and reports them and the unstarted ones', async () => {
    const c = controllable();
    const col = collect();
    const summary = await runBounded([1, 2, 3], c.work, col.hooks, { concurrency: 2, deadlineMs: 30 });
    expect(summary.stoppedBy).toBe('deadline');
    expect(col.results).toEqual([]);
    expect(col.unfinished.sort()).toEqual([
      [1, 'deadline', true],
      [2, 'deadline', true],
      [3, 'deadline', false],
    ]);
  });

  it('Ctrl-C (external abort): interrupted, results so far kept', async () => {
    const c = controllable();
    const col = collect();
    const interrupt = new AbortController();
    let starts = 0;
    const summary = await runBounded(
      [1, 2, 3, 4],
      c.work,
      {
        ...col.hooks,
        onStart: (job) => {
          starts++;
          if (job === 1) queueMicrotask(() => c.pending.get(1)?.());
          if (starts === 3) queueMicrotask(() => interrupt.abort());
        },
      },
      { concurrency: 2, deadlineMs: null, signal: interrupt.signal },
    );
    expect(summary.stoppedBy).toBe('interrupted');
    expect(col.results).toEqual([1]);
    expect(col.unfinished.map(([j, r]) => [j, r]).sort()).toEqual([
      [2, 'interrupted'],
      [3, 'interrupted'],
      [4, 'interrupted'],
    ]);
  });

  it('does not wait forever for a job that ignores its abort signal', async () => {
    const col = collect();
    const summary = await runBounded([1], () => new Promise<number>(() => undefined), col.hooks, {
      concurrency: 1,
      deadlineMs: 20,
      settleGraceMs: 20,
    });
    expect(summary.stoppedBy).toBe('deadline');
    expect(col.unfinished).toEqual([[1, 'deadline', true]]);
  });

  it('surfaces a bug in the worker instead of hiding it as a result', async () => {
    const col = collect();
    await expect(
      runBounded([1], async () => {
        throw new Error('worker bug');
      }, col.hooks, { concurrency: 1, deadlineMs: null }),
    ).rejects.toThrow('worker bug');
  });
});

describe('open-file limit', () => {
  it('reads the soft limit the shell reports', () => {
    const shell = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    const limit = readFdLimit();
    expect(String(limit.soft ?? 'unlimited')).toBe(shell);
    expect(limit.open).toBeGreaterThan(2);
  });

  it('caps concurrency below the limit, leaving room for what is open and a reserve', () => {
    expect(planConcurrency(500, { soft: 256, open: 20 })).toEqual({ concurrency: 256 - 20 - FD_RESERVE, capped: true, limit: { soft: 256, open: 20 } });
    expect(planConcurrency(100, { soft: 1_048_576, open: 20 }).capped).toBe(false);
    expect(planConcurrency(100, { soft: null, open: null })).toMatchObject({ concurrency: 100, capped: false });
    expect(planConcurrency(10, { soft: 40, open: 30 }).concurrency).toBe(1);
    // descriptors reserved for follow-up experiments come off the probes' share
    expect(planConcurrency(500, { soft: 256, open: 20 }, 128)).toMatchObject({ concurrency: 256 - 20 - FD_RESERVE - 128, capped: true });
  });
});
