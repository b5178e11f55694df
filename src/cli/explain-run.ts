/**
 * The explain command's work, shared by the commander action and the start-up fast path: input →
 * explanation → text or JSON on stdout. Bad input throws UsageError (one line, exit 2).
 */
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Platform } from '../knowledge/errors.js';

export const PLATFORM_CHOICES = ['linux', 'macos', 'windows'] as const;
export const LANG_CHOICES = ['python', 'node', 'go', 'java', 'csharp'] as const;
export type ExplainLang = (typeof LANG_CHOICES)[number];

export interface ExplainCliOptions {
  platform?: Platform | undefined;
  lang?: ExplainLang | undefined;
  json?: boolean | undefined;
  list?: boolean | undefined;
}

export interface ExplainIo {
  /** process.stdout, or the fast path's descriptor sink (src/cli/fd-sink.ts) */
  stdout: { write(text: string): unknown };
  /** a getter: touching process.stdin sets up a stream (and, for a pipe, socket code), so only `-` does */
  stdin: () => AsyncIterable<Buffer | string>;
  color: boolean;
}

const STDIN_LIMIT = 4 * 1024 * 1024;

/** stdin, bounded: a paste is never more than a few MB. */
async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > STDIN_LIMIT) throw new UsageError(`stdin is larger than ${STDIN_LIMIT} bytes: paste only the error and its stack trace`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function runExplain(words: readonly string[], opts: ExplainCliOptions, io: ExplainIo): Promise<number> {
  if (opts.list) {
    const { listKnownCodes } = await import('../diagnose/explain/list.js');
    if (opts.json) {
      const { renderListJson } = await import('../report/explain-json.js');
      io.stdout.write(renderListJson(listKnownCodes()));
    } else {
      const { renderListText, createStyle } = await import('../report/explain-text.js');
      io.stdout.write(renderListText(listKnownCodes(), createStyle(io.color)));
    }
    return EXIT.ok;
  }
  if (words.length === 0) throw new UsageError('nothing to explain', 'pass a code (10054), a symbol (ECONNRESET) or a log line; use - to read stdin');
  const input = words.length === 1 && words[0] === '-' ? await readAll(io.stdin()) : words.join(' ');
  const { explain } = await import('../diagnose/explain/explain.js');
  let snippet: ((id: string) => { language: string; code: string }) | undefined;
  if (opts.lang) {
    const lang = opts.lang;
    const { renderSnippet } = await import('../knowledge/snippets.js');
    snippet = (id) => ({ language: lang, code: renderSnippet(lang, id) });
  }
  const result = await explain(input, { platform: opts.platform, snippet });
  if (!result.ok) throw new UsageError(result.failure.reason, result.failure.hint, 'CR_UNKNOWN_ERROR_CODE');
  if (opts.json) {
    const { renderExplanationJson } = await import('../report/explain-json.js');
    io.stdout.write(renderExplanationJson(result.explanation));
  } else {
    const { renderExplanationText, createStyle } = await import('../report/explain-text.js');
    io.stdout.write(renderExplanationText(result.explanation, createStyle(io.color)));
  }
  return EXIT.ok;
}
