/**
 * SYN retransmission timeouts per operating system, so that a connect that took one of them
 * (1.01 s, 3.02 s) is recognised as a lost SYN or SYN-ACK rather than a slow network: a handshake
 * is one round trip, and a connect that ends just after a retransmission timeout waited for one.
 *
 * A SYN-ACK lost on the way back looks the same: the client's SYN timer fires first (or the
 * server's SYN-ACK timer, 1 s on Linux too) and the retried handshake completes.
 *
 * The observation does not say which system the probe ran on, so a match names every system
 * whose ladder fits ("two timeouts on Linux, one on Windows").
 */
import type { Template } from '../shared/template.js';
import type { CauseId } from './causes.js';

export interface SynRetransmitLadder {
  os: string;
  /** the client's wait before each successive SYN retransmission, ms (the first is the initial RTO) */
  synWaitsMs: readonly number[];
  /**
   * the server's wait before each SYN-ACK retransmission, counted from the SYN it answers, ms;
   * null where not established from a primary source (then only the client's timer is matched)
   */
  synAckWaitsMs: readonly number[] | null;
  /** the setting that changes it, and when connect() gives up by default */
  setting: string;
  source: string;
}

export const SYN_RETRANSMIT_LADDERS: readonly SynRetransmitLadder[] = [
  {
    os: 'Linux',
    // initial RTO 1 s (TCP_TIMEOUT_INIT, RFC 6298), doubled per retry: SYNs at 0, 1, 3, 7, 15, 31, 63 s;
    // the SYN-ACK timer is the same (TCP_TIMEOUT_INIT << num_timeout, tcp_synack_retries 5)
    synWaitsMs: [1000, 2000, 4000, 8000, 16_000, 32_000],
    synAckWaitsMs: [1000, 2000, 4000, 8000, 16_000],
    setting: 'net.ipv4.tcp_syn_retries (default 6: connect() gives up after 127 s) and net.ipv4.tcp_synack_retries (default 5)',
    source:
      'Linux include/net/tcp.h TCP_TIMEOUT_INIT, net/ipv4/tcp_timer.c; Documentation/networking/ip-sysctl.rst; measured in test/netns/loss.test.ts: 1.01 s with the first SYN or SYN-ACK dropped, 2.05 s with a SYN and then a SYN-ACK dropped',
  },
  {
    os: 'macOS',
    // TCPTV_RTOBASE 1 s × tcp_syn_backoff { 1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, … }: SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 s
    synWaitsMs: [1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000, 16_000],
    synAckWaitsMs: null,
    setting: 'net.inet.tcp.keepinit (connect() gives up after 75 s)',
    source: 'XNU bsd/netinet/tcp_timer.c tcp_syn_backoff and bsd/netinet/tcp_timer.h TCPTV_RTOBASE (from source, not measured here)',
  },
  {
    os: 'Windows',
    // InitialRto 3 s, doubled: SYNs at 0, 3, 9 s
    synWaitsMs: [3000, 6000],
    synAckWaitsMs: null,
    setting: 'InitialRto and MaxSynRetransmissions (Get-NetTCPSetting; defaults 3000 ms and 2: connect() gives up after 21 s)',
    source: 'Microsoft TCP/IP parameters TcpInitialRTT (3 s) and TcpMaxConnectRetransmissions (2); Get-NetTCPSetting (not measured here)',
  },
];

/**
 * How close a connect time must be to a sum of timeouts: a timer never fires early (and our
 * 'connecting' stamp precedes the SYN), so only a little early for clock rounding; late by the
 * retried handshake's round trip and our own event-loop delay. A path whose round trip alone is
 * this long (a second) is rare; a connect that fits no sum is not matched, so nothing is claimed.
 */
export const SYN_MATCH_TOLERANCE = { earlyMs: 20, lateMs: 300, lateFraction: 0.1 } as const;

export interface SynRetransmitReading {
  os: string;
  /** the timeouts waited, ms each, fewest first: the client's SYN timeouts, then the server's SYN-ACK ones */
  waitsMs: number[];
}

export interface SynRetransmitMatch {
  connectMs: number;
  /** one per system whose timers fit, with the fewest timeouts that add up to the connect time */
  readings: SynRetransmitReading[];
}

