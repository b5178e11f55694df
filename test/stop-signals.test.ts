import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleStopSignals } from '../src/stop-signals.js';

/** The listener handleStopSignals() added for a signal (called directly: no real signal is raised in the test runner). */
function addedListener(signal: NodeJS.Signals, before: Function[]): () => void {
  const added = process.listeners(signal).filter((l) => !before.includes(l));
  expect(added).toHaveLength(1);
  return added[0] as () => void;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stop signals of a check run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('the first %s stops the run and records the signal; a second one exits at once with %i', (signal, code) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM'), SIGHUP: process.listeners('SIGHUP') };
    const stop = handleStopSignals();
    try {
      const handler = addedListener(signal, before[signal]);
      handler();
      expect(stop.signal.aborted).toBe(true);
      expect(stop.signal.reason).toBe(signal);
      expect(exit).not.toHaveBeenCalled();
      handler();
      expect(exit).toHaveBeenCalledWith(code);
    } finally {
      stop.release();
    }
    expect(process.listeners('SIGINT')).toEqual(before.SIGINT);
    expect(process.listeners('SIGTERM')).toEqual(before.SIGTERM);
    expect(process.listeners('SIGHUP')).toEqual(before.SIGHUP);
  });

  it('a SIGTERM after a Ctrl-C exits at once with 143 (the code of the signal that ended it)', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const stop = handleStopSignals();
    try {
      addedListener('SIGINT', before.SIGINT)();
      addedListener('SIGTERM', before.SIGTERM)();
      expect(stop.signal.reason).toBe('SIGINT');
      expect(exit).toHaveBeenCalledWith(143);
    } finally {
      stop.release();
    }
  });
});
