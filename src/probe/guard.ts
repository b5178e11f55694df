/**
 * Probe guards on one shared timer. A guard ends a probe that outlived the sum of its phase
 * limits (each phase has its own timer; the guard is the net under them), so it almost never
 * fires: one Timeout per probe cost a timer insert and removal for nothing, thousands of times
 * a second in a large `check`. Here the armed guards form a list threaded through their owners
 * (no allocation per probe, not even a map entry) that one interval sweeps; a guard fires up to
 * GUARD_TICK_MS after its deadline, well inside the slack the budget already allows (SLACK_MS in
 * defaults.ts). The interval runs only while a guard is armed, and keeps the process alive as the
 * per-probe timer did.
 */
export const GUARD_TICK_MS = 100;

/** What a guard ends: told once, when its time is up. The fields are the guard's own bookkeeping. */
export abstract class Guarded {
  guardDeadline = 0;
  guardPrev: Guarded | null = null;
  guardNext: Guarded | null = null;
  guardArmed = false;
  abstract guardExpired(): void;
}

let head: Guarded | null = null;
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const now = performance.now();
  for (let g = head; g !== null; ) {
    const next = g.guardNext;
    if (g.guardDeadline <= now) {
      disarmGuard(g);
      g.guardExpired();
    }
    g = next;
  }
}

/** Tells `owner` once, about `ms` from now, unless disarmed first. An owner has one guard at a time. */
export function armGuard(owner: Guarded, ms: number): void {
  if (owner.guardArmed) disarmGuard(owner);
  owner.guardDeadline = performance.now() + ms;
  owner.guardArmed = true;
  owner.guardPrev = null;
  owner.guardNext = head;
  if (head) head.guardPrev = owner;
  head = owner;
  sweeper ??= setInterval(sweep, GUARD_TICK_MS);
}

export function disarmGuard(owner: Guarded): void {
  if (!owner.guardArmed) return;
  owner.guardArmed = false;
  if (owner.guardPrev) owner.guardPrev.guardNext = owner.guardNext;
  else head = owner.guardNext;
  if (owner.guardNext) owner.guardNext.guardPrev = owner.guardPrev;
  owner.guardPrev = owner.guardNext = null;
  if (head === null && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}
