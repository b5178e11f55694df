/**
 * The locate experiment's data (a leaf module: the probe writes it, diagnosis and reports read it).
 * `LocateMeasurements` is raw fact from the network; `LocateResult` adds the verdict computed from
 * it by src/diagnose/locate-verdict.ts (pure), so a recorded measurement can be re-judged offline.
 */
import type { AddressFamily, Phase } from './observation.js';

export const LOCATE_SCHEMA = 'connreset.locate/v1' as const;

import type { LocateAnswer, MiddleboxKind, Sender } from '../shared/locate-kinds.js';

export type { LocateAnswer, MiddleboxKind, Sender };

/** The ways locate measures, cheapest first. */
export type LocateMethod =
  /** SYNs with TTL 1, 2, …: the hop count of the server and the routers' addresses (ICMP time exceeded) */
  | 'syn_sweep'
  /** the failing exchange replayed with TTL k: the smallest k that still draws the answer */
  | 'ttl_replay'
  /** IP_MINTTL brackets: the TTL the answer and the server's SYN-ACK arrive with */
  | 'min_ttl'
  /** as root: the SYN-ACK's and the answer's IP headers read off an AF_PACKET socket */
  | 'capture'
  /** no native module: the answer's delay against the connect round trip */
  | 'timing';

export interface MethodNotRun {
  method: LocateMethod;
  reason: string;
}

/** One TTL-limited send: what came back. 'died': an ICMP time exceeded (the segment expired in transit). */
export type StepResult = 'answer' | 'died' | 'silence' | 'reply' | 'other';

export interface ReplayStep {
  ttl: number;
  result: StepResult;
}

/** One router seen by the SYN sweep: its ICMP time exceeded at TTL `hop`. */
export interface PathHop {
  hop: number;
  /** the address the ICMP came from; null when the hop did not answer */
  address: string | null;
}

/** IP/TCP header fields of one packet from a capture. */
export interface PacketFacts {
  ttl: number;
  ipId: number | null;
  window: number;
}

export interface LocateMeasurements {
  answer: LocateAnswer;
  /** the phase of the original probe the answer came in */
  phase: Phase;
  family: AddressFamily;
  address: string;
  /** the smallest TTL whose SYN connected: the server's distance in hops; null when no SYN connected */
  serverHops: number | null;
  path: PathHop[];
  replay: ReplayStep[];
  /** the TTL the answer (RST/FIN) arrives with, from IP_MINTTL brackets; null if not measured */
  answerTtl: number | null;
  /** the TTL the server's SYN-ACK arrives with, from IP_MINTTL brackets */
  serverTtl: number | null;
  /** from a capture, as root */
  capture: { synAck: PacketFacts | null; answer: PacketFacts | null } | null;
  /** a connect refused by an ICMP error (port unreachable…) instead of an RST: who sent it, from the sweep's error queue */
  icmpAnswer?: { from: string; type: number; code: number } | null;
  /** connect round trip and the answer's delay after our last send, from the original probe */
  timing: { rttMs: number; answerAfterMs: number } | null;
}


export interface LocateVerdict {
  sender: Sender;
  /** the sender's hop (1 = the first router); the server's own hop count when the server sent it */
  hop: number | null;
  hopAddress: string | null;
  serverHops: number | null;
  kind: MiddleboxKind | null;
  /** the methods the verdict rests on */
  methods: LocateMethod[];
  evidence: string[];
  /** one sentence: "the RST came from hop 1 (10.0.0.1); the server is 3 hops away: a middlebox reset this connection" */
  summary: string;
}

export type LocateResult =
  | {
      schema: typeof LOCATE_SCHEMA;
      ran: true;
      durationMs: number;
      verdict: LocateVerdict;
      notRun: MethodNotRun[];
      measurements: LocateMeasurements;
    }
  | {
      schema: typeof LOCATE_SCHEMA;
      ran: false;
      durationMs: number;
      /** why locate did not run at all ("not available: …", or nothing to locate) */
      reason: string;
      notRun: MethodNotRun[];
    };
