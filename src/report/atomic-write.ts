/**
 * Report files are written to a temporary file in the same directory and renamed over the target:
 * readers (CI upload steps, node_exporter's textfile collector) see the old document or the new
 * one, never half of one, even when the run is interrupted or killed mid-write.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  // the temporary name does not end in .prom/.xml/.json, so no collector picks it up half-written
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    ensureDir(dir);
    writeFileSync(tmp, content, 'utf8');
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${path}: ${code}`, undefined, 'CR_IO');
  }
}

/**
 * Creates a directory and its missing parents one level at a time. Node 20's recursive mkdirSync
 * never returns for some paths (under /proc it loops forever), so it is not used.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const st = statSync(current, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${current} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
