/** The built CLI's JSON documents, read the way the real-server tests assert on them. */
import { expect } from 'vitest';
import { runCli } from '../helpers/cli.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the documents are asserted field by field */
export async function probeJson(args: string[]): Promise<{ code: number | null; doc: any }> {
  const { code, stdout, stderr } = await runCli(['probe', ...args, '--json'], { timeoutMs: 30_000 });
  expect(stderr, `connreset probe ${args.join(' ')}`).toBe('');
  return { code, doc: JSON.parse(stdout) };
}

/** `connreset idle ARGS --json`: its exit code and document. */
export async function idleJson(args: string[]): Promise<{ code: number | null; doc: any }> {
  const { code, stdout } = await runCli(['idle', ...args, '--json'], { timeoutMs: 30_000 });
  return { code, doc: JSON.parse(stdout) };
}

export function topCause(diagnosis: any): { id: string; evidence: string[] } {
  expect(diagnosis.causes.length, `causes of ${diagnosis.outcome}`).toBeGreaterThan(0);
  return diagnosis.causes[0];
}

export function eventKinds(observation: any): string[] {
  return observation.events.map((e: { phase: string; kind: string }) => `${e.phase}/${e.kind}`);
}
