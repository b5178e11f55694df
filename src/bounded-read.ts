/**
 * Reading a file a user named (`--send @FILE`, a config file) without trusting it: the type is
 * checked on the open descriptor (no race between a stat and the open), and at most `limit + 1`
 * bytes are read, so `/dev/zero`, a FIFO with no writer or a 50 GB log can neither hang the run
 * nor exhaust memory. The open is non-blocking: opening a FIFO for reading would otherwise wait
 * for a writer forever.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: string };

export interface BoundedReadOptions {
  /** most bytes accepted; one more is read to tell "exactly the limit" from "larger" */
  limit: number;
  /** pipes (a FIFO, `<(command)` process substitution, /dev/stdin on a pipe) are read to their end; else refused */
  allowPipes: boolean;
}

function kind(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO (named pipe), not a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a file';
  if (st.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

export function readBounded(path: string, options: BoundedReadOptions): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'no such file (ENOENT)' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})` };
  }
  try {
    const st = fstatSync(fd);
    const wrongKind = kind(st);
    const pipe = st.isFIFO() || st.isSocket();
    if (wrongKind && !(pipe && options.allowPipes)) return { ok: false, reason: wrongKind };
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, Math.min(chunk.length, options.limit + 1 - total), null);
      } catch (error) {
        // a non-blocking pipe with nothing in it yet: wait for its writer, as a shell would
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        return { ok: false, reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      }
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > options.limit) return { ok: false, reason: `is larger than ${options.limit} bytes` };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}
