/**
 * The demo's action: start the lab in-process, probe every scenario concurrently with short
 * limits, diagnose each observation, print the table, close the lab.
 */
import { setMaxListeners } from 'node:events';
import type { CliContext } from './context.js';
import type { DemoSettings } from './demo.js';
import { startSpinner } from './spinner.js';
import { handleStopSignals } from '../stop-signals.js';
import { EXIT } from '../exit-codes.js';
import { LAB_DEFAULTS, startLab } from '../lab/server.js';
import { labProbe, suggestedCommand } from '../lab/probe-plan.js';
import { probe } from '../probe/probe.js';
import { diagnose } from '../diagnose/diagnose.js';
import { isExpected, renderDemoFooter, renderDemoHeader, renderDemoRows, type DemoRow } from '../report/demo-text.js';

/** The scenario whose full report the footer suggests (a reset is what users come for). */
const EXAMPLE_SCENARIO = 'reset-on-request';
const LAB_DEFAULT_BASE_PORT = LAB_DEFAULTS.basePort;

export async function runDemoCommand(settings: DemoSettings, ctx: CliContext): Promise<number> {
  const started = performance.now();
  const lab = await startLab({ basePort: settings.basePort, idleAfterMs: settings.idleAfterMs });
  // Ctrl-C, SIGTERM and SIGHUP end the probes; the lab is closed either way
  const stop = handleStopSignals();
  // every concurrent probe listens to the one signal
  setMaxListeners(lab.scenarios.length * 2 + 10, stop.signal);
  try {
    ctx.stdout.write(renderDemoHeader(lab.host, lab.scenarios.length, lab.idleAfterMs));
    const spinner = await startSpinner(ctx.stderr, `probing ${lab.scenarios.length} scenarios`);
    let rows: DemoRow[];
    try {
      let done = 0;
      rows = await Promise.all(
        lab.scenarios.map(async (running) => {
          const { target, options } = labProbe(running, lab.idleAfterMs, lab.certificate);
          const observation = await probe(target, options, stop.signal);
          done++;
          if (spinner) spinner.text = `probing ${lab.scenarios.length} scenarios (${done} done)`;
          return { scenario: running.scenario, target: running.target, diagnosis: diagnose(observation) };
        }),
      );
    } finally {
      spinner?.stop();
      await lab.close();
    }
    ctx.stdout.write(renderDemoRows(rows));
    const example = lab.scenarios.find((s) => s.name === EXAMPLE_SCENARIO);
    // the demo's lab is gone when it exits: the suggestion points at `connreset lab`'s default ports
    const exampleCommand = example ? suggestedCommand({ ...example, target: `http://127.0.0.1:${LAB_DEFAULT_BASE_PORT + example.scenario.offset}` }, lab.idleAfterMs) : null;
    ctx.stdout.write(renderDemoFooter(rows, performance.now() - started, exampleCommand));
    return stop.exitCode() ?? (rows.every(isExpected) ? EXIT.ok : EXIT.failure);
  } finally {
    stop.release();
  }
}
