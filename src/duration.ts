import { BadDurationError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "500ms", "5s", "1.5m", "2h" or a bare number of seconds into milliseconds. */
export function parseDuration(input: string, option?: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(input);
  if (!match) throw new BadDurationError(input, option);
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const ms = value * (UNITS[unit] ?? 1000);
  if (!Number.isFinite(ms) || ms > 7 * 24 * 3_600_000) throw new BadDurationError(input, option);
  return Math.round(ms);
}

/** Formats milliseconds for people: 0.3 ms, 812 ms, 5.0 s, 2 m 05 s. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}
