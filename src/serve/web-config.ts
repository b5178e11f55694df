/**
 * TLS and basic auth for the exporter, read from a web configuration file in the Prometheus
 * exporter-toolkit format (the `--web.config.file` of node_exporter and blackbox_exporter), so a
 * file written for those works here:
 *
 *   tls_server_config:
 *     cert_file: server.crt
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # optional, with client_ca_file
 *     client_ca_file: ca.crt
 *     min_version: TLS12                              # TLS10..TLS13
 *   basic_auth_users:
 *     prometheus: $2y$10$...                          # bcrypt hash (htpasswd -nBC 10 "" | tr -d ':\n')
 *
 * Paths are relative to the file. Keys the toolkit has and this server does not implement
 * (cipher_suites, http_server_config...) are errors, not silently ignored: a setting someone relies
 * on for security must not be dropped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { ConfigProblems } from '../check/config.js';

export interface TlsServerConfig {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | null;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

export interface WebConfig {
  tls: TlsServerConfig | null;
  /** user -> bcrypt hash; empty = no authentication */
  users: ReadonlyMap<string, string>;
}

export const NO_WEB_CONFIG: WebConfig = { tls: null, users: new Map() };

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
const CLIENT_AUTH = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;

export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigProblems([new ConfigError(path, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`)]);
  }
  return parseWebConfig(text, path);
}

export function parseWebConfig(text: string, file: string): WebConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: ConfigError[] = [];
  for (const err of doc.errors) problems.push(new ConfigError(file, err.message.split('\n')[0] ?? err.message, err.linePos?.[0].line));
  if (problems.length > 0) throw new ConfigProblems(problems);
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  const lineOf = (...path: string[]): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : undefined;
  };
  const problem = (field: string, message: string, ...path: string[]): void => {
    problems.push(new ConfigError(file, message, lineOf(...(path.length > 0 ? path : field.split('.'))), field));
  };
  if (root === null || root === undefined) return NO_WEB_CONFIG;
  if (!isRecord(root)) throw new ConfigProblems([new ConfigError(file, 'expected a mapping (tls_server_config, basic_auth_users)', 1)]);
  for (const key of Object.keys(root)) {
    if (key !== 'tls_server_config' && key !== 'basic_auth_users') problem(key, 'not supported by connreset serve; supported: tls_server_config, basic_auth_users');
  }
  const base = dirname(resolvePath(file));
  const read = (field: string, value: unknown): Buffer | null => {
    if (typeof value !== 'string' || value === '') {
      problem(field, 'expected a file path');
      return null;
    }
    try {
      return readFileSync(resolvePath(base, value));
    } catch (error) {
      problem(field, `cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return null;
    }
  };

  let tls: TlsServerConfig | null = null;
  const t = root.tls_server_config;
  if (t !== undefined && t !== null) {
    if (!isRecord(t)) problem('tls_server_config', 'expected a mapping');
    else {
      const known = ['cert_file', 'key_file', 'client_ca_file', 'client_auth_type', 'min_version'];
      for (const key of Object.keys(t)) {
        if (!known.includes(key)) problem(`tls_server_config.${key}`, `not supported by connreset serve; supported: ${known.join(', ')}`, 'tls_server_config', key);
      }
      const cert = read('tls_server_config.cert_file', t.cert_file);
      const key = read('tls_server_config.key_file', t.key_file);
      const ca = t.client_ca_file === undefined ? null : read('tls_server_config.client_ca_file', t.client_ca_file);
      const auth = t.client_auth_type ?? (ca ? 'RequireAndVerifyClientCert' : 'NoClientCert');
      if (!CLIENT_AUTH.includes(auth as (typeof CLIENT_AUTH)[number])) problem('tls_server_config.client_auth_type', `expected one of ${CLIENT_AUTH.join(', ')}`);
      const verifies = auth === 'RequireAndVerifyClientCert' || auth === 'VerifyClientCertIfGiven';
      if (verifies && !ca) problem('tls_server_config.client_ca_file', `client_auth_type ${String(auth)} needs client_ca_file`, 'tls_server_config');
      const mv = t.min_version ?? 'TLS12';
      const minVersion = TLS_VERSIONS[mv as keyof typeof TLS_VERSIONS];
      if (!minVersion) problem('tls_server_config.min_version', `expected one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
      if (cert && key && minVersion) {
        tls = {
          cert,
          key,
          ca,
          requestCert: auth !== 'NoClientCert',
          // RequireAnyClientCert / RequestClientCert ask for a certificate without verifying it
          rejectUnauthorized: auth === 'RequireAndVerifyClientCert',
          minVersion,
        };
      }
    }
  }
  const users = new Map<string, string>();
  const u = root.basic_auth_users;
  if (u !== undefined && u !== null) {
    if (!isRecord(u)) problem('basic_auth_users', 'expected a mapping of user names to bcrypt hashes');
    else {
      for (const [user, hash] of Object.entries(u)) {
        if (typeof hash !== 'string' || !/^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash)) {
          problem(`basic_auth_users.${user}`, 'expected a bcrypt hash ($2y$10$...; make one with htpasswd -nBC 10 "" | tr -d \':\\n\')', 'basic_auth_users', user);
        } else users.set(user, hash);
      }
    }
  }
  if (problems.length > 0) throw new ConfigProblems(problems);
  return { tls, users };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Checks an Authorization header against the users. bcrypt is slow on purpose (tens of ms at cost
 * 10), and Prometheus sends the same credentials every scrape, so a verified pair is remembered by
 * its SHA-256 (as exporter-toolkit caches it); a wrong pair is checked every time.
 */
export class BasicAuth {
  private readonly verified = new Set<string>();
  private static readonly MAX_CACHED = 1024;

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  get enabled(): boolean {
    return this.users.size > 0;
  }

  async check(header: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
    if (!m) return false;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this.users.get(user);
    const key = createHash('sha256').update(`${user}\u0000${password}\u0000${hash ?? ''}`).digest('hex');
    if (hash && this.verified.has(key)) return true;
    const { default: bcrypt } = await import('bcryptjs');
    // an unknown user still costs one comparison, so timing does not tell which users exist
    const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    if (ok && hash) {
      if (this.verified.size >= BasicAuth.MAX_CACHED) this.verified.clear();
      this.verified.add(key);
    }
    return ok && hash !== undefined;
  }
}

/** bcrypt of a random string at cost 10: compared against when the user is unknown. */
const DUMMY_HASH = '$2b$10$DW420kreIYC2urRZMx0PoONG7R2ynCaR9FkErYxYC31Kj1TPi8x0C';
