/**
 * User regular expressions (`--expect`, a check's `expect: { reply: }`), compiled once per
 * distinct source and shared by the validators and the matchers, as blackbox_exporter compiles
 * its regexes at config load: a 10,000-target check with one pattern compiles it once.
 */
const compiled = new Map<string, RegExp | Error>();

function compile(source: string): RegExp | Error {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch (error) {
      re = error as Error;
    }
    compiled.set(source, re);
  }
  return re;
}

/** Why the source does not compile, or null. */
export function patternError(source: string): string | null {
  const re = compile(source);
  return re instanceof Error ? re.message : null;
}

/** Whether the text matches; a source that does not compile matches nothing (the CLI refused it already). */
export function matchesPattern(source: string, text: string): boolean {
  const re = compile(source);
  return re instanceof Error ? false : re.test(text);
}
