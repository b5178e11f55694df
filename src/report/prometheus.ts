/**
 * `--prometheus FILE`: the node_exporter textfile-collector format (Prometheus text exposition
 * 0.0.4), so that a cron run of `connreset check` feeds existing monitoring and alerting:
 *
 *   connreset_check_success{name,target[,address]}  1 when the expectation held, else 0
 *     (address: one series per resolved address for targets checked with all_addresses)
 *   connreset_probe_outcome{name,target,outcome}    1 for the observed outcome
 *   connreset_probe_duration_seconds{name,target}   duration of the probe
 *   connreset_probe_connect_seconds{name,target}    time to the TCP connection (when connected)
 *   connreset_probe_sender{name,target,sender}      1 on a failing target checked with --locate: who sent the
 *     RST or drops the packets, sender="server|middlebox|unknown" (bounded)
 *   connreset_probe_sender_hop{name,target}         that sender's hop (1 = the first router), when locate named it
 *   connreset_tls_cert_expiry_days{name,target}     days until the server certificate expires (TLS targets)
 *   connreset_check_targets{status}                 targets by status (passed, failed, not_run)
 *   connreset_check_run_duration_seconds            duration of the whole run
 *   connreset_check_run_timestamp_seconds           when the run ended (alert on staleness)
 *   connreset_check_run_info{stopped_by,signal,version}  1 (signal only when one stopped the run)
 *
 * Each metric family is written once with its HELP and TYPE; the file is written atomically
 * (temporary file + rename), as the collector's documentation asks.
 */
import { VERSION } from '../version.js';
import { escapeControls } from '../escape.js';
import { totals, type CheckResult, type CheckRun } from '../check/result.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Label values escape backslash, double quote and newline (exposition format rules), after the
 * control, bidi and separator characters of a name from the config are made visible (escape.ts):
 * the file is read by people and tools, and a raw ESC in it is a terminal escape for both.
 */
export function escapeLabelValue(value: string): string {
  const visible = value.split('\n').map(escapeControls).join('\n');
  return visible.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',');
  return `{${body}}`;
}

/** Prometheus floats: plain decimal, no exponent surprises for small durations. */
function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

interface Family {
  name: string;
  help: string;
  samples: string[];
}

export function renderPrometheus(run: CheckRun, now: Date = new Date()): string {
  const success: Family = { name: 'connreset_check_success', help: 'Whether the target met its expectation in the last check (1) or not (0).', samples: [] };
  const outcome: Family = { name: 'connreset_probe_outcome', help: 'Outcome of the last probe of the target (1 for the observed outcome).', samples: [] };
  const duration: Family = { name: 'connreset_probe_duration_seconds', help: 'Duration of the last probe of the target.', samples: [] };
  const connect: Family = { name: 'connreset_probe_connect_seconds', help: 'Time from the start of the last probe to the TCP connection.', samples: [] };
  const sender: Family = { name: 'connreset_probe_sender', help: 'Who sent the RST (or drops the packets) of the last failing probe, from locate (1 for the sender).', samples: [] };
  const senderHop: Family = { name: 'connreset_probe_sender_hop', help: 'The hop of that sender (1 = the first router), when locate named it.', samples: [] };
  const expiry: Family = { name: 'connreset_tls_cert_expiry_days', help: 'Whole days until the server certificate expires (negative once expired), for TLS targets.', samples: [] };

  // a series must be unique: the same target listed twice gets its position in the name label
  const count = new Map<string, number>();
  const key = (r: CheckResult): string => `${r.name}\u0000${r.target}\u0000${r.address ?? ''}`;
  for (const r of run.results) count.set(key(r), (count.get(key(r)) ?? 0) + 1);

  for (const r of run.results) {
    // a target that an interrupt or fail-fast kept us from probing has no fresh value
    if (r.status === 'not_run' && r.notRunReason !== 'deadline') continue;
    const base = {
      name: (count.get(key(r)) ?? 0) > 1 ? `${r.name} [#${r.index + 1}]` : r.name,
      target: r.target,
      // only rows of an all_addresses target carry it: other series keep the labels they always had
      ...(r.address !== null ? { address: r.address } : {}),
    };
    success.samples.push(`${success.name}${labels(base)} ${r.status === 'passed' ? 1 : 0}`);
    if (r.outcome) outcome.samples.push(`${outcome.name}${labels({ ...base, outcome: r.outcome })} 1`);
    if (r.durationMs !== null) duration.samples.push(`${duration.name}${labels(base)} ${num(r.durationMs / 1000)}`);
    if (r.connectMs !== null) connect.samples.push(`${connect.name}${labels(base)} ${num(r.connectMs / 1000)}`);
    if (r.status === 'failed' && r.locate) {
      sender.samples.push(`${sender.name}${labels({ ...base, sender: r.locate.sender })} 1`);
      if (r.locate.hop !== null) senderHop.samples.push(`${senderHop.name}${labels(base)} ${r.locate.hop}`);
    }
    if (r.certificate?.daysToExpiry != null) expiry.samples.push(`${expiry.name}${labels(base)} ${r.certificate.daysToExpiry}`);
  }
  const t = totals(run);
  const targets: Family = {
    name: 'connreset_check_targets',
    help: 'Targets in the last check run, by status.',
    samples: [
      `connreset_check_targets${labels({ status: 'passed' })} ${t.passed}`,
      `connreset_check_targets${labels({ status: 'failed' })} ${t.failed}`,
      `connreset_check_targets${labels({ status: 'not_run' })} ${t.notRun}`,
    ],
  };
  const runDuration: Family = {
    name: 'connreset_check_run_duration_seconds',
    help: 'Duration of the last check run.',
    samples: [`connreset_check_run_duration_seconds ${num(run.durationMs / 1000)}`],
  };
  const runTs: Family = {
    name: 'connreset_check_run_timestamp_seconds',
    help: 'Unix time at which the last check run ended.',
    samples: [`connreset_check_run_timestamp_seconds ${num(Math.round(now.getTime() / 1000))}`],
  };
  const info: Family = {
    name: 'connreset_check_run_info',
    help: 'How the last check run ended, and the connreset version.',
    samples: [`connreset_check_run_info${labels({ stopped_by: run.stoppedBy, ...(run.signal ? { signal: run.signal } : {}), version: VERSION })} 1`],
  };

  const out: string[] = [];
  for (const f of [success, outcome, duration, connect, sender, senderHop, expiry, targets, runDuration, runTs, info]) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help}`);
    out.push(`# TYPE ${f.name} gauge`);
    for (const sample of f.samples) out.push(sample); // not push(...): 200,000 targets overflow the stack
  }
  return `${out.join('\n')}\n`;
}

export function writePrometheus(path: string, run: CheckRun): void {
  writeFileAtomic(path, renderPrometheus(run));
}
