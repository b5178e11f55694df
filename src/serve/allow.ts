/**
 * Which targets a module may probe. An exporter that probes whatever `target=` it is given is an
 * SSRF tool (anyone who reaches it can make it connect anywhere its network can), so a module
 * allows nothing until its `allow:` says so, and the check runs before any socket is opened.
 *
 *   allow:
 *     hosts: [db.internal, "*.svc.cluster.local"]   # names as written in the target (case-insensitive)
 *     cidrs: [10.0.0.0/8, 127.0.0.0/8, "::1/128"]    # IP-literal targets
 *     ports: [5432, "8000-8999"]                     # absent: any port of an allowed host
 *
 * A name is matched as written, not by what it resolves to: allowing `db.internal` trusts the
 * resolver for that name, as blackbox_exporter and Prometheus' own service discovery do.
 * Pure: no I/O.
 */
import { BlockList } from 'node:net';
import { ipFamily } from '../shared/ip-family.js';

export interface AllowList {
  /** exact names (lower case) */
  hosts: ReadonlySet<string>;
  /** `*.example.internal` becomes `.example.internal`: any name ending so (not the bare domain) */
  suffixes: readonly string[];
  cidrs: BlockList;
  cidrTexts: readonly string[];
  /** inclusive ranges; empty = any port */
  ports: readonly (readonly [number, number])[];
}

export const ALLOW_NOTHING: AllowList = { hosts: new Set(), suffixes: [], cidrs: new BlockList(), cidrTexts: [], ports: [] };

export type AllowVerdict = { allowed: true } | { allowed: false; why: string };

export function isAllowed(list: AllowList, host: string, port: number): AllowVerdict {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = ipFamily(bare.split('%')[0] ?? bare);
  const name = bare.toLowerCase().replace(/\.$/, '');
  const hostOk =
    list.hosts.has(name) ||
    (family === 0 && list.suffixes.some((s) => name.endsWith(s))) ||
    (family !== 0 && list.cidrs.check(bare.split('%')[0]!, family === 6 ? 'ipv6' : 'ipv4'));
  if (!hostOk) {
    return { allowed: false, why: family === 0 ? `host ${host} is not in its allow.hosts` : `address ${bare} is not in its allow.cidrs or allow.hosts` };
  }
  if (list.ports.length > 0 && !list.ports.some(([lo, hi]) => port >= lo && port <= hi)) {
    return { allowed: false, why: `port ${port} is not in its allow.ports` };
  }
  return { allowed: true };
}

/** Builds an AllowList from the config's plain data; returns the problems (field: message) instead of throwing. */
export function parseAllow(value: unknown): { list: AllowList; problems: string[] } {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { list: ALLOW_NOTHING, problems: ['allow: expected a mapping with hosts, cidrs and/or ports'] };
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!['hosts', 'cidrs', 'ports'].includes(key)) problems.push(`allow.${key}: unknown field; allowed: hosts, cidrs, ports`);
  }
  const list = (key: string): unknown[] => {
    const x = v[key];
    if (x === undefined || x === null) return [];
    if (Array.isArray(x)) return x;
    problems.push(`allow.${key}: expected a list`);
    return [];
  };
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const h of list('hosts')) {
    if (typeof h !== 'string' || h.trim() === '') {
      problems.push(`allow.hosts: expected host names, not ${JSON.stringify(h)}`);
      continue;
    }
    const name = h.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (name.startsWith('*.')) suffixes.push(name.slice(1));
    else if (name.includes('*')) problems.push(`allow.hosts: ${JSON.stringify(h)}: a wildcard may only start a name (*.example.internal)`);
    else hosts.add(name);
  }
  const cidrs = new BlockList();
  const cidrTexts: string[] = [];
  for (const c of list('cidrs')) {
    const m = typeof c === 'string' ? /^\s*([^/\s]+)(?:\/(\d{1,3}))?\s*$/.exec(c) : null;
    const family = m ? ipFamily(m[1]!) : 0;
    const prefix = m?.[2] === undefined ? (family === 6 ? 128 : 32) : Number(m[2]);
    if (!m || family === 0 || prefix > (family === 6 ? 128 : 32)) {
      problems.push(`allow.cidrs: bad CIDR ${JSON.stringify(c)}: use ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fd00::/8`);
      continue;
    }
    cidrs.addSubnet(m[1]!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    cidrTexts.push(`${m[1]}/${prefix}`);
  }
  const ports: [number, number][] = [];
  for (const p of list('ports')) {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(String(p));
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!m || typeof p === 'boolean' || lo < 1 || hi > 65535 || lo > hi) {
      problems.push(`allow.ports: bad port ${JSON.stringify(p)}: use a port (443) or a range ("8000-8999") within 1-65535`);
      continue;
    }
    ports.push([lo, hi]);
  }
  return { list: { hosts, suffixes, cidrs, cidrTexts, ports }, problems };
}

/** For the index page and errors: what the list allows, in the config's own words. */
export function describeAllow(list: AllowList): string {
  const parts = [
    ...[...list.hosts],
    ...list.suffixes.map((s) => `*${s}`),
    ...list.cidrTexts,
  ];
  if (parts.length === 0) return 'nothing';
  const ports = list.ports.length === 0 ? 'any port' : `ports ${list.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`;
  return `${parts.join(', ')} (${ports})`;
}
