/**
 * The context tables are data a user relies on: every flag meaning has a source, every cause they
 * rank exists, every perspective's hint words can actually unlock its pattern, and `--json` carries
 * the operation, side, peer and the context that ranked the causes.
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/diagnose/explain/explain.js';
import { explainCauseById } from '../../src/knowledge/explain-causes.js';
import { CONTEXT_RULES, TIMING_WORDS } from '../../src/knowledge/explain-context-rules.js';
import { FLAG_FORMATS, FLAG_SOURCES } from '../../src/knowledge/explain-formats.js';
import { LOG_PERSPECTIVES } from '../../src/knowledge/explain-log-perspectives.js';
import { HTTP_STATUS_ERROR_CODES } from '../../src/knowledge/explain-http-errors.js';
import { runCli } from '../helpers/cli.js';

describe('context tables', () => {
  it('every flag system names its source, and every flag row ranks known causes', () => {
    for (const f of FLAG_FORMATS) {
      expect(FLAG_SOURCES[f.system], f.system).toMatch(/https:\/\/|\.(cc|h|txt)\b/);
      for (const row of f.rows) {
        expect(row.meaning.length, `${f.system} ${row.code}`).toBeGreaterThan(10);
        for (const c of row.causes) expect(explainCauseById(c), `${row.code} → ${c}`).toBeDefined();
      }
    }
  });

  it('every perspective and rule ranks known causes, and perspective ids are unique', () => {
    const ids = new Set<string>();
    for (const p of LOG_PERSPECTIVES) {
      expect(ids.has(p.id), p.id).toBe(false);
      ids.add(p.id);
      for (const c of [...(p.causes ?? []), ...Object.values(p.causesByError ?? {}).flat()]) expect(explainCauseById(c), `${p.id} → ${c}`).toBeDefined();
      // hint words are lower case: the resolver compares them with the lower-cased line
      for (const h of p.hint) expect(h, p.id).toBe(h.toLowerCase());
    }
    for (const r of CONTEXT_RULES) for (const c of r.causes) expect(explainCauseById(c), `${r.id} → ${c}`).toBeDefined();
    for (const t of TIMING_WORDS) for (const h of t.hint) expect(h, t.tag).toBe(h.toLowerCase());
  });

  it('explains every HTTP status it has a row for, as a bare number', async () => {
    for (const status of HTTP_STATUS_ERROR_CODES) {
      const r = await explain(String(status));
      expect(r.ok, String(status)).toBe(true);
      if (r.ok) {
        expect(r.explanation.error.id).toBe(`HTTP_${status}`);
        expect(r.explanation.readings[0]).toMatchObject({ system: 'http-status', number: status });
        expect(r.explanation.lineContext).toBeNull();
      }
    }
  });

  it('ranks by timing words when the line gives no product', async () => {
    const idle = await explain('read ECONNRESET on the first request after the pooled connection sat idle');
    expect(idle.ok && idle.explanation.causes[0]?.id).toBe('server_idle_timeout');
    expect(idle.ok && idle.explanation.lineContext?.timing).toContain('idle');
    const load = await explain('ECONNREFUSED under heavy load, many concurrent connections');
    expect(load.ok && load.explanation.causes[0]?.id).toBe('connection_limit');
    expect(load.ok && load.explanation.lineContext?.rankedBy).toBe('rule:load-close-or-refuse');
  });

  it('says a UDP 10054 is an ICMP port-unreachable, not a reset of a connection', async () => {
    const r = await explain('System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the remote host.\n   at System.Net.Sockets.UdpClient.Receive(IPEndPoint& remoteEP)');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.explanation.error.id).toBe('ECONNRESET');
    expect(r.explanation.lineContext?.transport).toBe('udp');
    expect(r.explanation.causes[0]?.id).toBe('udp_port_unreachable');
  });

  it("says Node labels 'socket hang up' ECONNRESET", async () => {
    const r = await explain("Error: socket hang up { code: 'ECONNRESET' }");
    expect(r.ok && r.explanation.error.id).toBe('EOF');
    expect(r.ok && r.explanation.notes.join(' ')).toContain("code: 'ECONNRESET'");
  });
});

describe('explain --json carries the context', { timeout: 30_000 }, () => {
  it('operation, side, peer and lineContext for a pasted line; null context for a bare code', async () => {
    const line = "ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 104";
    const r = await runCli(['explain', line, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown> & { lineContext: Record<string, unknown>; causes: { id: string }[] };
    expect(j).toMatchObject({ schema: 'connreset.explanation/v1', operation: 'connect', side: 'client', peer: 'server' });
    expect(j.lineContext).toMatchObject({ product: 'mysql', side: 'client', peer: 'server', transport: null, matched: 'mysql-handshake', rankedBy: 'perspective:mysql-handshake' });
    expect((j.error as { id: string }).id).toBe('ECONNRESET');
    const bare = JSON.parse((await runCli(['explain', '10054', '--json'])).stdout) as Record<string, unknown>;
    expect(bare).toMatchObject({ side: null, peer: null, lineContext: null });
  });

  it('a proxy flag comes with its meaning and source', async () => {
    const r = await runCli(['explain', '--json', '"GET /v1/status HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 0 -']);
    const j = JSON.parse(r.stdout) as { error: { id: string }; lineContext: { flags: { system: string; code: string; source: string }[] } };
    expect(j.error.id).toBe('HTTP_503');
    expect(j.lineContext.flags.map((f) => `${f.system}:${f.code}`)).toEqual(['envoy-response-flag:UC', 'envoy-reset-reason:connection termination']);
    for (const f of j.lineContext.flags) expect(f.source).not.toBe('');
  });
});
