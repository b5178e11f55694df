/**
 * The one escaper for text that came from a peer or a user (a target, a config value, a check
 * name, a pasted log line, a reply). Everything connreset prints that it did not write itself goes
 * through here, so no input can move the cursor, change colours, set the terminal title, ring the
 * bell, split one line into two, or reorder what is shown:
 *
 * - C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals treat as CSI/OSC);
 * - the line and paragraph separators U+2028/U+2029 and U+0085 (NEL), which some viewers break on;
 * - the bidirectional formatting characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069),
 *   which reorder the text around them ("Trojan Source", CVE-2021-42574).
 *
 * Printable Unicode is kept. Pure, no imports: the diagnosis, the reports, the errors and the
 * explain bundle all use it.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Control characters as `\xHH` (ESC → `\x1b`), bidi and separator characters as `\uHHHH`.
 * Newlines become `\x0a` too: what this returns is always part of one line.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** As escapeControls, but with `\n`, `\r` and `\t` named, as people read them in a log line. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? visible(c));
}

/** Whether the text holds anything escapeControls would change. */
export function hasUnsafe(text: string): boolean {
  return UNSAFE_TEST.test(text);
}

/** Echoed input longer than this is cut: a 10 MB config value is not repeated in an error line. */
export const MAX_ECHO_CHARS = 200;

/**
 * A value quoted for a one-line message: JSON-style quotes and escapes, control/bidi/separator
 * characters escaped, and cut to `max` characters with the number left out, so echoing a
 * hostile or huge input costs at most a few hundred bytes.
 */
export function quote(text: string, max: number = MAX_ECHO_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const more = text.length > max ? `…(${text.length - max} more characters)` : '';
  return `${escapeControls(JSON.stringify(cut))}${more}`;
}

/** One line, whatever the text: escaped, and cut to `max` characters. */
export function oneLine(text: string, max: number = Infinity): string {
  const escaped = escapeText(text);
  return escaped.length > max ? `${escaped.slice(0, max)}…(${escaped.length - max} more characters)` : escaped;
}

/**
 * A JSON document's text made safe to print: JSON.stringify escapes C0 controls but leaves C1
 * controls, bidi characters and U+2028/U+2029 raw. Those can only appear inside strings, so
 * writing them as `\uHHHH` keeps the document equal.
 */
export function safeJson(json: string): string {
  // eslint-disable-next-line no-control-regex
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Several lines of input-derived text: the first `max` and a count of the rest, for echoing lists of problems. */
export function capList<T>(items: readonly T[], max: number): { shown: readonly T[]; more: number } {
  return items.length <= max ? { shown: items, more: 0 } : { shown: items.slice(0, max), more: items.length - max };
}

/** A `--json` document as printed: two-space indent, one trailing newline, safe to print (safeJson). */
export function jsonDocument(value: unknown): string {
  return `${safeJson(JSON.stringify(value, null, 2))}\n`;
}
