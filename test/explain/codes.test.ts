/**
 * Every code in the table, on every platform, as data: each (platform, number) and each symbol
 * must explain back to its own row. Cases are generated from the table itself, so adding a row
 * adds its cases.
 */
import { describe, expect, it } from 'vitest';
import { ERRORS, symbolsOf, type ErrorEntry, type Platform } from '../../src/knowledge/errors.js';
import { explain } from '../../src/diagnose/explain/explain.js';
import { readingsOf } from '../../src/diagnose/explain/numbers.js';

interface NumberCase {
  error: string;
  platform: Platform;
  system: string;
  symbol: string;
  number: number;
}

function numberCases(e: ErrorEntry): NumberCase[] {
  const out: NumberCase[] = [];
  const push = (platform: Platform, system: string, codes: readonly { symbol: string; number: number }[]) => {
    for (const c of codes) out.push({ error: e.id, platform, system, symbol: c.symbol, number: c.number });
  };
  push('linux', 'linux', e.linux);
  push('macos', 'macos', e.macos);
  push('windows', 'windows', e.windows);
  push('windows', 'windows-crt', e.windowsCrt);
  if (e.libuv) {
    for (const p of ['linux', 'macos', 'windows'] as const) {
      const n = e.libuv[p];
      if (n !== null) out.push({ error: e.id, platform: p, system: 'libuv', symbol: e.libuv.name, number: n });
    }
  }
  return out;
}

const NUMBER_CASES = ERRORS.flatMap(numberCases);
const SYMBOL_CASES = ERRORS.flatMap((e) => symbolsOf(e).map((symbol) => ({ error: e.id, symbol })));
const TEXT_CASES = ERRORS.flatMap((e) =>
  [...e.linux, ...e.macos, ...e.windows]
    .filter((c) => c.text.length >= 12)
    .map((c) => ({ error: e.id, symbol: c.symbol, text: c.text })),
);

describe('the error table', () => {
  it('covers every error the issue asks for', () => {
    const ids = ERRORS.map((e) => e.id);
    for (const id of [
      'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
      'ENETRESET', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENOTCONN', 'ESHUTDOWN', 'EHOSTDOWN', 'ENOBUFS', 'EMFILE',
      'ENOTFOUND', 'EAI_AGAIN', 'TLS_UNEXPECTED_EOF',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('has Linux, macOS and Windows numbers for every errno row', () => {
    for (const e of ERRORS.filter((x) => x.category === 'errno' || x.category === 'dns')) {
      expect(e.linux.length, `${e.id} linux`).toBeGreaterThan(0);
      expect(e.macos.length, `${e.id} macos`).toBeGreaterThan(0);
      expect(e.windows.length + e.windowsCrt.length, `${e.id} windows`).toBeGreaterThan(0);
    }
  });

  it('has at least one cause per row, each a known cause id', async () => {
    const { explainCauseById } = await import('../../src/knowledge/explain-causes.js');
    for (const e of ERRORS) {
      expect(e.causes.length, e.id).toBeGreaterThan(0);
      for (const c of e.causes) expect(explainCauseById(c), `${e.id} → ${c}`).toBeDefined();
    }
  });

  it('lists the reset causes the issue requires for ECONNRESET', () => {
    const reset = ERRORS.find((e) => e.id === 'ECONNRESET');
    for (const c of ['server_crash_restart', 'server_idle_timeout', 'firewall_intervention', 'app_error_close', 'wrong_service_on_port', 'middlebox_idle_timeout', 'protocol_mismatch'] as const) {
      expect(reset?.causes).toContain(c);
    }
  });
});

describe.each(NUMBER_CASES)('$system $symbol $number (--platform $platform)', (c) => {
  it(`explains to ${c.error}`, async () => {
    const r = await explain(String(c.number), { platform: c.platform });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.explanation.error.id).toBe(c.error);
    expect(r.explanation.readings.some((x) => x.number === c.number && x.symbol === c.symbol)).toBe(true);
  });
});

describe.each(SYMBOL_CASES)('symbol $symbol', (c) => {
  it(`explains to ${c.error}, in any case`, async () => {
    for (const spelled of [c.symbol, c.symbol.toLowerCase()]) {
      const r = await explain(spelled);
      expect(r.ok && r.explanation.error.id).toBe(c.error);
    }
  });
});

/** The rows whose codes carry this text: current Windows gives ERROR_NETWORK_UNREACHABLE and ERROR_HOST_UNREACHABLE the same words. */
const rowsWithText = (text: string): string[] => [...new Set(TEXT_CASES.filter((x) => x.text === text).map((x) => x.error))];

describe.each(TEXT_CASES)('standard text of $symbol', (c) => {
  it(`"${c.text}" explains to ${c.error} (or, for words several rows share, to one of them)`, async () => {
    const r = await explain(c.text);
    const rows = rowsWithText(c.text);
    expect(rows).toContain(c.error);
    if (rows.length === 1) expect(r.ok && r.explanation.error.id).toBe(c.error);
    else expect(rows).toContain(r.ok ? r.explanation.error.id : null);
  });
});

describe('numbers with several meanings', () => {
  const cases: { input: string; first: string; others: string[] }[] = [
    { input: '54', first: 'ECONNRESET', others: ['EXFULL'] },
    { input: '104', first: 'ECONNRESET', others: ['EBADMSG', 'ENOTRECOVERABLE'] },
    { input: '60', first: 'ETIMEDOUT', others: ['ENOSTR'] },
    { input: '61', first: 'ECONNREFUSED', others: ['ENODATA'] },
    { input: '110', first: 'ETIMEDOUT', others: ['EHOSTUNREACH'] },
    { input: '111', first: 'ECONNREFUSED', others: ['EIDRM'] },
  ];
  it.each(cases)('$input lists every reading, the network one first', async ({ input, first, others }) => {
    const r = await explain(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.explanation.error.id).toBe(first);
    expect(r.explanation.readings[0]?.error).toBe(first);
    const symbols = r.explanation.readings.map((x) => x.symbol);
    for (const o of others) expect(symbols).toContain(o);
  });

  it('--platform picks one reading: 54 on Linux is EXFULL, not a network error', async () => {
    const r = await explain('54', { platform: 'linux' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.reason).toContain('EXFULL');
  });

  it('--platform windows reads 108 as the CRT ECONNRESET, not Linux ESHUTDOWN', async () => {
    const r = await explain('108', { platform: 'windows' });
    expect(r.ok && r.explanation.error.id).toBe('ECONNRESET');
    const linux = await explain('108', { platform: 'linux' });
    expect(linux.ok && linux.explanation.error.id).toBe('ESHUTDOWN');
  });

  it('reads hex and HRESULT forms of Winsock codes', async () => {
    for (const input of ['0x2746', '0x80072746', '0X2746']) {
      const r = await explain(input);
      expect(r.ok && r.explanation.error.id, input).toBe('ECONNRESET');
    }
    const refused = await explain('0x274D');
    expect(refused.ok && refused.explanation.error.id).toBe('ECONNREFUSED');
  });

  it('says that 0x80004005 is E_FAIL, not a socket error', async () => {
    const r = await explain('0x80004005');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toContain('E_FAIL');
  });

  it('every reading of a number is listed once', () => {
    for (const n of [54, 104, 110, -2, -3, 64]) {
      const keys = readingsOf(n).map((r) => `${r.system}|${r.platform}|${r.symbol}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
