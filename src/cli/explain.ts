import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

const PLATFORM_CHOICES = ['linux', 'macos', 'windows'] as const;
const LANG_CHOICES = ['python', 'node', 'go', 'java', 'csharp'] as const;

interface ExplainCliOptions {
  platform?: (typeof PLATFORM_CHOICES)[number];
  lang?: (typeof LANG_CHOICES)[number];
  json?: boolean;
  list?: boolean;
}

/** stdin, bounded: a paste is never more than a few MB. */
async function readStdin(limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new UsageError(`stdin is larger than ${limit} bytes: paste only the error and its stack trace`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function defineExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .summary('explain an error code, symbol or pasted log line')
    .description(
      'Explain a network error: a number (10054, 104, -4077, 0x2746), a symbol (ECONNRESET, WSAECONNRESET, EAI_AGAIN),\n' +
        'or a whole log line / stack trace pasted as arguments or on stdin (-). Prints what it means on the wire,\n' +
        'its names on every platform, the likely causes (most likely first) and what to do.',
    )
    .argument('[input...]', 'code, symbol, message words, or - to read stdin')
    .addOption(new Option('--platform <os>', 'read a bare number as this platform\'s code').choices(PLATFORM_CHOICES))
    .addOption(new Option('--lang <language>', 'print a snippet that detects and retries this error').choices(LANG_CHOICES))
    .option('--json', 'print one JSON document (schema connreset.explanation/v1)')
    .option('--list', 'list every code connreset knows')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset explain 10054
  $ connreset explain 54 --platform macos
  $ connreset explain econnreset --lang python
  $ connreset explain "curl: (56) Recv failure: Connection reset by peer"
  $ kubectl logs my-pod | connreset explain -
  $ connreset explain --list --json

Exit codes: 0 explained, 2 empty or unknown input (one line on stderr).`,
    )
    .action(async (words: string[], opts: ExplainCliOptions) => {
      const { explain } = await import('../diagnose/explain/explain.js');
      if (opts.list) {
        const { listKnownCodes } = await import('../diagnose/explain/list.js');
        const codes = listKnownCodes();
        if (opts.json) {
          const { renderListJson } = await import('../report/explain-json.js');
          ctx.stdout.write(renderListJson(codes));
        } else {
          const { renderListText } = await import('../report/explain-text.js');
          ctx.stdout.write(renderListText(codes));
        }
        return;
      }
      const input = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
      let snippet: ((id: string) => { language: string; code: string } | null) | undefined;
      if (opts.lang) {
        const lang = opts.lang;
        const { renderSnippet } = await import('../knowledge/snippets.js');
        snippet = (id) => ({ language: lang, code: renderSnippet(lang, id) });
      }
      const result = explain(input, { platform: opts.platform, snippet });
      if (!result.ok) throw new UsageError(result.failure.reason, result.failure.hint, 'CR_UNKNOWN_ERROR_CODE');
      if (opts.json) {
        const { renderExplanationJson } = await import('../report/explain-json.js');
        ctx.stdout.write(renderExplanationJson(result.explanation));
      } else {
        const { renderExplanationText } = await import('../report/explain-text.js');
        ctx.stdout.write(renderExplanationText(result.explanation));
      }
      ctx.exitCode = EXIT.ok;
    });
}
