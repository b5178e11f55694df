/**
 * The lab command's action: start the fault servers, print the listing, run until SIGINT or
 * SIGTERM, then close every server and connection and exit 0.
 */
import type { CliContext } from './context.js';
import type { LabSettings } from './lab.js';
import { EXIT } from '../exit-codes.js';
import { startLab } from '../lab/server.js';
import { renderLabListing } from '../report/lab-text.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

export async function runLabCommand(settings: LabSettings, ctx: CliContext): Promise<number> {
  const lab = await startLab({ host: settings.host, basePort: settings.basePort, idleAfterMs: settings.idleAfterMs });
  if (!LOOPBACK.test(settings.host)) {
    ctx.stderr.write(`connreset: lab: listening on ${settings.host}, not loopback: these fault servers are reachable from the network\n`);
  }
  ctx.stdout.write(renderLabListing(lab));
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (which: NodeJS.Signals): void => {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
      resolve(which);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
  await lab.close();
  ctx.stderr.write(`connreset: lab stopped (${signal})\n`);
  return EXIT.ok;
}
