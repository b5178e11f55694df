/**
 * explain's fast path writes to fd 1 itself (src/cli/fd-sink.ts), not through process.stdout:
 * what a user relies on must still hold: a reader that went away (`| head -0`) ends the command
 * quietly with exit 0, and a file gets every byte.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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

  it('fdSink: what a full non-blocking pipe cannot take (EAGAIN) goes to the fallback stream, whole and in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-fifo-'));
    const fifo = join(dir, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      // fill the pipe until the kernel says EAGAIN
      let filled = 0;
      for (let i = 0; i < 10_000; i++) {
        try {
          filled += writeSync(writer, Buffer.alloc(4096, 0x2e));
        } catch {
          break;
        }
      }
      expect(filled).toBeGreaterThan(0);
      const rest: Buffer[] = [];
      let fallbacks = 0;
      const fallback = (): NodeJS.WritableStream => {
        fallbacks++;
        return { write: (chunk: Buffer | string) => rest.push(Buffer.from(chunk)) > 0 } as unknown as NodeJS.WritableStream;
      };
      const sink = fdSink(writer, fallback);
      sink.write('first line\n');
      sink.write('second line\n');
      expect(fallbacks).toBe(1);
      expect(Buffer.concat(rest).toString()).toBe('first line\nsecond line\n');
    } finally {
      closeSync(writer);
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fdSink: a bad descriptor is an error, not silence', () => {
    expect(() => fdSink(987654, () => process.stdout).write('x')).toThrow(/EBADF/);
  });
});
