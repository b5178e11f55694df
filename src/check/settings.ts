/**
 * THE settings table: every probe setting a user can give, once, with its config key, its flag,
 * its parser and bounds, its default and its help text. The commander options of `probe`,
 * `check` and `idle`, the config file reader (src/check/config.ts) and the help texts are all
 * generated from these rows, so a flag and its config key cannot accept different things, and
 * the help cannot drift from DEFAULTS. Adding a setting means adding a row.
 *
 * Parsers take the text as the user typed it (a flag's argument, or a config scalar's source
 * text, so `repeat: 1e2` is refused in a file as it is on the command line) and throw a
 * UsageError naming `label` (the flag) when there is one; the config reader adds file:line.
 */
import { Option, type Command } from 'commander';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { patternError } from '../pattern.js';
import { DEFAULTS } from '../probe/defaults.js';
import { parseHeader, parseMethod, parseResolve, parseStatusList } from '../probe/http-options.js';

export type SettingCommand = 'probe' | 'check' | 'idle';

/** At most this many runs per target (probe --repeat, check `repeat:`): a typo like 1000000 must not run for days. */
export const MAX_REPEAT = 10_000;
/** check --concurrency: probes in flight at once */
export const MAX_CONCURRENCY = 100_000;
export const DEFAULT_INTERVAL_MS = 1_000;
/** idle: the ladder starts at 0.5 s; a bound below 1 s leaves nothing to search */
export const IDLE_MIN_MAX_MS = 1_000;
/** idle: connect and reply limits below this cannot tell a slow server from a dead path */
export const IDLE_MIN_LIMIT_MS = 100;

export interface SettingRow<V = unknown> {
  /** stable id, also the property of the parsed values */
  id: string;
  /** key in a check config (`defaults:` and per target), or null for a flag only */
  key: string | null;
  /** commander flags, or null for a config key only */
  flags: string | null;
  /** the commands whose flags it is (a row with a key is read by check configs whatever this says) */
  commands: readonly SettingCommand[];
  /** text → value; throws a UsageError. `label` is the flag or null (config: the reader names the field) */
  parse(text: string, label: string | null): V;
  /** the value when not given (null: decided elsewhere, e.g. the scheme) */
  default: V | null;
  /** the default as the help shows it; generated from `default` where it is a duration */
  defaultText: string | null;
  help: string;
  /** the flag may be given more than once (-H, --resolve), the key may hold a list: the value is the list of parsed items */
  repeatable?: boolean;
}

/** `5s`, `500ms`, `15m`: a duration as a user would type it. */
export function durationText(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function bad(label: string | null, text: string, why: string, hint?: string): UsageError {
  return new UsageError(`bad ${label ?? 'value'} ${JSON.stringify(text)}: ${why}`, hint, 'CR_BAD_OPTION');
}

/** A whole number in [min, max]: the one integer-range check of every flag and key. */
export function intInRange(text: string, label: string | null, min: number, max: number): number {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw bad(label, text, `expected a whole number from ${min} to ${max}`);
  return n;
}

/** A duration of at least `minMs` (1 ms: positive). */
export function durationAtLeast(text: string, label: string | null, minMs = 1): number {
  const ms = parseDuration(text, label ?? undefined);
  if (ms < minMs) {
    if (minMs <= 1) throw new UsageError(`bad ${label ?? 'duration'} ${JSON.stringify(text)}: give a positive duration, e.g. 5s`, undefined, 'CR_BAD_DURATION');
    throw new UsageError(`${label ?? 'the duration'} must be at least ${durationText(minMs)}`, undefined, 'CR_BAD_DURATION');
  }
  return ms;
}

function bool(text: string, label: string | null): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const shown = /^-?\d+(\.\d+)?$/.test(text) ? text : JSON.stringify(text);
  throw new UsageError(`${label ? `bad ${label}: ` : ''}expected true or false, not ${shown}`, undefined, 'CR_BAD_OPTION');
}

function nonEmpty(text: string, label: string | null): string {
  if (text.trim() === '') throw bad(label, text, 'give a file name');
  return text;
}

type Row<V> = SettingRow<V>;
const row = <V, const I extends string = string>(r: Row<V> & { id: I }): Row<V> & { id: I } => r;
const positiveDuration = (text: string, label: string | null): number => durationAtLeast(text, label);

