/**
 * User regexes (--expect, a check's `expect: { reply: }`) are compiled once per source and kept in
 * a bounded cache: 200,000 targets with a pattern each must not keep 200,000 regexes.
 */
import { describe, expect, it } from 'vitest';
import { matchesPattern, patternCacheSize, patternError, PATTERN_CACHE_MAX } from '../src/pattern.js';

describe('pattern cache', () => {
  it('matches, and reports why a source does not compile', () => {
    expect(matchesPattern('^HTTP/1\\.[01] 200', 'HTTP/1.1 200 OK')).toBe(true);
    expect(matchesPattern('^HTTP/1\\.[01] 200', 'HTTP/1.1 503 Busy')).toBe(false);
    expect(patternError('a(')).toMatch(/Unterminated group|Invalid regular expression/);
    expect(matchesPattern('a(', 'a(')).toBe(false);
  });

  it('stays bounded however many distinct patterns a run uses, and still matches each', () => {
    for (let i = 0; i < PATTERN_CACHE_MAX * 2 + 10; i++) expect(matchesPattern(`^id-${i}$`, `id-${i}`)).toBe(true);
    expect(patternCacheSize()).toBe(PATTERN_CACHE_MAX);
    // an evicted source compiles again and still works
    expect(matchesPattern('^id-0$', 'id-0')).toBe(true);
    expect(patternCacheSize()).toBe(PATTERN_CACHE_MAX);
  });
});
