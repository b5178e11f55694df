/**
 * The check configuration: a YAML (or JSON) file of targets with probe settings and expectations,
 * plus targets from arguments and stdin. Parsed with the `yaml` library's document API and a
 * LineCounter so that every schema error names file:line and the field. All errors of a file are
 * collected (a 10,000-target file with three bad entries reports all three) and thrown together
 * before anything is probed.
 */
import { readBounded } from '../bounded-read.js';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { requireLazily } from '../shared/lazy-require.js';
import type { Alias, Document, Node } from 'yaml';
import { ConfigError, ConnresetError, UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { OUTCOMES, isOutcome, type Outcome } from '../shared/outcome.js';
import type { Payload, ProbeOptions, Target, TlsTrust } from '../probe/types.js';
import { loadTlsTrust, type TlsTrustInput } from '../probe/tls-trust.js';
import { lookupWithOverrides, parseData, type ResolveEntry } from '../probe/http-options.js';
import { DEFAULT_EXPECTATION, IDLE_OUTCOMES, type Expectation, type TimeWindow } from './expectation.js';
import { CONFIG_KEYS, SETTINGS, type SettingId, type SettingRow } from './settings.js';
import { patternError } from '../pattern.js';
import { editDistance } from '../edit-distance.js';

/**
 * The yaml library, loaded the first time a config file is parsed: targets from stdin or the
 * arguments (a fleet list of 100,000 lines) need none of it, and it is most of the check
 * command's start-up. Its CommonJS build is what `import` loads under Node too.
 */
let yamlModule: typeof import('yaml') | null = null;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= requireLazily('yaml') as typeof import('yaml'));
}

export const DEFAULT_CONFIG_FILE = 'connreset.yml';

/** The target and payload parsers of the probe engine, injected so this module stays testable alone. */
export interface ConfigDeps {
  parseTarget(input: string): Target;
  parseSend(value: string): Payload;
}

export interface SourceRef {
  file: string;
  line: number;
}

/** One target to check, fully validated. */
export interface CheckSpec {
  /** display name: `name:` from the config, else the target as written (after env expansion, password redacted) */
  name: string;
  target: Target;
  /** passed to probeOptions(); only what the config set */
  options: Partial<ProbeOptions>;
  repeat: number;
  intervalMs: number;
  expectation: Expectation;
  source: SourceRef | null;
}

