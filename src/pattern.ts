/**
 * User regular expressions (`--expect`, a check's `expect: { reply: }`), compiled once per
 * distinct source and shared by the validators and the matchers, as blackbox_exporter compiles
 * its regexes at config load: a 10,000-target check with one pattern compiles it once.
 */
const compiled = new Map<string, RegExp | Error>();
/**
 * A check file may give every target its own pattern: past this many distinct sources the oldest
 * is dropped (a Map iterates in insertion order), so memory stays bounded and a shared pattern,
 * used again and again, is still compiled once per stretch of use.
 */
export const PATTERN_CACHE_MAX = 4096;

function compile(source: string): RegExp | Error {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch (error) {
      re = error as Error;
    }
    if (compiled.size >= PATTERN_CACHE_MAX) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, re);
  }
  return re;
}

/** How many sources are compiled and kept (for the test that the cache stays bounded). */
export const patternCacheSize = (): number => compiled.size;

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
