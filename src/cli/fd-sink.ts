/**
 * Output for `explain`'s fast path straight to a file descriptor, without process.stdout: the first
 * touch of process.stdout makes Node build a stream for it (socket code for a pipe, SyncWriteStream
 * for a file, tty for a terminal), about 5 ms of a ~140 ms start (bench/startup.mjs). A one-shot
 * command's output is a few KB, and a blocking write is what it wants anyway.
 */
import { fstatSync, writeSync } from 'node:fs';

export interface TextSink {
  write(text: string): unknown;
}

/**
 * writeSync to `fd`. A closed pipe (EPIPE: `explain … | head -1`) ends the output quietly, as
 * ignoreClosedPipe does for streams. A non-blocking descriptor (EAGAIN, when a parent shares one)
 * hands the rest to `fallback()`, the ordinary stream, which waits for the reader.
 */
export function fdSink(fd: number, fallback: () => NodeJS.WritableStream): TextSink {
  let closed = false;
  let stream: NodeJS.WritableStream | undefined;
  return {
    write(text: string): unknown {
      if (closed) return true;
      if (stream) return stream.write(text);
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) {
        try {
          off += writeSync(fd, buf, off);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') {
            closed = true;
            return true;
          }
          if (code !== 'EAGAIN') throw error;
          stream = fallback();
          return stream.write(buf.subarray(off));
        }
      }
      return true;
    },
  };
}

/** Whether `fd` is a terminal; pipes and files are told apart by fstat, without loading node:tty. */
export async function isTerminal(fd: number): Promise<boolean> {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  // in the CommonJS explain bundle a plain require: import() there would start the ESM loader (~8 ms)
  const tty: typeof import('node:tty') = typeof require === 'function' ? require('node:tty') : await import('node:tty');
  return tty.isatty(fd);
}
