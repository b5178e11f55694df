/**
 * Report files are written to a temporary file in the same directory and renamed over the target:
 * readers (CI upload steps, node_exporter's textfile collector) see the old document or the new
 * one, never half of one, even when the run is interrupted or killed mid-write.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  // the temporary name does not end in .prom/.xml/.json, so no collector picks it up half-written
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content, 'utf8');
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${path}: ${code}`, undefined, 'CR_IO');
  }
}
