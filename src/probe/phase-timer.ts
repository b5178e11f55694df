/**
 * A phase timer that yields to I/O already waiting. Node runs expired timers before it polls for
 * I/O, so after an event-loop stall (GC, a busy machine) a phase timeout would otherwise win over
 * a FIN, RST or reply that reached the socket before the limit: the probe would report a
 * timeout that did not happen. Deferring the callback with setImmediate lets the poll phase
 * deliver those socket events first.
 *
 * One object per timer, no closures: a large check arms two of these per probe, thousands a
 * second (setTimeout and setImmediate pass the timer itself to the module-level callbacks).
 */
export interface PhaseTimer {
  clear(): void;
}

class DeferredTimer implements PhaseTimer {
  private cleared = false;
  private immediate: NodeJS.Immediate | null = null;
  private readonly timeout: NodeJS.Timeout;

  constructor(
    private readonly onExpire: () => void,
    ms: number,
  ) {
    this.timeout = setTimeout(deferExpiry, Math.max(0, ms), this);
  }

  defer(): void {
    this.immediate = setImmediate(runExpiry, this);
  }

  expire(): void {
    if (!this.cleared) this.onExpire();
  }

  clear(): void {
    this.cleared = true;
    clearTimeout(this.timeout);
    if (this.immediate) clearImmediate(this.immediate);
  }
}

function deferExpiry(timer: DeferredTimer): void {
  timer.defer();
}

function runExpiry(timer: DeferredTimer): void {
  timer.expire();
}

export function phaseTimer(onExpire: () => void, ms: number): PhaseTimer {
  return new DeferredTimer(onExpire, ms);
}