/** Every problem found in one input, each a ConfigError naming file:line and field. */
export class ConfigProblems extends UsageError {
  readonly problems: ConfigError[];
  constructor(problems: ConfigError[]) {
    const first = problems[0]?.message ?? 'invalid configuration';
    super(problems.length > 1 ? `${first} (and ${problems.length - 1} more problems)` : first, undefined, 'CR_CONFIG');
    this.name = 'ConfigProblems';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Probe settings a config may give in `defaults:` and per target: the settings table's keys, and the expectation. */
const SETTING_KEYS: readonly string[] = [...CONFIG_KEYS, 'expect'];
const TARGET_ONLY_KEYS = ['target', 'host', 'port', 'scheme', 'name'] as const;
// `modules:` is read by `connreset serve` (parseModules below); check ignores it
const TOP_KEYS = ['version', 'defaults', 'targets', 'modules'] as const;

interface Settings {
  options: Partial<ProbeOptions>;
  /** insecure / cacert / cert / key as written (paths resolved against the config's directory), merged key by key */
  tls?: TlsTrustInput;
  /** where the tls keys were written, for an error about them */
  tlsNode?: Node;
  /** resolve: HOST:PORT:ADDR entries (applied for the target's port when its spec is finished) */
  resolve?: ResolveEntry[];
  repeat?: number;
  intervalMs?: number;
  expectation?: Expectation;
}

/**
 * Aliases are resolved once, from an index built in one pass (yaml's Alias.resolve walks the
 * document on every call: 20,000 aliases took 19 s). The total they expand to, counted in nodes
 * with nested aliases expanded ("billion laughs"), is bounded like yaml's own maxAliasCount:
 * a config may alias a small `expect:` from 200,000 targets, not a large node thousands of times.
 */
const MAX_ALIAS_EXPANSION = 1_000_000;
/** Anchors that alias anchors that alias anchors…: deeper than this is an attack, not a config. */
const MAX_ALIAS_DEPTH = 64;
/** A config file larger than this is refused before it is parsed (a 200,000-target fleet is ~6 MB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/** Reads and parses a config file; a missing or unreadable file is a ConfigError (exit 2). */
export function loadConfigFile(path: string, deps: ConfigDeps, env: Env = process.env): CheckSpec[] {
  // bounded and type-checked: `check /dev/zero` is an error, `check <(generate)` reads the pipe
  const read = readBounded(path, { limit: MAX_CONFIG_BYTES, allowPipes: true });
  if (!read.ok) throw new ConfigProblems([new ConfigError(path, read.reason)]);
  return parseConfig(read.bytes.toString('utf8'), path, deps, env);
}

/** One `modules:` entry of a config file, for `connreset serve` (src/serve/config.ts). */
export interface ModuleEntry {
  name: string;
  options: Partial<ProbeOptions>;
  /** null when neither the module nor `defaults:` says `expect:` */
  expectation: Expectation | null;
  line: number;
  /** the keys the caller asked for, as plain data, with their line */
  extra: Map<string, { value: unknown; line: number }>;
}

export function parseModules(text: string, file: string, deps: ConfigDeps, extraKeys: readonly string[], env: Env = process.env): ModuleEntry[] {
  return new ConfigReader(text, file, deps, env).readModules(extraKeys);
}

export function parseConfig(text: string, file: string, deps: ConfigDeps, env: Env = process.env): CheckSpec[] {
  return new ConfigReader(text, file, deps, env).read();
}

class ConfigReader {
  private readonly lines = new (yaml().LineCounter)();
  private readonly problems: ConfigError[] = [];
  private doc!: Document.Parsed;
  /** each alias node -> the anchored node it refers to (the last one before it, as YAML says) */
  private readonly aliasTargets = new Map<Alias, Node>();
  private readonly baseDir: string;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly deps: ConfigDeps,
    private readonly env: Env,
  ) {
    this.baseDir = dirname(resolvePath(file));
  }

  read(): CheckSpec[] {
    this.doc = yaml().parseDocument(this.text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: true });
    for (const err of this.doc.errors) {
      this.problems.push(new ConfigError(this.file, err.message.split('\n')[0] ?? err.message, err.linePos?.[0].line));
    }
    if (this.problems.length > 0) throw new ConfigProblems(this.problems);
    this.indexAliases();
    if (this.problems.length > 0) throw new ConfigProblems(this.problems);

    const root = this.deref(this.doc.contents);
    let defaults: Settings = { options: {} };
    let targetsNode: Node | null = null;
    if (yaml().isSeq(root)) {
      targetsNode = root; // a bare list of targets is a config too
    } else if (yaml().isMap(root)) {
      const fields = this.fields(root, '', TOP_KEYS);
      const version = fields.get('version');
      if (version && !(yaml().isScalar(version.node) && String(version.node.value) === '1')) {
        this.problem(version.node, 'version', 'unsupported config version: this connreset reads version 1');
      }
      const d = fields.get('defaults');
      if (d) defaults = this.settings(d.node, 'defaults', false) ?? { options: {} };
      targetsNode = fields.get('targets')?.node ?? null;
      if (!targetsNode) this.problem(root, 'targets', 'missing: list the targets to check under `targets:`');
    } else if (root === null || (yaml().isScalar(root) && root.value === null)) {
      this.problems.push(new ConfigError(this.file, 'the file is empty: list the targets to check under `targets:`', 1));
    } else {
      this.problem(root, '', 'expected a mapping with `targets:` (or a list of targets)');
    }

    const specs: CheckSpec[] = [];
    if (targetsNode) {
      if (!yaml().isSeq(targetsNode)) {
        this.problem(targetsNode, 'targets', 'expected a list of targets');
      } else {
        if (targetsNode.items.length === 0) this.problem(targetsNode, 'targets', 'the list is empty');
        targetsNode.items.forEach((item, i) => {
          const spec = this.targetEntry(item as Node, `targets[${i}]`, defaults);
          if (spec) specs.push(spec);
        });
      }
    }
    if (this.problems.length > 0) throw new ConfigProblems(this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    return specs;
  }

  /**
   * `modules:` (connreset serve): each a name and a mapping of the settings `defaults:` takes,
   * merged over `defaults:`, plus the keys in `extraKeys` that the caller reads itself (as plain
   * data with their line). `targets:` is not required here.
   */
  readModules(extraKeys: readonly string[]): ModuleEntry[] {
    this.doc = yaml().parseDocument(this.text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: true });
    for (const err of this.doc.errors) {
      this.problems.push(new ConfigError(this.file, err.message.split('\n')[0] ?? err.message, err.linePos?.[0].line));
    }
    if (this.problems.length > 0) throw new ConfigProblems(this.problems);
    const root = this.deref(this.doc.contents);
    const out: ModuleEntry[] = [];
    if (!yaml().isMap(root)) {
      this.problem(root, '', 'expected a mapping with `modules:`');
      throw new ConfigProblems(this.problems);
    }
    const fields = this.fields(root, '', TOP_KEYS);
    const d = fields.get('defaults');
    const defaults: Settings = (d ? this.settings(d.node, 'defaults', false) : null) ?? { options: {} };
    const modules = fields.get('modules');
    if (modules && !yaml().isMap(modules.node)) this.problem(modules.node, 'modules', 'expected a mapping of module names to settings');
    else if (modules && yaml().isMap(modules.node)) {
      for (const [name, { node }] of this.fieldsQuiet(modules.node)) {
        const field = `modules.${name}`;
        if (!yaml().isMap(node)) {
          this.problem(node, field, 'expected a mapping of settings');
          continue;
        }
        const own = this.fields(node, field, [...SETTING_KEYS, ...extraKeys]);
        const s = this.settings(node, field, true);
        if (!s) continue;
        const expectation = s.expectation ?? defaults.expectation ?? null;
        const options: Partial<ProbeOptions> = { ...defaults.options, ...s.options };
        if (expectation && expectation.reply !== null) options.expect = expectation.reply;
        const idleProblem = idleConsistency(expectation ?? DEFAULT_EXPECTATION, options.idleMs ?? null);
        if (idleProblem) {
          this.problem(own.get('expect')?.node ?? node, `${field}.expect`, idleProblem);
          continue;
        }
        const extra = new Map<string, { value: unknown; line: number }>();
        for (const key of extraKeys) {
          const f = own.get(key);
          if (f) extra.set(key, { value: f.node.toJSON(), line: this.lineOf(f.node) });
        }
        out.push({ name, options, expectation, line: this.lineOf(node), extra });
      }
    }
    if (this.problems.length > 0) throw new ConfigProblems(this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    return out;
  }

  private targetEntry(raw: Node, field: string, defaults: Settings): CheckSpec | null {
    const node = this.deref(raw);
    const line = this.lineOf(node ?? raw);
    if (yaml().isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const input = this.expand(String(node.value), node, field);
      if (input === null) return null;
      const target = this.parseTargetAt(input, node, field);
      if (!target) return null;
      return this.finish(target, target.input, { ...defaults }, line, node, field);
    }
    if (!yaml().isMap(node)) {
      this.problem(node ?? raw, field, 'expected a target string or a mapping with `target:`');
      return null;
    }
    const fields = this.fields(node, field, [...TARGET_ONLY_KEYS, ...SETTING_KEYS]);
    const own = this.settings(node, field, true);
    const name = fields.get('name');
    const nameText = name ? this.stringAt(name.node, `${field}.name`) : null;

    const t = fields.get('target');
    const host = fields.get('host');
    const port = fields.get('port');
    const scheme = fields.get('scheme');
    let input: string | null = null;
    let targetNode: Node = node;
    let targetField = `${field}.target`;
    if (t) {
      if (host || port || scheme) this.problem(t.node, `${field}.target`, 'give either `target:` or `host:`/`port:`, not both');
      const s = this.stringAt(t.node, `${field}.target`);
      input = s === null ? null : this.expand(s, t.node, `${field}.target`);
      targetNode = t.node;
    } else if (host || port) {
      const h = host ? this.stringAt(host.node, `${field}.host`) : null;
      const hostText = h === null ? null : this.expand(h, host!.node, `${field}.host`);
      const portText = port ? this.portAt(port.node, `${field}.port`) : null;
      if (!host) this.problem(node, `${field}.host`, 'missing (with `port:` give `host:` too)');
      const schemeText = scheme ? this.stringAt(scheme.node, `${field}.scheme`) : null;
      // an entry that cannot form a target is an error, never dropped: `host:` alone has no port
      // unless a `scheme:` brings its default one (the target parser says when it does not)
      if (host && !port && schemeText === null) {
        this.problem(node, `${field}.port`, 'missing (with `host:` give `port:` too, or a `scheme:` such as https that has a default port)');
      }
      if (hostText !== null && (portText !== null || (!port && schemeText !== null))) {
        const bracketed = hostText.includes(':') && !hostText.startsWith('[') ? `[${hostText}]` : hostText;
        const hostPort = portText !== null ? `${bracketed}:${portText}` : bracketed;
        input = schemeText ? `${schemeText}://${hostPort}` : hostPort;
      }
      targetNode = (host ?? port)!.node;
      targetField = host ? `${field}.host` : `${field}.port`;
    } else {
      this.problem(node, `${field}.target`, 'missing: give `target: HOST:PORT` (or `host:` and `port:`)');
    }
    if (input === null || own === null) return null;
    const target = this.parseTargetAt(input, targetNode, targetField);
    if (!target) return null;
    const merged: Settings = {
      options: { ...defaults.options, ...own.options },
      ...(defaults.tls || own.tls ? { tls: { ...defaults.tls, ...own.tls }, tlsNode: own.tlsNode ?? defaults.tlsNode } : {}),
      ...(own.resolve || defaults.resolve ? { resolve: own.resolve ?? defaults.resolve } : {}),
      ...(defaults.options.http && own.options.http ? { options: { ...defaults.options, ...own.options, http: mergeHttp(defaults.options.http, own.options.http) } } : {}),
      repeat: own.repeat ?? defaults.repeat,
      intervalMs: own.intervalMs ?? defaults.intervalMs,
      expectation: own.expectation ?? defaults.expectation,
    };
    return this.finish(target, nameText ?? target.input, merged, line, fields.get('expect')?.node ?? node, field);
  }

  /** `expectNode` is where an inconsistency between the expectation and the idle hold is reported. */
  private finish(target: Target, name: string, s: Settings, line: number, expectNode: Node, field: string): CheckSpec | null {
    const expectation = s.expectation ?? DEFAULT_EXPECTATION;
    const options: Partial<ProbeOptions> = { ...s.options };
    if (expectation.reply !== null) options.expect = expectation.reply;
    if (s.resolve) {
      const lookup = lookupWithOverrides(s.resolve, target.port, options.lookup);
      if (lookup) options.lookup = lookup;
    }
    if (s.tls) {
      const trust = this.tlsTrust(s.tls, s.tlsNode ?? expectNode, field);
      if (trust === undefined) return null;
      if (trust) options.tlsTrust = trust;
    }
    const idleProblem = idleConsistency(expectation, options.idleMs ?? null);
    if (idleProblem) {
      this.problem(expectNode, `${field}.expect`, idleProblem);
      return null;
    }
    return {
      name,
      target,
      options,
      repeat: s.repeat ?? 1,
      intervalMs: s.intervalMs ?? 0,
      expectation,
      source: { file: this.file, line },
    };
  }

  /**
   * Reads the probe settings of a mapping (defaults or one target) through the settings table
   * (src/check/settings.ts), the parsers the flags use. Returns null if any was bad.
   */
  private settings(raw: Node, field: string, isTarget: boolean): Settings | null {
    const node = this.deref(raw);
    if (!yaml().isMap(node)) {
      this.problem(node ?? raw, field, 'expected a mapping of settings');
      return null;
    }
    const fields = isTarget ? this.fieldsQuiet(node) : this.fields(node, field, SETTING_KEYS);
    const out: Settings = { options: {} };
    let ok = true;
    for (const r of SETTINGS as readonly SettingRow[]) {
      const f = r.key === null ? undefined : fields.get(r.key);
      if (!f) continue;
      const at = `${field}.${r.key}`;
      // `keepalive: false` (or empty) turns keepalive off for a target whose defaults set it
      if (r.id === 'keepaliveMs' && yaml().isScalar(f.node) && (f.node.value === false || f.node.value === null)) {
        out.options.keepaliveMs = null;
        continue;
      }
      // a repeatable setting (headers, resolve) takes a list, or one value
      const items = r.repeatable && yaml().isSeq(this.deref(f.node)) ? ((this.deref(f.node) as { items: Node[] }).items) : null;
      if (items) {
        const values = items.map((item) => {
          const t = this.sourceText(item, at);
          return t === null ? null : this.parsedAt(() => r.parse(t, null), item, at);
        });
        if (values.some((x) => x === null) || !this.apply(out, r.id as SettingId, values, f.node, at)) ok = false;
        continue;
      }
      const text = this.sourceText(f.node, at);
      const parsed = text === null ? null : this.parsedAt(() => r.parse(text, null), f.node, at);
      const value = r.repeatable && parsed !== null ? [parsed] : parsed;
      if (value === null || !this.apply(out, r.id as SettingId, value, f.node, at)) ok = false;
    }
    const exp = fields.get('expect');
    if (exp) {
      const e = this.expectationAt(exp.node, `${field}.expect`);
      if (e === null) ok = false;
      else out.expectation = e;
    }
    return ok ? out : null;
  }

  /** Puts a parsed setting where the probe (or the check's repeat loop) reads it. */
  private apply(out: Settings, id: SettingId, value: unknown, node: Node, at: string): boolean {
    switch (id) {
      case 'send': {
        const payload = this.parseSendAt(value as string, node, at);
        if (payload === null) return false;
        out.options.payload = payload;
        return true;
      }
      case 'servername': {
        const v = this.expand(value as string, node, at);
        if (v === null) return false;
        out.options.servername = v;
        return true;
      }
      case 'repeat':
        out.repeat = value as number;
        return true;
      case 'intervalMs':
        out.intervalMs = value as number;
        return true;
      case 'insecure':
        out.tls = { ...out.tls, insecure: value as boolean };
        out.tlsNode = node;
        return true;
      case 'cacert':
      case 'cert':
      case 'key': {
        const v = this.expand(value as string, node, at);
        if (v === null) return false;
        out.tls = { ...out.tls, [id]: isAbsolute(v) ? v : resolvePath(this.baseDir, v) };
        out.tlsNode = node;
        return true;
      }
      case 'headers':
        out.options.http = { method: null, body: null, ...out.options.http, headers: value as [string, string][] };
        return true;
      case 'method':
        out.options.http = { headers: [], body: null, ...out.options.http, method: value as string };
        return true;
      case 'data': {
        const body = this.parsedAt(() => parseData(value as string, 'data', (p) => (isAbsolute(p) ? p : resolvePath(this.baseDir, p))), node, at);
        if (body === null) return false;
        out.options.http = { headers: [], method: null, ...out.options.http, body };
        return true;
      }
      case 'expectStatus':
        out.options.expectStatus = value as ProbeOptions['expectStatus'];
        return true;
      case 'resolve':
        out.resolve = value as ResolveEntry[];
        return true;
      case 'idleMs':
      case 'keepaliveMs':
      case 'connectTimeoutMs':
      case 'tlsTimeoutMs':
      case 'bannerTimeoutMs':
      case 'replyTimeoutMs':
      case 'family':
      case 'allAddresses':
      case 'followup':
        (out.options as Record<string, unknown>)[id] = value;
        return true;
      default:
        throw new Error(`settings row ${id} has a config key but no place in the probe options`);
    }
  }

  /**
   * A scalar as the user wrote it: a plain scalar's source text (so `repeat: 1e2` is the text
   * "1e2", refused as on the command line, not the number 100 YAML makes of it), a quoted one's value.
   */
  private sourceText(raw: Node, field: string): string | null {
    const node = this.deref(raw);
    if (yaml().isScalar(node) && ['string', 'number', 'boolean'].includes(typeof node.value)) {
      if (node.type === 'PLAIN' && node.range) return this.text.slice(node.range[0], node.range[1]).trim();
      return String(node.value);
    }
    this.problem(node ?? raw, field, 'expected a single value, not a list or a mapping');
    return null;
  }

  private expectationAt(raw: Node, field: string): Expectation | null {
    const node = this.deref(raw);
    if (yaml().isScalar(node) || yaml().isSeq(node)) {
      const outcomes = this.outcomesAt(node, field);
      return outcomes === null ? null : { outcomes, idleWindow: null, reply: null };
    }
    if (!yaml().isMap(node)) {
      this.problem(node ?? raw, field, 'expected an outcome, a list of outcomes, or a mapping with outcome/within/reply');
      return null;
    }
    const fields = this.fields(node, field, ['outcome', 'within', 'reply']);
    let ok = true;
    let outcomes: Outcome[] = [];
    const o = fields.get('outcome');
    if (o) {
      const v = this.outcomesAt(o.node, `${field}.outcome`);
      if (v === null) ok = false;
      else outcomes = v;
    }
    let idleWindow: TimeWindow | null = null;
    const w = fields.get('within');
    if (w) {
      idleWindow = this.windowAt(w.node, `${field}.within`);
      if (idleWindow === null) ok = false;
      else if (outcomes.length === 0 || !outcomes.every((x) => (IDLE_OUTCOMES as readonly string[]).includes(x))) {
        this.problem(w.node, `${field}.within`, `a time window applies to ${IDLE_OUTCOMES.join(' or ')}: set \`outcome:\` to one of them`);
        ok = false;
      }
    }
    let reply: string | null = null;
    const r = fields.get('reply');
    if (r) {
      reply = this.stringAt(r.node, `${field}.reply`);
      const error = reply === null ? null : patternError(reply);
      if (error !== null) this.problem(r.node, `${field}.reply`, `not a valid regular expression: ${error}`);
      if (reply === null || error !== null) ok = false;
    }
    if (ok && outcomes.length === 0 && reply === null) {
      this.problem(node, field, 'give `outcome:` or `reply:`');
      ok = false;
    }
    return ok ? { outcomes, idleWindow, reply } : null;
  }

  private outcomesAt(raw: Node, field: string): Outcome[] | null {
    const node = this.deref(raw);
    const items: Node[] = yaml().isSeq(node) ? (node.items as Node[]) : [node as Node];
    if (items.length === 0) {
      this.problem(node as Node, field, 'the list of outcomes is empty');
      return null;
    }
    const out: Outcome[] = [];
    let ok = true;
    for (const itemRaw of items) {
      const item = this.deref(itemRaw);
      const v = yaml().isScalar(item) && typeof item.value === 'string' ? item.value.trim() : null;
      if (v !== null && isOutcome(v)) out.push(v);
      else {
        const guess = v === null ? undefined : didYouMean(v, OUTCOMES);
        this.problem(item ?? itemRaw, field, `unknown outcome ${JSON.stringify(v ?? toText(item))}${guess ? ` (did you mean ${guess}?)` : ''}; outcomes: ${OUTCOMES.join(', ')}`);
        ok = false;
      }
    }
    return ok ? out : null;
  }

  /** `55s..65s`, `65s` (at most), or `{ min: 55s, max: 65s }` */
  private windowAt(raw: Node, field: string): TimeWindow | null {
    const node = this.deref(raw);
    let min: number | null = 0;
    let max: number | null = null;
    if (yaml().isMap(node)) {
      const f = this.fields(node, field, ['min', 'max']);
      const mn = f.get('min');
      const mx = f.get('max');
      if (mn) min = this.durationAt(mn.node, `${field}.min`);
      if (!mx) {
        this.problem(node, `${field}.max`, 'missing');
        return null;
      }
      max = this.durationAt(mx.node, `${field}.max`);
    } else if (yaml().isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const text = String(node.value);
      const parts = text.split('..');
      try {
        if (parts.length === 2) {
          min = parseDuration(parts[0] ?? '');
          max = parseDuration(parts[1] ?? '');
        } else if (parts.length === 1) {
          max = parseDuration(text);
        } else throw new Error('bad window');
      } catch {
        this.problem(node, field, `bad time window ${JSON.stringify(text)}: use MIN..MAX (e.g. 55s..65s) or a maximum (e.g. 65s)`);
        return null;
      }
    } else {
      this.problem(node ?? raw, field, 'expected a time window: MIN..MAX (e.g. 55s..65s) or a maximum');
      return null;
    }
    if (min === null || max === null) return null;
    if (min > max) {
      this.problem(node as Node, field, 'the window ends before it starts');
      return null;
    }
    return { minMs: min, maxMs: max };
  }

  private durationAt(raw: Node, field: string): number | null {
    const node = this.deref(raw);
    if (yaml().isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      try {
        return parseDuration(String(node.value));
      } catch {
        this.problem(node, field, `bad duration ${JSON.stringify(String(node.value))}: use a number with a unit, e.g. 500ms, 5s, 2m`);
        return null;
      }
    }
    this.problem(node ?? raw, field, 'expected a duration such as 500ms, 5s or 2m');
    return null;
  }

  private portAt(raw: Node, field: string): string | null {
    const node = this.deref(raw);
    if (!yaml().isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      this.problem(node ?? raw, field, 'expected a port number (1-65535)');
      return null;
    }
    const text = this.expand(String(node.value), node, field);
    if (text === null) return null;
    if (!/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535) {
      this.problem(node, field, `bad port ${JSON.stringify(text)}: expected a number from 1 to 65535`);
      return null;
    }
    return text.trim();
  }

  private stringAt(raw: Node, field: string): string | null {
    const node = this.deref(raw);
    if (yaml().isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
    this.problem(node ?? raw, field, 'expected a string');
    return null;
  }

  private parseTargetAt(input: string, node: Node, field: string): Target | null {
    return this.parsedAt(() => this.deps.parseTarget(input), node, field);
  }

  private parseSendAt(value: string, node: Node, field: string): Payload | null {
    // a payload file is relative to the config file, not to wherever the CI job's shell happens to be
    const v = value.startsWith('@') && !isAbsolute(value.slice(1)) ? `@${resolvePath(this.baseDir, value.slice(1))}` : value;
    return this.parsedAt(() => this.deps.parseSend(v), node, field);
  }

  /** A parser's bad-input error becomes a problem at the node; anything else is a bug and propagates. */
  private parsedAt<T>(parse: () => T, node: Node, field: string): T | null {
    try {
      return parse();
    } catch (error) {
      if (error instanceof ConnresetError) {
        this.problem(node, field, withHint(error));
        return null;
      }
      throw error;
    }
  }

  private expand(text: string, node: Node, field: string): string | null {
    const r = expandEnv(text, this.env);
    if (typeof r === 'string') return r;
    this.problem(node, field, r.error);
    return null;
  }

  /** The pairs of a mapping by key; unknown keys are problems (with a did-you-mean). */
  private fields(node: Node, field: string, allowed: readonly string[]): Map<string, { node: Node; keyNode: Node }> {
    const out = this.fieldsQuiet(node);
    for (const [key, v] of out) {
      if (!allowed.includes(key)) {
        const guess = didYouMean(key, allowed);
        this.problem(v.keyNode, field ? `${field}.${key}` : key, `unknown field${guess ? ` (did you mean ${guess}?)` : ''}; allowed: ${allowed.join(', ')}`);
      }
    }
    return out;
  }

  private fieldsQuiet(node: Node): Map<string, { node: Node; keyNode: Node }> {
    const out = new Map<string, { node: Node; keyNode: Node }>();
    if (!yaml().isMap(node)) return out;
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const key = yaml().isScalar(keyNode) ? String(keyNode.value) : toText(keyNode);
      const valueNode = (pair.value as Node | null) ?? keyNode;
      out.set(key, { node: (this.deref(valueNode) ?? valueNode) as Node, keyNode });
    }
    return out;
  }

  private deref(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let hops = 0; n && yaml().isAlias(n) && hops <= MAX_ALIAS_DEPTH; hops++) n = this.aliasTargets.get(n);
    return n && !yaml().isAlias(n) ? n : null;
  }

