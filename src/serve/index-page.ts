/** The exporter's small HTML index: endpoints, modules with what they allow, recent probes. Everything shown is escaped. */
import { VERSION } from '../version.js';
import { describeAllow } from './allow.js';
import { describeModuleExpectation, type ServeConfig } from './config.js';

export interface RecentProbe {
  at: string;
  module: string;
  target: string;
  outcome: string;
  success: boolean;
  cause: string | null;
  durationMs: number;
}

export interface IndexState {
  allowAnyTarget: boolean;
  maxConcurrent: number;
  inFlight: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderIndex(config: ServeConfig, recent: readonly RecentProbe[], state: IndexState): string {
  const e = escapeHtml;
  const modules = [...config.modules.values()]
    .map(
      (m) =>
        `<tr><td>${e(m.name)}</td><td>${e(describeModuleExpectation(m))}</td><td>${e(state.allowAnyTarget ? 'any target (--allow-any-target)' : describeAllow(m.allow))}</td></tr>`,
    )
    .join('\n');
  const probes = recent
    .map((p) => {
      const q = `target=${encodeURIComponent(p.target)}&module=${encodeURIComponent(p.module)}&debug=true`;
      return `<tr><td>${e(p.at)}</td><td>${e(p.module)}</td><td>${e(p.target)}</td><td>${p.success ? 'success' : '<b>failure</b>'}</td><td>${e(p.outcome)}</td><td>${e(p.cause ?? '')}</td><td>${(p.durationMs / 1000).toFixed(3)} s</td><td><a href="probe?${e(q)}">probe again, with the timeline</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>connreset exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style></head>
<body>
<h1>connreset exporter</h1>
<p>Version ${e(VERSION)}. Config: ${e(config.file ?? 'none (built-in default module)')}. Probes in flight: ${state.inFlight} of at most ${state.maxConcurrent}.</p>
<p><a href="metrics">Metrics</a> · <a href="-/healthy">Health</a> · <a href="-/ready">Ready</a> · <code>probe?target=HOST:PORT&amp;module=NAME[&amp;debug=true]</code></p>
<h2>Modules</h2>
<table><tr><th>module</th><th>expects</th><th>allows</th></tr>
${modules}
</table>
<h2>Recent probes</h2>
<table><tr><th>started</th><th>module</th><th>target</th><th>result</th><th>outcome</th><th>top cause</th><th>took</th><th></th></tr>
${probes || '<tr><td colspan="8">none yet</td></tr>'}
</table>
</body></html>
`;
}
