/**
 * Start-up fast path for `connreset explain`: a CLI is judged by its start, and commander plus the
 * other commands' modules cost more than explaining a code. bin/connreset.js tries this first for
 * `explain`; anything it does not fully understand (--help, unknown or malformed options) returns
 * null and goes through commander, which owns help and error wording.
 */
import { ConnresetError, errorLine, ignoreClosedPipe } from '../errors.js';
// Static on purpose: the whole explain graph then loads in one pass, with no extra dynamic-import round trip.
import { colorEnabled } from '../report/explain-text.js';
import { LANG_CHOICES, PLATFORM_CHOICES, runExplain, type ExplainCliOptions } from './explain-run.js';
import { fdSink, isTerminal } from './fd-sink.js';

// for test/explain: the bundle finds every table regex's prefilter precomputed
export { literalStats } from '../shared/regex-literals.js';

export function parseFastArgs(args: readonly string[]): { words: string[]; opts: ExplainCliOptions } | null {
  const words: string[] = [];
  const opts: ExplainCliOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-') || /^-\d/.test(a)) {
      words.push(a); // negative numbers (-4077) are input, as in commander
      continue;
    }
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--json' && inline === undefined) opts.json = true;
    else if (name === '--list' && inline === undefined) opts.list = true;
    else if (name === '--no-color' && inline === undefined) continue;
    else if (name === '--platform' || name === '--lang') {
      const value = inline ?? args[++i];
      if (name === '--platform' && PLATFORM_CHOICES.includes(value as never)) opts.platform = value as ExplainCliOptions['platform'];
      else if (name === '--lang' && LANG_CHOICES.includes(value as never)) opts.lang = value as ExplainCliOptions['lang'];
      else return null;
    } else return null;
  }
  return { words, opts };
}

/** process.stdout for what fd 1 could not take at once (EAGAIN): a reader that then goes away ends the output quietly, as before. */
function closedPipeQuiet(): NodeJS.WritableStream {
  ignoreClosedPipe(process.stdout);
  return process.stdout;
}

/** Runs `explain` without commander; null when commander must handle these arguments. */
export async function runExplainFast(argv: readonly string[]): Promise<number | null> {
  if (argv[2] !== 'explain') return null;
  const parsed = parseFastArgs(argv.slice(3));
  if (!parsed) return null;
  // whether stdout is a terminal is asked only when NO_COLOR, --no-color or FORCE_COLOR leave it open
  const undecided = colorEnabled({ isTTY: true }, argv, process.env) !== colorEnabled({ isTTY: false }, argv, process.env);
  const color = colorEnabled({ isTTY: undecided && (await isTerminal(1)) }, argv, process.env);
  try {
    return await runExplain(parsed.words, parsed.opts, {
      // not process.stdout: building that stream was ~5 ms of start-up (src/cli/fd-sink.ts); except a
      // Windows console, where libuv's stream converts UTF-8 and colour codes for the console
      stdout: process.platform === 'win32' && (await isTerminal(1)) ? process.stdout : fdSink(1, closedPipeQuiet),
      stdin: () => process.stdin,
      color,
    });
  } catch (error) {
    if (!(error instanceof ConnresetError)) throw error;
    process.stderr.write(errorLine(error));
    return error.exitCode;
  }
}
