import { describe, expect, it } from 'vitest';
import { drawsProgress } from '../src/cli/spinner.js';

const terminal = { isTTY: true, columns: 80 } as unknown as NodeJS.WritableStream & { isTTY: boolean; columns: number };
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ TERM: 'xterm-256color', ...extra });

describe('when a spinner is drawn on stderr', () => {
  it('on a terminal with a width, outside CI', () => {
    expect(drawsProgress(terminal, env())).toBe(true);
  });

  it.each([
    ['a pipe or file', { ...terminal, isTTY: false }, env()],
    ['a pseudo-terminal that reports 0 columns (ora would redraw forever)', { ...terminal, columns: 0 }, env()],
    ['TERM=dumb', terminal, env({ TERM: 'dumb' })],
    ['a CI runner (CI set, whatever its value)', terminal, env({ CI: '' })],
  ])('not on %s', (_what, stream, e) => {
    expect(drawsProgress(stream as typeof terminal, e)).toBe(false);
  });
});
