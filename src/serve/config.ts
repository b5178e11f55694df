/**
 * The exporter's modules: named probe profiles in the same config file `check` reads, under
 * `modules:`. Each takes the settings of `defaults:` (send, timeouts, expect...; read by check's
 * own reader, so the keys and their errors are the same) plus `allow:`, the targets it may probe.
 *
 *   modules:
 *     tcp:
 *       connect_timeout: 2s
 *       allow: { cidrs: [127.0.0.0/8], ports: [5432] }
 *     http:
 *       send: http
 *       expect: ok
 *       allow: { hosts: ["*.svc.cluster.local"] }
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { ConfigProblems, parseModules, type ConfigDeps } from '../check/config.js';
import { describeExpectation, type Expectation } from '../check/expectation.js';
import type { ProbeOptions } from '../probe/types.js';
import { ALLOW_NOTHING, parseAllow, type AllowList } from './allow.js';

export interface Module {
  name: string;
  options: Partial<ProbeOptions>;
  /**
   * what probe_success means: the module's `expect:` (as check reads it), or null: a healthy
   * outcome by the diagnosis (ok, and the benign warnings such as a close after a complete reply,
   * which is what blackbox's http_2xx calls a success too)
   */
  expectation: Expectation | null;
  allow: AllowList;
}

/** Used when the config has no `modules:` (or there is no config file): default settings, allows nothing. */
export const DEFAULT_MODULE_NAME = 'default';

export interface ServeConfig {
  /** the file read, or null when none was */
  file: string | null;
  modules: ReadonlyMap<string, Module>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function defaultModule(): Module {
  return { name: DEFAULT_MODULE_NAME, options: {}, expectation: null, allow: ALLOW_NOTHING };
}

export function parseServeConfig(text: string, file: string, deps: ConfigDeps, env: Env = process.env): ServeConfig {
  const entries = parseModules(text, file, deps, ['allow'], env);
  const problems: ConfigError[] = [];
  const modules = new Map<string, Module>();
  for (const entry of entries) {
    const allowed = entry.extra.get('allow');
    let allow = ALLOW_NOTHING;
    if (allowed) {
      const parsed = parseAllow(allowed.value);
      for (const p of parsed.problems) problems.push(new ConfigError(file, p, allowed.line, `modules.${entry.name}`));
      allow = parsed.list;
    }
    modules.set(entry.name, { name: entry.name, options: entry.options, expectation: entry.expectation, allow });
  }
  if (problems.length > 0) throw new ConfigProblems(problems);
  if (modules.size === 0) modules.set(DEFAULT_MODULE_NAME, defaultModule());
  return { file, modules };
}

/** A missing file is an error only when the user named it; the default name may be absent. */
export function loadServeConfig(path: string, explicit: boolean, deps: ConfigDeps, env: Env = process.env): ServeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return { file: null, modules: new Map([[DEFAULT_MODULE_NAME, defaultModule()]]) };
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`;
    throw new ConfigProblems([new ConfigError(path, why)]);
  }
  return parseServeConfig(text, path, deps, env);
}

/** For people: what probe_success means for this module. */
export function describeModuleExpectation(module: Module): string {
  return module.expectation ? describeExpectation(module.expectation) : 'a healthy outcome';
}
