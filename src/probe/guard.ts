/**
 * Probe guards on one shared timer. A guard ends a probe that outlived the sum of its phase
 * limits (each phase has its own timer; the guard is the net under them), so it almost never
 * fires: one Timeout per probe cost a timer insert and removal for nothing, thousands of times
 * a second in a large `check`. Here every armed guard is an entry (owner -> deadline) in a map
 * that one interval sweeps; a guard fires up to GUARD_TICK_MS after its deadline, well inside
 * the slack the budget already allows (SLACK_MS in defaults.ts). The interval runs only while a
 * guard is armed, and keeps the process alive as the per-probe timer did.
 */
export const GUARD_TICK_MS = 100;

/** What a guard ends: told once, when its time is up. */
export interface Guarded {
  guardExpired(): void;
}

const armed = new Map<Guarded, number>();
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const now = performance.now();
  for (const [owner, deadline] of armed) {
    if (deadline > now) continue;
    armed.delete(owner);
    owner.guardExpired();
  }
  stopWhenIdle();
}

function stopWhenIdle(): void {
  if (armed.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/** Tells `owner` once, about `ms` from now, unless disarmed first. An owner has one guard at a time. */
export function armGuard(owner: Guarded, ms: number): void {
  armed.set(owner, performance.now() + ms);
  sweeper ??= setInterval(sweep, GUARD_TICK_MS);
}

export function disarmGuard(owner: Guarded): void {
  armed.delete(owner);
  stopWhenIdle();
}
