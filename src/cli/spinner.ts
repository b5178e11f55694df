import type { Ora } from 'ora';

type MaybeTerminal = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Whether progress may be drawn on this stream. The same rule as ora's own (a TTY, not TERM=dumb,
 * no CI variable), decided here so that a spinner that would not animate prints nothing at all
 * instead of ora's one-off "- text" line; plus a width check, because a pseudo-terminal that
 * reports 0 columns makes ora's line arithmetic clear lines forever.
 */
export function drawsProgress(stream: MaybeTerminal, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && Number(stream.columns) > 0 && env.TERM !== 'dumb' && !('CI' in env);
}

/** An ora spinner on stderr when it may be drawn there, else null; ora is loaded only then. */
export async function startSpinner(stream: NodeJS.WritableStream, text: string): Promise<Ora | null> {
  if (!drawsProgress(stream)) return null;
  const { default: ora } = await import('ora');
  // discardStdin would put the terminal in raw mode, and Ctrl-C would no longer be a plain SIGINT
  return ora({ stream: stream as NodeJS.WriteStream, text, discardStdin: false }).start();
}
