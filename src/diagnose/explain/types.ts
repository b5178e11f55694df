/**
 * The explain pipeline's data: what the user asked (ErrorQuery) and what connreset answers
 * (Explanation). The Explanation is also the `--json` document, so its shape is versioned by
 * EXPLANATION_SCHEMA and documented in the README: add fields, never rename or remove them.
 */
import type { ErrorCategory, LibuvCodes, NamedCode, Operation, Platform, WireSignal } from '../../knowledge/errors.js';
import type { ContextCode } from '../../knowledge/log-patterns.js';
import type { ExplainCauseId } from '../../knowledge/explain-causes.js';
import type { LogPeer, LogSide, Product } from '../../knowledge/explain-log-perspectives.js';
import type { FlagSystem } from '../../knowledge/explain-formats.js';
import type { TimingTag } from '../../knowledge/explain-context-rules.js';

export const EXPLANATION_SCHEMA = 'connreset.explanation/v1' as const;

export type ErrorQuery =
  | { kind: 'number'; input: string; value: number }
  | { kind: 'symbol'; input: string; symbol: string }
  | { kind: 'message'; input: string };

/** The numbering systems a bare number may belong to. */
export type NumberSystem =
  | 'winsock'
  | 'linux-errno'
  | 'macos-errno'
  | 'libuv'
  | 'getaddrinfo'
  | 'windows-system'
  | 'curl-exit'
  | 'grpc-status'
  | 'mysql-client'
  | 'windows-crt-errno'
  | 'http-status';

/** One meaning of a number in one system. */
export interface NumberReading {
  number: number;
  system: NumberSystem;
  /** null for systems that are the same on every platform (curl exit codes, gRPC status) */
  platform: Platform | null;
  symbol: string;
  text: string;
  /** the error connreset explains for this reading, or null when it is not a network error */
  error: string | null;
}

export interface ContextNote {
  system: ContextCode['system'];
  code: number;
  name: string;
  meaning: string;
}

export interface ExplainedCause {
  id: ExplainCauseId;
  title: string;
  summary: string;
  howToTell: string[];
  remediation: string[];
}

export interface Endpoint {
  host: string;
  port: number;
  /** the URL scheme the message gave the endpoint (http://, https://), or null */
  scheme: 'http' | 'https' | null;
}

export interface Explanation {
  schema: typeof EXPLANATION_SCHEMA;
  input: string;
  inputKind: ErrorQuery['kind'];
  error: {
    id: string;
    category: ErrorCategory;
    title: string;
    meaning: string;
    wire: { signal: WireSignal; description: string };
  };
  /** every reading of the number(s) involved, network readings first (empty for a bare symbol) */
  readings: NumberReading[];
  /** the same error's names and numbers on each platform */
  platforms: {
    linux: NamedCode[];
    macos: NamedCode[];
    windows: NamedCode[];
    windowsCrt: NamedCode[];
    libuv: LibuvCodes | null;
  };
  /** the operation the log line shows, when it shows one */
  operation: Operation | null;
  /** numbers in the message that are not errno values (curl exit code, gRPC status, ...) */
  context: ContextNote[];
  /** other errors the message also mentions (e.g. the wrapper of the root cause) */
  alsoSeen: string[];
  endpoint: Endpoint | null;
  /** a `connreset probe` command that tests the endpoint, when the message names one */
  probeCommand: string | null;
  /**
   * who the other end of the connection is, when the log line says: 'client' for a server's line
   * about the client that connected to it (nginx `client timed out`), 'upstream' for a proxy's line
   * about its backend (nginx `upstream timed out`); null when the line does not say
   */
  peer: LogPeer | null;
  /**
   * who wrote the line: 'client' (an app, curl, a browser about its server), 'server' (a server's log
   * about its client: sshd, PostgreSQL, MySQL), 'proxy' (nginx, Envoy, HAProxy, a load balancer);
   * null when the line does not say (a bare code or symbol)
   */
  side: LogSide | null;
  /** what connreset read from the line's context to rank the causes; null for a bare code or symbol */
  lineContext: LineContext | null;
  causes: ExplainedCause[];
  notes: string[];
  snippet: { language: string; code: string } | null;
}

/** A proxy's or browser's own code found in the line (Envoy response flag, HAProxy termination state, ...). */
export interface FlagNote {
  system: FlagSystem;
  code: string;
  name: string;
  meaning: string;
  /** where the meaning comes from (docs URL or source file) */
  source: string;
}

export interface LineContext {
  /** the program or protocol whose words the line carries (nginx, envoy, haproxy, aws_alb, ssh, postgresql, kafka, chrome, ...) */
  product: Product | null;
  side: LogSide | null;
  peer: LogPeer | null;
  /** 'udp' when the line shows a UDP socket; null when it does not say (TCP is assumed) */
  transport: 'udp' | null;
  /** timing words in the line: idle, under_load, deploy, pre_auth, long_transfer, intermittent, first_request */
  timing: TimingTag[];
  /** the perspective row that matched (explain-log-perspectives.ts), or null */
  matched: string | null;
  flags: FlagNote[];
  /** what ranked the causes: perspective:ID, flag:SYSTEM:CODE, rule:ID, operation:OP or error */
  rankedBy: string;
}

/** Why an input could not be explained: one line for stderr, and a suggestion where one is near. */
export interface ExplainFailure {
  reason: string;
  hint?: string;
}

export type ExplainResult = { ok: true; explanation: Explanation } | { ok: false; failure: ExplainFailure };
