// Preloaded into a CLI run by size.test.ts: writes the process's peak RSS (KiB) to a file at exit.
import { writeFileSync } from 'node:fs';
const file = process.env.CONNRESET_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
