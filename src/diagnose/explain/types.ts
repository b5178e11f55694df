/**
 * The explain pipeline's data: what the user asked (ErrorQuery) and what connreset answers
 * (Explanation). The Explanation is also the `--json` document, so its shape is versioned by
 * EXPLANATION_SCHEMA and documented in the README: add fields, never rename or remove them.
 */
import type { ErrorCategory, LibuvCodes, NamedCode, Operation, Platform, WireSignal } from '../../knowledge/errors.js';
import type { ContextCode } from '../../knowledge/log-patterns.js';
import type { CauseId } from '../../knowledge/causes.js';
import type { LogPeer } from '../../knowledge/explain-log-perspectives.js';

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
  | 'windows-crt-errno';

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
  id: CauseId;
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
  causes: ExplainedCause[];
  notes: string[];
  snippet: { language: string; code: string } | null;
}

/** Why an input could not be explained: one line for stderr, and a suggestion where one is near. */
export interface ExplainFailure {
  reason: string;
  hint?: string;
}

export type ExplainResult = { ok: true; explanation: Explanation } | { ok: false; failure: ExplainFailure };
