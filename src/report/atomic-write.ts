/**
 * Report files are written to a temporary file in the same directory and renamed over the target:
 * readers (CI upload steps, node_exporter's textfile collector) see the old document or the new
 * one, never half of one, even when the run is interrupted or killed mid-write.
 */
import { accessSync, closeSync, constants, openSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  const dir = dirname(path);
  // the temporary name does not end in .prom/.xml/.json, so no collector picks it up half-written
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    if (typeof content === 'string') writeFileSync(tmp, content, 'utf8');
    else writePieces(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${path}: ${code === 'ENOENT' ? `the directory ${dir} does not exist` : code}`, undefined, 'CR_IO');
  }
}

/** A document given in pieces (a large report), written one piece at a time. */
function writePieces(path: string, pieces: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const piece of pieces) writeSync(fd, piece, null, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Kernel file systems: a report "written" there is an error or a write to a device. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

/**
 * Why a report cannot be written to `path`, or null when it can: checked before anything is
 * probed, so a long run never ends in "cannot write". Nothing is created: the directory must
 * exist (a typo in a path is not a reason to make directories, as root least of all), be a
 * directory we may write to, and not be a kernel file system; the file, if it exists, must be a
 * regular file (renaming over /dev/null or a FIFO would replace it).
 */
export function reportPathProblem(path: string): string | null {
  if (path === '') return 'empty path';
  const dir = dirname(resolve(path));
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `the directory ${dir} does not exist (connreset creates no directories)` : code === 'ENOTDIR' ? `${dir} is not a directory` : `cannot use ${dir} (${code ?? 'error'})`;
  }
  if (PSEUDO_FS.some((fs) => real === fs || real.startsWith(`${fs}/`))) return `${real} is a kernel file system, not a place for a report`;
  if (!statSync(real).isDirectory()) return `${dir} is not a directory`;
  const st = statSync(path, { throwIfNoEntry: false });
  if (st?.isDirectory()) return 'is a directory';
  if (st && !st.isFile()) return 'is not a regular file';
  try {
    accessSync(real, constants.W_OK);
  } catch (error) {
    return `cannot write in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return null;
}