  /**
   * One pass over the document in order: every alias is mapped to its anchor, and the size of
   * what the aliases expand to is added up (memoised per anchor, nested aliases expanded). An
   * unknown anchor, an alias inside its own anchor, nesting deeper than MAX_ALIAS_DEPTH or an
   * expansion over MAX_ALIAS_EXPANSION is one problem, found before any field is read.
   */
  private indexAliases(): void {
    const anchors = new Map<string, Node>();
    const order: Node[] = [];
    const stack: unknown[] = [this.doc.contents];
    while (stack.length > 0) {
      const n = stack.pop();
      if (yaml().isPair(n)) {
        stack.push(n.value, n.key); // key first, in document order
        continue;
      }
      if (!n || typeof n !== 'object' || !('range' in n || yaml().isAlias(n) || yaml().isCollection(n) || yaml().isScalar(n))) continue;
      const node = n as Node;
      order.push(node);
      if (yaml().isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) return this.problem(node, '', `unknown alias *${node.source}: its anchor &${node.source} must come before it`);
        this.aliasTargets.set(node, target);
      } else {
        if (node.anchor) anchors.set(node.anchor, node);
        if (yaml().isCollection(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      }
    }
    const sizes = new Map<Node, number>();
    const inProgress = new Set<Node>();
    let total = 0;
    const sizeOf = (root: Node, depth: number): number | string => {
      const memo = sizes.get(root);
      if (memo !== undefined) return memo;
      if (inProgress.has(root)) return 'an alias refers to the node that holds it';
      if (depth > MAX_ALIAS_DEPTH) return `aliases nested more than ${MAX_ALIAS_DEPTH} deep`;
      inProgress.add(root);
      let size = 0;
      const walk: unknown[] = [root];
      while (walk.length > 0) {
        const n = walk.pop();
        if (yaml().isPair(n)) {
          walk.push(n.key, n.value);
          continue;
        }
        if (yaml().isAlias(n)) {
          const inner = sizeOf(this.aliasTargets.get(n)!, depth + 1);
          if (typeof inner === 'string') return inner;
          size += inner;
        } else if (yaml().isCollection(n)) {
          size += 1;
          for (const item of n.items) walk.push(item);
        } else if (n) size += 1;
        if (size > MAX_ALIAS_EXPANSION) return `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes`;
      }
      inProgress.delete(root);
      sizes.set(root, size);
      return size;
    };
    for (const node of order) {
      if (!yaml().isAlias(node)) continue;
      const size = sizeOf(this.aliasTargets.get(node)!, 1);
      total += typeof size === 'string' ? 0 : size;
      const why = typeof size === 'string' ? size : total > MAX_ALIAS_EXPANSION ? `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes in all` : null;
      if (why) return this.problem(node, '', `${why}: write the values out, or alias smaller nodes`);
    }
  }

  private lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  private readonly trustCache = new Map<string, TlsTrust | null>();

  /** The files are read and checked once per combination, not once per target. undefined: a problem was reported. */
  private tlsTrust(input: TlsTrustInput, node: Node, field: string): TlsTrust | null | undefined {
    const key = JSON.stringify(input);
    if (this.trustCache.has(key)) return this.trustCache.get(key);
    try {
      const trust = loadTlsTrust(input, (option) => option);
      this.trustCache.set(key, trust);
      return trust;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.problem(node, field, error.message);
      return undefined;
    }
  }

  private problem(node: Node | null | undefined, field: string, message: string): void {
    this.problems.push(new ConfigError(this.file, message, this.lineOf(node), field || undefined));
  }
}

/** An expectation of an idle outcome needs an idle hold long enough to see the whole window. */
function idleConsistency(exp: Expectation, idleMs: number | null): string | null {
  const wantsIdle = exp.outcomes.length > 0 && exp.outcomes.every((o) => (IDLE_OUTCOMES as readonly string[]).includes(o));
  if (!wantsIdle) return null;
  if (idleMs === null) return `expecting ${exp.outcomes.join('|')} needs an idle hold: set \`idle:\` (e.g. idle: 90s)`;
  if (exp.idleWindow && idleMs < exp.idleWindow.maxMs) {
    return `the idle hold (idle: ${idleMs} ms) ends before the window does (${exp.idleWindow.maxMs} ms): make \`idle:\` at least the window's end`;
  }
  return null;
}

/**
 * Expands `${NAME}` and `${NAME:-default}` (default when unset or empty, as in the shell); `$$` is a
 * literal `$`. An unset variable without a default is an error, never an empty host.
 */
export function expandEnv(text: string, env: Env): string | { error: string } {
  // most targets name no variable: no copy, character by character, of 100,000 lines
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next !== '{') {
      out += c;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) return { error: `unclosed \${ in ${JSON.stringify(text)}` };
    const body = text.slice(i + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(body);
    if (!m) return { error: `bad variable reference \${${body}}: use \${NAME} or \${NAME:-default}` };
    const name = m[1]!;
    const value = env[name];
    if (value !== undefined && value !== '') out += value;
    else if (m[2] !== undefined) out += m[2];
    else return { error: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)` };
    i = end;
  }
  return out;
}

/**
 * Targets given one per line (stdin, `-`): `TARGET [OUTCOME[,OUTCOME...]]`, `#` comments and blank
 * lines ignored. `source` names the input in errors (`<stdin>`).
 */
export function parseTargetLines(
  text: string,
  source: string,
  deps: ConfigDeps,
  defaultExpectation: Expectation = DEFAULT_EXPECTATION,
  env: Env = process.env,
): CheckSpec[] {
  const problems: ConfigError[] = [];
  const specs: CheckSpec[] = [];
  const lines = text.split(/\r?\n/);
  // a fleet list repeats a few outcome lists: one expectation object per list, not per line
  const shared = sharedParts(defaultExpectation);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // indexes, not `[first, second, ...rest] =`: a rest pattern walks the iterator protocol, per line
    const words = line.split(/\s+/);
    if (words.length > 2) {
      problems.push(new ConfigError(source, 'expected `TARGET [OUTCOME[,OUTCOME]]` on a line', i + 1));
      return;
    }
    const spec = specFromText(words[0]!, words[1], deps, shared, env, { file: source, line: i + 1 }, problems);
    if (spec) specs.push(spec);
  });
  if (problems.length > 0) throw new ConfigProblems(problems);
  return specs;
}

