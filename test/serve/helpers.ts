/** Shared by the serve tests: an exporter in-process with a config written as YAML text, and HTTP helpers. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseServeConfig } from '../../src/serve/config.js';
import { startExporter, type Exporter, type ServeOptions } from '../../src/serve/server.js';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';

export const DEPS = { parseTarget, parseSend };

export function serveConfig(yaml: string) {
  return parseServeConfig(yaml, 'serve-test.yml', DEPS, {});
}

export function startTestExporter(yaml: string, extra: Partial<ServeOptions> = {}): Promise<Exporter> {
  return startExporter({ config: serveConfig(yaml), host: '127.0.0.1', port: 0, allowAnyTarget: false, maxConcurrent: 20, ...extra });
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One GET, a fresh connection each time (no agent keeps sockets: the fd test counts them). */
export function get(url: string, headers: Record<string, string> = {}, tls: { ca?: Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { headers, agent: false, ...(tls.ca ? { ca: tls.ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`GET ${url}: no answer within 20 s`)));
    req.on('error', reject);
    req.end();
  });
}

export function probeUrl(exporter: Exporter, params: Record<string, string>): string {
  return `${exporter.url}/probe?${new URLSearchParams(params).toString()}`;
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Samples and TYPEs of an exposition with histograms and counters (the strict textfile reader in
 * test/check/prom-text.ts takes gauges only). promtool checks the syntax where installed.
 */
export function readMetrics(text: string): { samples: MetricSample[]; types: Map<string, string> } {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../helpers/cli.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
}

/** Runs the built `connreset serve` as a process and waits (bounded) for its "listening on" line. */
export function spawnServe(args: string[], timeoutMs = 15_000, fdLimit: number | null = null): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const argv = [BIN, 'serve', '--listen', '127.0.0.1:0', ...args];
    const env = { ...process.env, NO_COLOR: '1' };
    // with an open-file limit, through sh's ulimit (exec: the PID is still the exporter's)
    const child =
      fdLimit === null
        ? spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('/bin/sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const exited = new Promise<number | string>((r) => child.on('exit', (code, signal) => r(code ?? signal ?? -1)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`connreset serve did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stdout!.resume();
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /listening on (https?:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`connreset serve exited (${code}) before listening: ${err}`));
    });
  });
}
