// The lab (dist/lab/server.js, built by `npm test`) in a process of its own, for test/helpers/lab-process.ts:
// options as JSON in argv[2]; prints one JSON line (host, idleAfterMs, certificate, scenarios
// without their table row) once every port listens; closes when its stdin ends (the test closed it,
// or the test process died) or on SIGTERM.
import { startLab } from '../../dist/lab/server.js';

const lab = await startLab(JSON.parse(process.argv[2] ?? '{}'));
const scenarios = lab.scenarios.map(({ scenario: _row, ...running }) => running);
process.stdout.write(`${JSON.stringify({ host: lab.host, idleAfterMs: lab.idleAfterMs, certificate: lab.certificate, scenarios })}\n`);
let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await lab.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
