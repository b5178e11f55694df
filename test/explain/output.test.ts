/**
 * explain's fast path writes to fd 1 itself (src/cli/fd-sink.ts), not through process.stdout:
 * what a user relies on must still hold: a reader that went away (`| head -0`) ends the command
 * quietly with exit 0, and a file gets every byte.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { fdSink } from '../../src/cli/fd-sink.js';
import { ERRORS } from '../../src/knowledge/errors.js';

function explain(args: string[], stdout: 'pipe' | number, onStdout?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'explain', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    onStdout?.(child);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('explain output on fd 1', { timeout: 30_000 }, () => {
  it('a reader that is gone before the output (| head -0): exit 0, nothing on stderr', async () => {
    // the read end closes before the child has even started, so its write meets EPIPE
    const r = await explain(['--list', '--json'], 'pipe', (child) => child.stdout?.destroy());
    expect(r).toEqual({ code: 0, stderr: '' });
  });

  it('a file gets every byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-out-'));
    try {
      const fd = openSync(join(dir, 'out.json'), 'w');
      const r = await explain(['--list', '--json'], fd);
      closeSync(fd);
      expect(r.code).toBe(0);
      expect((JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { codes: unknown[] }).codes.length).toBe(ERRORS.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fdSink: a bad descriptor is an error, not silence', () => {
    expect(() => fdSink(987654, () => process.stdout).write('x')).toThrow(/EBADF/);
  });
});
