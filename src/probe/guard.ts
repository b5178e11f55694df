/**
 * Probe guards on one shared timer. A guard ends a probe that outlived the sum of its phase
 * limits (each phase has its own timer; the guard is the net under them), so it almost never
 * fires: one Timeout per probe cost a timer insert and removal for nothing, thousands of times
 * a second in a large `check`. Here every armed guard sits in a set that one interval sweeps;
 * a guard fires up to GUARD_TICK_MS after its deadline, well inside the slack the budget already
 * allows (SLACK_MS in defaults.ts). The interval runs only while a guard is armed, and keeps the
 * process alive as the per-probe timer did.
 */
export const GUARD_TICK_MS = 100;

export interface Guard {
  readonly deadline: number;
  readonly fire: () => void;
}

const armed = new Set<Guard>();
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const now = performance.now();
  for (const guard of armed) {
    if (guard.deadline > now) continue;
    armed.delete(guard);
    guard.fire();
  }
  if (armed.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/** Calls `fire` once, about `ms` from now, unless disarmed first. */
export function armGuard(ms: number, fire: () => void): Guard {
  const guard: Guard = { deadline: performance.now() + ms, fire };
  armed.add(guard);
  sweeper ??= setInterval(sweep, GUARD_TICK_MS);
  return guard;
}

export function disarmGuard(guard: Guard): void {
  armed.delete(guard);
  if (armed.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}
