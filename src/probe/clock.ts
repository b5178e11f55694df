/**
 * The wall-clock start of a probe as an ISO 8601 string, without a Date per probe: within one
 * second the string differs from the last one only in its milliseconds, so the date and time
 * part is kept and only the milliseconds are written (a large check starts thousands of probes
 * a second, and Date#toISOString was a visible part of each).
 */
let secondStart = NaN;
let secondPrefix = '';

export function isoNow(now: number = Date.now()): string {
  const ms = now - secondStart;
  if (ms >= 0 && ms < 1000) return `${secondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  const iso = new Date(now).toISOString();
  secondStart = now - (now % 1000);
  secondPrefix = iso.slice(0, iso.length - 4); // "2026-12-04T16:48:47."
  return iso;
}
