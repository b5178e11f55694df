/** Symbol look-up (case-insensitive) and "did you mean" suggestions, from the error table. */
import { ERRORS, symbolsOf } from '../../knowledge/errors.js';
import { LINUX_ERRNO, MACOS_ERRNO } from '../../knowledge/explain-errno-names.js';
import { editDistance } from '../../edit-distance.js';

let bySymbol: Map<string, string> | undefined;

/** upper-case symbol → error id */
export function symbolIndex(): Map<string, string> {
  if (!bySymbol) {
    bySymbol = new Map();
    for (const e of ERRORS) for (const s of symbolsOf(e)) if (!bySymbol.has(s)) bySymbol.set(s, e.id);
  }
  return bySymbol;
}

export function errorIdForSymbol(symbol: string): string | undefined {
  const upper = symbol.toUpperCase();
  const index = symbolIndex();
  return index.get(upper) ?? (upper.startsWith('UV_') ? index.get(upper.slice(3)) : undefined);
}

/** An errno name that exists but is not a network error (EACCES): its platform readings. */
export function nonNetworkErrno(symbol: string): string | undefined {
  const upper = symbol.toUpperCase().replace(/^UV_/, '');
  const hits: string[] = [];
  for (const [rows, label] of [[LINUX_ERRNO, 'Linux'], [MACOS_ERRNO, 'macOS']] as const) {
    const row = rows.find(([, s]) => s === upper);
    if (row) hits.push(`${label} ${row[0]} "${row[2]}"`);
  }
  return hits.length > 0 ? hits.join(', ') : undefined;
}

/** The closest known symbol to `word`, if it is close enough to be a typo. */
export function suggestSymbol(word: string): string | undefined {
  const upper = word.toUpperCase();
  if (upper.length < 4 || upper.length > 40) return undefined;
  const max = upper.length <= 6 ? 1 : 2;
  let best: { symbol: string; d: number } | undefined;
  for (const symbol of symbolIndex().keys()) {
    const d = editDistance(upper, symbol, max);
    if (d <= max && (!best || d < best.d)) best = { symbol, d };
  }
  // "CONNRESET" without the E is a typo of ECONNRESET, not of an alias
  if (!best && /^[A-Z_]+$/.test(upper) && symbolIndex().has(`E${upper}`)) return `E${upper}`;
  return best?.symbol;
}