/** Targets given as command-line arguments, each with the default expectation. */
export function specsFromArgs(args: string[], deps: ConfigDeps, expectation: Expectation = DEFAULT_EXPECTATION, env: Env = process.env): CheckSpec[] {
  const problems: ConfigError[] = [];
  const specs: CheckSpec[] = [];
  const shared = sharedParts(expectation);
  args.forEach((arg, i) => {
    const spec = specFromText(arg, undefined, deps, shared, env, null, problems, `argument ${i + 1}`);
    if (spec) specs.push(spec);
  });
  if (problems.length > 0) throw new ConfigProblems(problems);
  return specs;
}

/**
 * What the targets of one list (stdin, the arguments) share: their options (none of their own),
 * the default expectation, and one expectation per distinct outcome list.
 */
interface SharedParts {
  options: Partial<ProbeOptions>;
  defaultExpectation: Expectation;
  byOutcomes: Map<string, Expectation>;
}

function sharedParts(defaultExpectation: Expectation): SharedParts {
  return { options: {}, defaultExpectation, byOutcomes: new Map() };
}

function specFromText(
  targetText: string,
  outcomesText: string | undefined,
  deps: ConfigDeps,
  shared: SharedParts,
  env: Env,
  source: SourceRef | null,
  problems: ConfigError[],
  label?: string,
): CheckSpec | null {
  const where = source?.file ?? label ?? 'arguments';
  const expanded = expandEnv(targetText, env);
  if (typeof expanded !== 'string') {
    problems.push(new ConfigError(where, expanded.error, source?.line));
    return null;
  }
  let expectation = shared.defaultExpectation;
  if (outcomesText !== undefined) {
    const known = shared.byOutcomes.get(outcomesText);
    if (known) expectation = known;
    else {
      const parsed = parseOutcomeList(outcomesText);
      if (typeof parsed === 'string') {
        problems.push(new ConfigError(where, parsed, source?.line));
        return null;
      }
      expectation = { outcomes: parsed, idleWindow: null, reply: null };
      shared.byOutcomes.set(outcomesText, expectation);
    }
  }
  const idleProblem = idleConsistency(expectation, null);
  if (idleProblem) {
    problems.push(new ConfigError(where, `${idleProblem.split(':')[0]}: use a config file with \`idle:\``, source?.line));
    return null;
  }
  try {
    const target = deps.parseTarget(expanded);
    return { name: target.input, target, options: shared.options, repeat: 1, intervalMs: 0, expectation, source };
  } catch (error) {
    if (!(error instanceof ConnresetError)) throw error;
    problems.push(new ConfigError(where, withHint(error), source?.line));
    return null;
  }
}

