import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from './helpers/cli.js';
import { VERSION } from '../src/version.js';

describe('connreset CLI basics', () => {
  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists every command in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['explain', 'probe', 'check', 'idle', 'lab', 'demo']) expect(r.stdout).toContain(cmd);
  });

  it('rejects an unknown command with exit 2 and no stack trace', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('output cut short by the reader', () => {
  it('exits quietly when stdout is closed early (connreset --help | head -1)', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('./helpers/cli.js');
    const child = spawn(process.execPath, [BIN, 'probe', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // read the first chunk, then close the pipe as `head -1` would
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
  });
});