export const SETTINGS = [
  row({
    id: 'send',
    key: 'send',
    flags: '--send <payload>',
    commands: ['probe', 'idle'],
    // validated by the payload parser where it is loaded (src/probe/payload.ts): the run, and the config reader
    parse: (text) => text,
    default: null,
    defaultText: "what the scheme implies",
    help: 'what to send: none | http | text:STRING (\\r\\n escapes) | hex:BYTES | @FILE (up to 1 MiB) | zeros:SIZE (up to 256MiB, e.g. zeros:16MiB)',
  }),
  row({
    id: 'expect',
    key: null, // a config file says it as `expect: { reply: REGEX }` (src/check/config.ts), with this parser
    flags: '--expect <regex>',
    commands: ['probe'],
    parse: parsePattern,
    default: null,
    defaultText: null,
    help: 'the reply (or banner) must match this regular expression',
  }),
  row({
    id: 'idleMs',
    key: 'idle',
    flags: '--idle <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: null,
    defaultText: null,
    help: 'after the reply, hold the connection silent this long, then send again (e.g. 90s)',
  }),
  row({
    id: 'keepaliveMs',
    key: 'keepalive',
    flags: '--keepalive <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: null,
    defaultText: null,
    help: 'turn TCP keepalive on during the idle hold, first probe after this long (config: false turns it off)',
  }),
  row({
    id: 'connectTimeoutMs',
    key: 'connect_timeout',
    flags: '--connect-timeout <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: DEFAULTS.connectTimeoutMs,
    defaultText: durationText(DEFAULTS.connectTimeoutMs),
    help: 'give up connecting after this long',
  }),
  row({
    id: 'tlsTimeoutMs',
    key: 'tls_timeout',
    flags: '--tls-timeout <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: DEFAULTS.tlsTimeoutMs,
    defaultText: durationText(DEFAULTS.tlsTimeoutMs),
    help: 'give up on the TLS handshake after this long',
  }),
  row({
    id: 'bannerTimeoutMs',
    key: 'banner_timeout',
    flags: '--banner-timeout <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: null,
    defaultText: `${durationText(DEFAULTS.bannerTimeoutMs)} for servers that speak first, smtp:// ssh:// mysql://; otherwise 3 × the connect time, at least 25ms, which is the whole check when there is nothing to send`,
    help: 'wait up to this long for a banner (or an early close) before sending, whatever the scheme',
  }),
  row({
    id: 'replyTimeoutMs',
    key: 'reply_timeout',
    flags: '--reply-timeout <duration>',
    commands: ['probe'],
    parse: positiveDuration,
    default: DEFAULTS.replyTimeoutMs,
    defaultText: durationText(DEFAULTS.replyTimeoutMs),
    help: 'wait this long for the first byte of a reply',
  }),
  row({
    id: 'servername',
    key: 'servername',
    flags: '--servername <name>',
    commands: ['probe', 'idle'],
    parse: (text, label) => {
      if (text.trim() === '') throw bad(label, text, 'give a server name');
      return text;
    },
    default: null,
    defaultText: 'the host, when it is a name',
    help: 'TLS server name (SNI) to send',
  }),
  // TLS trust (src/probe/tls-trust.ts reads the files where the run starts; a config's paths are relative to it)
  row({
    id: 'insecure',
    key: 'insecure',
    flags: '-k, --insecure',
    commands: ['probe', 'check', 'idle'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'accept a TLS certificate that does not verify (self-signed, expired, another host); its facts are still shown',
  }),
  row({
    id: 'cacert',
    key: 'cacert',
    flags: '--cacert <file>',
    commands: ['probe', 'check', 'idle'],
    parse: nonEmpty,
    default: null,
    defaultText: 'the built-in CA store',
    help: 'trust the CA certificate(s) in this PEM file',
  }),
  row({
    id: 'cert',
    key: 'cert',
    flags: '--cert <file>',
    commands: ['probe', 'check', 'idle'],
    parse: nonEmpty,
    default: null,
    defaultText: null,
    help: 'client certificate (PEM) for servers that require one (mTLS); may hold the key too',
  }),
  row({
    id: 'key',
    key: 'key',
    flags: '--key <file>',
    commands: ['probe', 'check', 'idle'],
    parse: nonEmpty,
    default: null,
    defaultText: null,
    help: 'private key (PEM) of --cert',
  }),
  // HTTP request options, as curl spells them (src/probe/http-options.ts)
  row({
    id: 'headers',
    key: 'headers',
    flags: '-H, --header <header>',
    commands: ['probe'],
    parse: (text, label) => parseHeader(text, label ?? 'headers'),
    default: null,
    defaultText: null,
    help: 'add (or replace) an HTTP request header, "Name: value"; repeatable',
    repeatable: true,
  }),
  row({
    id: 'method',
    key: 'method',
    flags: '-X, --method <method>',
    commands: ['probe'],
    parse: (text, label) => parseMethod(text, label ?? 'method'),
    default: null,
    defaultText: 'GET, or POST with --data',
    help: 'HTTP request method',
  }),
  row({
    id: 'data',
    key: 'data',
    flags: '--data <data>',
    commands: ['probe'],
    // @FILE is read where the run starts (a config's path is relative to the config file)
    parse: (text) => text,
    default: null,
    defaultText: null,
    help: 'HTTP request body: a STRING or @FILE (up to 1 MiB); sends a POST unless -X says otherwise',
  }),
  row({
    id: 'expectStatus',
    key: 'expect_status',
    flags: '--expect-status <list>',
    commands: ['probe'],
    parse: (text, label) => parseStatusList(text, label ?? 'expect_status'),
    default: null,
    defaultText: null,
    help: 'the HTTP status must be one of these, e.g. 200-399 or 200,204,301-308; else expect_failed',
  }),
  row({
    id: 'resolve',
    key: 'resolve',
    flags: '--resolve <host:port:addr>',
    commands: ['probe'],
    parse: (text, label) => parseResolve(text, label ?? 'resolve'),
    default: null,
    defaultText: null,
    help: 'connect to ADDR for HOST:PORT, keeping the name for Host, SNI and the certificate (as curl); repeatable',
    repeatable: true,
  }),
  row({
    id: 'ipv4',
    key: null,
    flags: '-4, --ipv4',
    commands: ['probe', 'check', 'idle'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'use IPv4 addresses only',
  }),
  row({
    id: 'ipv6',
    key: null,
    flags: '-6, --ipv6',
    commands: ['probe', 'check', 'idle'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'use IPv6 addresses only',
  }),
  row({
    id: 'family',
    key: 'family',
    flags: null, // flags: -4 / -6
    commands: [],
    parse: (text, label) => {
      if (text.trim() === '4' || text.trim() === '6') return Number(text.trim()) as 4 | 6;
      throw bad(label, text, 'expected 4 or 6');
    },
    default: null,
    defaultText: null,
    help: 'IPv4 or IPv6 addresses only',
  }),
  row({
    id: 'allAddresses',
    key: 'all_addresses',
    flags: '--all-addresses',
    commands: ['probe', 'check'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'probe every address the name resolves to, one report (check: one row) each',
  }),
  row({
    id: 'repeat',
    key: 'repeat',
    flags: '--repeat <n>',
    commands: ['probe'],
    parse: (text, label) => intInRange(text, label, 1, MAX_REPEAT),
    default: 1,
    defaultText: null,
    help: 'probe N times: a line per attempt (connect and first-byte times), min/avg/max, and a summary (e.g. 3 of 20 runs failed, always after ~60 s idle)',
  }),
  row({
    id: 'intervalMs',
    key: 'interval',
    flags: '--interval <duration>',
    commands: ['probe'],
    parse: (text, label) => parseDuration(text, label ?? undefined),
    default: DEFAULT_INTERVAL_MS,
    defaultText: `${durationText(DEFAULT_INTERVAL_MS)}; check: 0`,
    help: 'time between the starts of repeated probes',
  }),
  row({
    id: 'followup',
    key: 'followup',
    flags: '--no-followup', // commander: `followup` is true unless the flag is given
    commands: ['probe', 'check'],
    parse: bool,
    default: true,
    defaultText: null,
    help: 'after a failure, do not run the follow-up experiments that tell its causes apart (they add up to ~2 s; config: followup: false)',
  }),
  row({
    id: 'locate',
    key: null,
    flags: '--locate',
    commands: ['probe', 'check'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'after an RST, a FIN without a reply or silence, find which hop sent it, even when the follow-ups would not (Linux; docs/locate.md)',
  }),
  row({
    id: 'locateTimeoutMs',
    key: null,
    flags: '--locate-timeout <duration>',
    commands: ['probe', 'check'],
    parse: positiveDuration,
    default: 2_000, // src/probe/locate.ts LOCATE_TIMEOUT_MS (not imported: flag parsing must not load the socket code)
    defaultText: '2s',
    help: 'time the locate experiment may take per failure (implies --locate)',
  }),
  // check's own flags
  row({
    id: 'concurrency',
    key: null,
    flags: '--concurrency <n>',
    commands: ['check'],
    parse: (text, label) => intInRange(text, label, 1, MAX_CONCURRENCY),
    default: 100,
    defaultText: '100; capped below the open-file limit',
    help: 'probes in flight at once',
  }),
  row({
    id: 'deadlineMs',
    key: null,
    flags: '--deadline <duration>',
    commands: ['check'],
    parse: (text, label) => durationAtLeast(text, label),
    default: null,
    defaultText: null,
    help: 'stop the whole run after this long; unfinished targets fail (e.g. 5m)',
  }),
  // idle's own flags (its limits have their own bounds and defaults: a resume needs a reply)
  row({
    id: 'maxMs',
    key: null,
    flags: '--max <duration>',
    commands: ['idle'],
    parse: (text, label) => {
      const ms = parseDuration(text, label ?? undefined);
      if (ms < IDLE_MIN_MAX_MS) throw new UsageError(`${label ?? 'max'} ${text} is too short`, 'the shortest silence tested is 0.5 s; use at least 1s');
      return ms;
    },
    default: 15 * 60_000,
    defaultText: '15m',
    help: 'longest silence to test',
  }),
  row({
    id: 'keepaliveCheck',
    key: null,
    flags: '--keepalive',
    commands: ['idle'],
    parse: bool,
    default: false,
    defaultText: null,
    help: 'then verify that the recommended TCP keepalive keeps a connection alive past the timeout',
  }),
  row({
    id: 'idleReplyTimeoutMs',
    key: null,
    flags: '--reply-timeout <duration>',
    commands: ['idle'],
    parse: (text, label) => durationAtLeast(text, label, IDLE_MIN_LIMIT_MS),
    default: 3_000,
    defaultText: '3s',
    help: 'silence after a resume that counts as dead',
  }),
  row({
    id: 'idleConnectTimeoutMs',
    key: null,
    flags: '--connect-timeout <duration>',
    commands: ['idle'],
    parse: (text, label) => durationAtLeast(text, label, IDLE_MIN_LIMIT_MS),
    default: DEFAULTS.connectTimeoutMs,
    defaultText: durationText(DEFAULTS.connectTimeoutMs),
    help: 'limit for each connect',
  }),
  row({
    id: 'connections',
    key: null,
    flags: '--connections <n>',
    commands: ['idle'],
    parse: (text, label) => intInRange(text, label, 2, 200),
    default: null,
    defaultText: 'one per rung, 35 for 15m',
    help: 'open at most N connections at once; fewer make the search coarser and slower',
  }),
] as const;

export type SettingId = (typeof SETTINGS)[number]['id'];
type RowOf<I extends SettingId> = Extract<(typeof SETTINGS)[number], { id: I }>;
export type SettingValue<I extends SettingId> = RowOf<I> extends SettingRow<infer V> ? V : never;
/** What a user gave, parsed; absent when not given. */
export type SettingValues = { [I in SettingId]?: SettingValue<I> };

/** The config keys a check file accepts in `defaults:` and per target, in table order. */
export const CONFIG_KEYS: readonly string[] = SETTINGS.flatMap((r) => (r.key === null ? [] : [r.key]));

export function settingByKey(key: string): SettingRow | undefined {
  return (SETTINGS as readonly SettingRow[]).find((r) => r.key === key);
}

/** A regular expression checked once: the source, if it compiles. */
export function parsePattern(text: string, label: string | null): string {
  const error = patternError(text);
  if (error !== null) {
    throw new UsageError(`bad ${label ?? 'pattern'} ${JSON.stringify(text)}: ${error}`, 'a JavaScript regular expression, e.g. "^HTTP/1\\.1 200"', 'CR_BAD_OPTION');
  }
  return text;
}

export function helpOf(r: SettingRow): string {
  return r.defaultText === null ? r.help : `${r.help} (default: ${r.defaultText})`;
}

function longFlag(r: SettingRow): string {
  return /--[a-z0-9-]+/.exec(r.flags ?? '')?.[0] ?? r.id;
}

/** Adds the command's rows as commander options (no commander defaults: the table's defaults apply after parsing). */
export function addSettingOptions(cmd: Command, command: SettingCommand): Command {
  for (const r of SETTINGS as readonly SettingRow[]) {
    if (r.flags === null || !r.commands.includes(command)) continue;
    const option = new Option(r.flags, helpOf(r));
    if (r.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    cmd.addOption(option);
  }
  return cmd;
}

/** -4 / -6 as the address family to connect with (null: whatever the name resolves to). */
export function familyFlag(v: { ipv4?: boolean | undefined; ipv6?: boolean | undefined }): 4 | 6 | null {
  if (v.ipv4 && v.ipv6) throw new UsageError('-4 and -6 exclude each other', 'give one, or neither to use what the name resolves to');
  return v.ipv4 ? 4 : v.ipv6 ? 6 : null;
}

/** Parses the flags commander collected for a command; each bad value is one UsageError naming its flag. */
export function readFlags(command: SettingCommand, opts: Readonly<Record<string, unknown>>): SettingValues {
  const out: Record<string, unknown> = {};
  for (const r of SETTINGS as readonly SettingRow[]) {
    if (r.flags === null || !r.commands.includes(command)) continue;
    const raw = opts[new Option(r.flags).attributeName()];
    if (raw === undefined) continue;
    out[r.id] = Array.isArray(raw) ? raw.map((item) => r.parse(String(item), longFlag(r))) : r.parse(typeof raw === 'boolean' ? String(raw) : String(raw), longFlag(r));
  }
  return out as SettingValues;
}