/** `ok` or `refused,connect_timeout`; returns an error sentence for an unknown outcome. */
export function parseOutcomeList(text: string): Outcome[] | string {
  const out: Outcome[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (isOutcome(part)) out.push(part);
    else {
      const guess = didYouMean(part, OUTCOMES);
      return `unknown outcome ${JSON.stringify(part)}${guess ? ` (did you mean ${guess}?)` : ''}; outcomes: ${OUTCOMES.join(', ')}`;
    }
  }
  if (out.length === 0) return 'no outcome given';
  return out;
}

function withHint(error: ConnresetError): string {
  const hint = 'hint' in error && typeof error.hint === 'string' && error.hint ? ` (${error.hint})` : '';
  return `${error.message}${hint}`;
}

function toText(node: unknown): string {
  return node === null || node === undefined ? 'null' : String(node);
}

/** The closest allowed word within a small edit distance, for "did you mean" hints. */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const w = word.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(w, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}

/** defaults: and a target both shaping the HTTP request: the target's method and body win, headers add up (the target's last). */
function mergeHttp(base: NonNullable<ProbeOptions['http']>, own: NonNullable<ProbeOptions['http']>): NonNullable<ProbeOptions['http']> {
  return { method: own.method ?? base.method, body: own.body ?? base.body, headers: [...base.headers, ...own.headers] };
}
