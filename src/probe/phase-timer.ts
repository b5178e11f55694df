/**
 * A phase timer that yields to I/O already waiting. Node runs expired timers before it polls for
 * I/O, so after an event-loop stall (GC, a busy machine) a phase timeout would otherwise win over
 * a FIN, RST or reply that reached the socket before the limit: the probe would report a
 * timeout that did not happen. Deferring the callback with setImmediate lets the poll phase
 * deliver those socket events first.
 */
export interface PhaseTimer {
  clear(): void;
}

export function phaseTimer(onExpire: () => void, ms: number): PhaseTimer {
  let cleared = false;
  let immediate: NodeJS.Immediate | null = null;
  const timeout = setTimeout(() => {
    immediate = setImmediate(() => {
      if (!cleared) onExpire();
    });
  }, Math.max(0, ms));
  return {
    clear() {
      cleared = true;
      clearTimeout(timeout);
      if (immediate) clearImmediate(immediate);
    },
  };
}