/** Every way a system's timers add up: k lost SYNs, then j lost SYN-ACKs (the server's timer starts at the SYN that got through). */
function waitCombinations(ladder: SynRetransmitLadder): number[][] {
  const prefixes = (waits: readonly number[] | null): number[][] =>
    [[] as number[]].concat((waits ?? []).map((_w, i) => waits!.slice(0, i + 1) as number[]));
  const out: number[][] = [];
  for (const syn of prefixes(ladder.synWaitsMs)) {
    for (const synAck of prefixes(ladder.synAckWaitsMs)) if (syn.length + synAck.length > 0) out.push([...syn, ...synAck]);
  }
  return out;
}

const total = (waits: readonly number[]): number => waits.reduce((a, b) => a + b, 0);

/** The systems (and the fewest timeouts) whose retransmission timers a connect time fits, or null when none. */
export function matchSynRetransmits(connectMs: number): SynRetransmitMatch | null {
  const readings: SynRetransmitReading[] = [];
  for (const ladder of SYN_RETRANSMIT_LADDERS) {
    const fits = waitCombinations(ladder).filter((waits) => {
      const waited = total(waits);
      const late = Math.max(SYN_MATCH_TOLERANCE.lateMs, waited * SYN_MATCH_TOLERANCE.lateFraction);
      return connectMs >= waited - SYN_MATCH_TOLERANCE.earlyMs && connectMs <= waited + late;
    });
    const fewest = fits.sort((a, b) => a.length - b.length)[0];
    if (fewest) readings.push({ os: ladder.os, waitsMs: fewest });
  }
  return readings.length === 0 ? null : { connectMs, readings };
}

const COUNT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function countWord(n: number): string {
  return COUNT_WORDS[n] ?? String(n);
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * The readings in words: "one retransmission timeout on Linux or macOS (1 s)", "two
 * retransmission timeouts on Linux (1 s + 2 s) or one on Windows (3 s)". Systems with the same
 * waits share a phrase.
 */
export function describeSynReadings(match: SynRetransmitMatch): { readings: string; lost: string } {
  const groups: { systems: string[]; waitsMs: number[] }[] = [];
  for (const reading of match.readings) {
    const same = groups.find((g) => g.waitsMs.join() === reading.waitsMs.join());
    if (same) same.systems.push(reading.os);
    else groups.push({ systems: [reading.os], waitsMs: reading.waitsMs });
  }
  const phrases = groups.map(({ systems, waitsMs }, i) => {
    const n = waitsMs.length;
    const noun = i === 0 ? ` retransmission timeout${n === 1 ? '' : 's'}` : '';
    return `${countWord(n)}${noun} on ${orList(systems)} (${waitsMs.map(seconds).join(' + ')})`;
  });
  const counts = [...new Set(groups.map((g) => g.waitsMs.length))].sort((a, b) => a - b);
  const fewest = counts[0] ?? 1;
  // the systems disagree on how many: only the smallest count is sure
  const howMany = counts.length === 1 ? countWord(fewest) : `at least ${countWord(fewest)}`;
  const lost =
    counts.length === 1 && fewest === 1
      ? 'the first SYN or its SYN-ACK was lost on the way'
      : fewest === 1
        ? `${howMany} SYN or SYN-ACK was lost on the way`
        : `${howMany} SYNs or SYN-ACKs were lost on the way`;
  return { readings: orList(phrases), lost };
}

/**
 * What a healthy probe whose connect waited for a SYN retransmission reports: nothing failed, but
 * it is worth knowing (a client with a connect timeout under the retransmission timeout fails).
 */
export const LOST_SYN_NOTE: { cause: CauseId; confidence: number; evidence: readonly Template[] } = {
  cause: 'syn_lost',
  confidence: 0.7,
  evidence: [
    'the connect took {synConnectTime}, {synRetransmits}: {synLost} (packet loss, a full listen queue that dropped the SYN, or a SYN rate limit); a handshake is otherwise one round trip',
    'a client whose connect timeout is shorter than that would have failed; the exchange after the handshake was healthy',
  ],
};
