/**
 * `connreset idle --json`: one document, schema "connreset.idle/v1" (fields documented in the
 * README's idle section). Durations are milliseconds; known timeouts and settings in seconds.
 */
import { jsonDocument } from '../escape.js';
import { IDLE_SCHEMA, DEATH_MEANINGS, DEATH_OUTCOMES, type IdleConclusion, type Trial } from '../diagnose/idle.js';
import { KEEPALIVE_SETTINGS, fillTemplate, type KeepaliveParams } from '../knowledge/keepalive.js';
import type { IdleRun, KeepaliveCheck } from '../probe/idle.js';

export interface IdleDocument {
  schema: typeof IDLE_SCHEMA;
  target: string;
  address: string | null;
  port: number;
  startedAt: string;
  durationMs: number;
  maxMs: number;
  connections: number;
  /** found | none_up_to_max | inconsistent | failed | interrupted (Ctrl-C before any connection died) */
  status: IdleConclusion['status'] | 'failed' | 'interrupted';
  interrupted: boolean;
  failure: IdleRun['failure'];
  bracket: IdleConclusion['bracket'] | null;
  death: IdleConclusion['death'];
  deathLabel: string | null;
  /** the probe outcome naming the same wire event as `death` (DEATH_OUTCOMES in src/diagnose/idle.ts) */
  deathOutcome: (typeof DEATH_OUTCOMES)[keyof typeof DEATH_OUTCOMES] | null;
  enforcer: IdleConclusion['enforcer'];
  reason: string | null;
  knownTimeouts: { id: string; name: string; defaultS: number; behaviour: string; source: string; verified: boolean }[];
  recommendation:
    | (NonNullable<IdleConclusion['recommendation']> & {
        settings: { stack: string; kind: string; setting: string; note: string | null }[];
      })
    | null;
  keepaliveCheck: KeepaliveCheck | null;
  trials: Trial[];
}

export function idleDocument(run: IdleRun, conclusion: IdleConclusion): IdleDocument {
  const failed = run.failure !== null;
  const rec = conclusion.recommendation;
  return {
    schema: IDLE_SCHEMA,
    target: run.target,
    address: run.address,
    port: run.port,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    maxMs: run.maxMs,
    connections: run.connections,
    status: failed ? 'failed' : run.interrupted && conclusion.status === 'none_up_to_max' ? 'interrupted' : conclusion.status,
    interrupted: run.interrupted,
    failure: run.failure,
    bracket: failed ? null : conclusion.bracket,
    death: conclusion.death,
    deathLabel: conclusion.death ? DEATH_MEANINGS[conclusion.death].label : null,
    deathOutcome: conclusion.death ? DEATH_OUTCOMES[conclusion.death] : null,
    enforcer: conclusion.enforcer,
    reason: conclusion.reason,
    knownTimeouts: conclusion.matches.map((m) => ({
      id: m.id,
      name: m.name,
      defaultS: m.defaultS,
      behaviour: m.behaviour,
      source: m.source,
      verified: m.verified,
    })),
    recommendation: rec
      ? {
          ...rec,
          settings: KEEPALIVE_SETTINGS.filter((s) => rec.fixes.includes(s.kind) && (s.kind !== 'tcp_keepalive' || rec.tcpKeepalive)).map((s) => {
            const params: KeepaliveParams = s.kind === 'tcp_keepalive' && rec.tcpKeepalive ? rec.tcpKeepalive : { idleS: rec.poolIdleS, intvlS: 1, cnt: 3 };
            return { stack: s.stack, kind: s.kind, setting: fillTemplate(s.template, params), note: s.note === null ? null : fillTemplate(s.note, params) };
          }),
        }
      : null,
    keepaliveCheck: run.keepaliveCheck,
    trials: run.trials,
  };
}

export function renderIdleJson(doc: IdleDocument): string {
  return jsonDocument(doc);
}
