/**
 * The lab in a child process, for tests whose subject is the probe's timing: a lab in the test's
 * own process shares its event loop with the probes, and a stall of that loop delays the lab's
 * accept and timers too (a reset on accept then came after the probe's settle, under CPU load,
 * which no remote server would do). Same shape as the in-process Lab for what the tests read.
 * The child runs the built lab (dist/, made by `npm test` before vitest runs): after an edit of
 * src/lab/, run `npm run build` before running such a test alone.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LabOptions, RunningScenario } from '../../src/lab/server.js';
import { SCENARIOS } from '../../src/lab/scenarios.js';

const CHILD = fileURLToPath(new URL('./lab-child.mjs', import.meta.url));

export interface LabProcess {
  host: string;
  idleAfterMs: number;
  certificate: string | null;
  scenarios: RunningScenario[];
  close(): Promise<void>;
}

export async function startLabProcess(options: LabOptions, timeoutMs = 20_000): Promise<LabProcess> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the lab process did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const end = out.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, end));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab process exited (${code}) before it was ready: ${stderr}`));
    });
  });
  let ready: Omit<LabProcess, 'close' | 'scenarios'> & { scenarios: Omit<RunningScenario, 'scenario'>[] };
  let scenarios: RunningScenario[];
  try {
    ready = JSON.parse(line) as typeof ready;
    scenarios = ready.scenarios.map((running) => {
      const scenario = SCENARIOS.find((s) => s.name === running.name);
      if (!scenario) throw new Error(`the lab process runs ${running.name}, which the table does not have`);
      return { ...running, scenario };
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ...ready,
    scenarios,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
