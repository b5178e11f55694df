import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// commander wraps a command's description to the terminal (80 columns off a TTY); a description
// hard-wrapped at another width came out ragged, half-empty lines every other line
describe('command help', () => {
  it.each(['probe', 'idle', 'explain'])('%s: the description is wrapped once, into full lines', async (command) => {
    const { code, stdout } = await runCli([command, '--help']);
    expect(code).toBe(0);
    const description = stdout.split('\n\n')[1]!.split('\n');
    const paragraphEnds = stdout.split('Arguments:')[0]!.split('\n\n').map((p) => p.trimEnd().split('\n').at(-1));
    for (const line of description) {
      expect(line.length, line).toBeLessThanOrEqual(80);
      if (!paragraphEnds.includes(line)) expect(line.length, `"${line}" is cut short`).toBeGreaterThan(60);
    }
  });
});
