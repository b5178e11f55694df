/**
 * The locate verdict, from measurements alone (pure): who sent the answer (RST, FIN) or where the
 * packets stop, and at which hop.
 *
 * Hop numbers: hop 1 is the first router, the server sits at hop `serverHops` (the smallest TTL
 * whose SYN connected). Two independent readings, cross-checked when both exist:
 * - the answer's arrival TTL (IP_MINTTL brackets, or a capture as root): a sender at hop h that
 *   starts at the usual 64/128/255 arrives with initial − (h − 1). A TTL different from the
 *   server's SYN-ACK's means the server did not send it.
 * - the TTL-limited replay: a router filters forwarded packets only after its own TTL check, so a
 *   box at hop h answers from TTL h + 1 (h if it acts before routing); the server from TTL serverHops.
 * Without either, timing alone can only say "nearer than the server" (an answer faster than the
 * connect round trip). Nothing here guesses a hop the measurements do not show.
 */
import type { LocateMeasurements, LocateMethod, LocateVerdict, MiddleboxKind } from './locate-types.js';
import { KIND_BY_ANSWER, MIDDLEBOX_KINDS } from '../knowledge/locate.js';

/** The usual initial TTLs: Linux/macOS 64, Windows 128, many network devices 255. */
const INITIAL_TTLS = [64, 128, 255] as const;

export function initialTtl(ttl: number): number {
  return INITIAL_TTLS.find((initial) => ttl <= initial) ?? 255;
}

/** The hop (1 = first router) of a sender whose packet arrived with this TTL. */
export function hopOfTtl(ttl: number): number {
  return initialTtl(ttl) - ttl + 1;
}

const ANSWER_WORD = { reset: 'RST', fin: 'FIN', silence: 'silence' } as const;

export function kindFor(m: Pick<LocateMeasurements, 'answer' | 'phase'>): MiddleboxKind | null {
  return KIND_BY_ANSWER.find((row) => row.answer === m.answer && row.phases.includes(m.phase))?.kind ?? null;
}

/** The smallest replay TTL that drew the answer, when every smaller TTL did not. */
export function smallestAnsweringTtl(m: LocateMeasurements): number | null {
  const steps = [...m.replay].sort((a, b) => a.ttl - b.ttl);
  const first = steps.find((s) => s.result === 'answer');
  return first?.ttl ?? null;
}

export function judge(m: LocateMeasurements): LocateVerdict {
  if (m.icmpAnswer) return judgeIcmp(m, m.icmpAnswer);
  return m.answer === 'silence' ? judgeSilence(m) : judgeAnswer(m);
}

/** A connect refused by an ICMP error: the message carries its sender's address. */
function judgeIcmp(m: LocateMeasurements, icmp: { from: string; type: number; code: number }): LocateVerdict {
  const kmin = smallestAnsweringTtl(m);
  const fromServer = icmp.from === m.address;
  const hop = m.path.find((p) => p.address === icmp.from)?.hop ?? (fromServer ? kmin : kmin === null ? null : kmin - 1);
  const what = `ICMP type ${icmp.type} code ${icmp.code}`;
  const evidence = [`the connect was refused by ${what} from ${icmp.from}${kmin === null ? '' : `, drawn by SYNs with TTL ${kmin} and above`}.`];
  const common = { hopAddress: icmp.from, serverHops: m.serverHops, methods: ['syn_sweep' as const], evidence };
  if (fromServer) return { ...common, sender: 'server', hop, kind: null, summary: `the refusal (${what}) came from the server itself (${icmp.from}${hop === null ? '' : `, hop ${hop}`})` };
  return {
    ...common,
    sender: 'middlebox',
    hop,
    kind: 'firewall_reject',
    summary: `the refusal (${what}) came from ${hop === null ? icmp.from : `hop ${hop} (${icmp.from})`}, not the server: a middlebox refused this connection: ${MIDDLEBOX_KINDS.firewall_reject.what}`,
  };
}

function addressOfHop(m: LocateMeasurements, hop: number): string | null {
  if (m.serverHops !== null && hop === m.serverHops) return m.address;
  return m.path.find((p) => p.hop === hop)?.address ?? null;
}

function hopText(m: LocateMeasurements, hop: number): string {
  const address = addressOfHop(m, hop);
  return address === null ? `hop ${hop}` : `hop ${hop} (${address})`;
}

function serverText(m: LocateMeasurements): string {
  return m.serverHops === null ? 'the server\'s distance is unknown' : `the server is ${m.serverHops} hop${m.serverHops === 1 ? '' : 's'} away`;
}

function judgeAnswer(m: LocateMeasurements): LocateVerdict {
  const word = ANSWER_WORD[m.answer];
  const kind = kindFor(m);
  const evidence: string[] = [];
  const methods = new Set<LocateMethod>();
  const fromCapture = m.capture?.answer ?? null;
  const answerTtl = fromCapture?.ttl ?? m.answerTtl;
  const serverTtl = m.capture?.synAck?.ttl ?? m.serverTtl;
  const ttlMethod: LocateMethod = fromCapture ? 'capture' : 'min_ttl';
  const kmin = smallestAnsweringTtl(m);
  if (m.serverHops !== null) {
    methods.add('syn_sweep');
    evidence.push(`SYNs with TTL ${m.serverHops} and above connected, with TTL ${m.serverHops - 1} they expired on the way: ${serverText(m)}.`);
  }
  if (kmin !== null) {
    methods.add('ttl_replay');
    evidence.push(`replayed with TTL 1, 2, …, the exchange drew the ${word} from TTL ${kmin} on.`);
  }
  if (m.capture?.synAck && m.capture.answer) {
    const a = m.capture.answer;
    const s = m.capture.synAck;
    evidence.push(
      `captured: the SYN-ACK arrived with TTL ${s.ttl}${s.ipId === null ? '' : `, IP ID ${s.ipId}`}, window ${s.window}; the ${word} with TTL ${a.ttl}${a.ipId === null ? '' : `, IP ID ${a.ipId}`}, window ${a.window}.`,
    );
  }

  const server = (): LocateVerdict => {
    const hop = m.serverHops ?? (serverTtl !== null ? hopOfTtl(serverTtl) : null);
    evidence.push(`the server host sent it: its application, its kernel, or a firewall on that host itself; nothing on the path between.`);
    return {
      sender: 'server',
      hop,
      hopAddress: m.address,
      serverHops: m.serverHops,
      kind: null,
      methods: [...methods],
      evidence,
      summary: `the ${word} came from the server itself (${m.address}${hop === null ? '' : `, hop ${hop}`}): the server ${m.answer === 'reset' ? 'reset' : 'closed'} this connection`,
    };
  };
  const middlebox = (hop: number | null): LocateVerdict => {
    const what = kind ? `: ${MIDDLEBOX_KINDS[kind].what}` : '';
    const where = hop === null ? 'a hop between us and the server' : hopText(m, hop);
    return {
      sender: 'middlebox',
      hop,
      hopAddress: hop === null ? null : addressOfHop(m, hop),
      serverHops: m.serverHops,
      kind,
      methods: [...methods],
      evidence,
      summary: `the ${word} came from ${where}; ${serverText(m)}: a middlebox ${m.answer === 'reset' ? 'reset' : 'closed'} this connection${what}`,
    };
  };
  const unknown = (why: string): LocateVerdict => ({
    sender: 'unknown',
    hop: null,
    hopAddress: null,
    serverHops: m.serverHops,
    kind: null,
    methods: [...methods],
    evidence,
    summary: `locate could not tell who sent the ${word}: ${why}`,
  });

  if (answerTtl !== null && serverTtl !== null) {
    methods.add(ttlMethod);
    if (answerTtl === serverTtl) {
      evidence.push(`the ${word} arrived with TTL ${answerTtl}, the same as the server's SYN-ACK.`);
      if (kmin !== null && m.serverHops !== null && kmin !== m.serverHops) {
        evidence.push(`(the replay drew it from TTL ${kmin}, not ${m.serverHops}: the path may differ per packet)`);
      }
      return server();
    }
    const hop = hopOfTtl(answerTtl);
    const serverHop = m.serverHops ?? hopOfTtl(serverTtl);
    evidence.push(
      `the ${word} arrived with TTL ${answerTtl}, the server's SYN-ACK with ${serverTtl}: the server did not send it` +
        (hop < serverHop ? `; starting from ${initialTtl(answerTtl)}, it crossed ${hop - 1} router${hop === 2 ? '' : 's'}: its sender is at hop ${hop}.` : '.'),
    );
    if (hop >= serverHop) return middlebox(null);
    if (kmin !== null && kmin !== hop && kmin !== hop + 1) evidence.push(`(the replay pointed at hop ${kmin - 1} or ${kmin}; the TTL reading is the one kept)`);
    return middlebox(hop);
  }

  if (answerTtl !== null && kmin !== null) {
    // no SYN-ACK to compare with (the SYN itself drew the answer): the first host the SYN reached
    // answered for itself when its hop is kmin; a router answering for hosts beyond it sits at kmin - 1
    methods.add(ttlMethod);
    const hop = hopOfTtl(answerTtl);
    evidence.push(`the ${word} arrived with TTL ${answerTtl}: from ${initialTtl(answerTtl)}, that is hop ${hop}.`);
    if (hop === kmin - 1) {
      evidence.push(`it needed TTL ${kmin} to appear, so hop ${hop} answered for something beyond it.`);
      return middlebox(hop);
    }
    if (hop === kmin) {
      evidence.push(`it appears as soon as the SYN reaches hop ${hop}: the host at the end of the path answered.`);
      return { ...server(), hop, summary: `the ${word} came from the host at hop ${hop} (${m.address}), where the SYN first arrived: the server's own network stack answered` };
    }
    return unknown(`its TTL points at hop ${hop} but the replay at hop ${kmin - 1} or ${kmin}`);
  }

  if (kmin !== null && m.serverHops !== null) {
    if (kmin < m.serverHops) {
      evidence.push(`TTL ${kmin} is smaller than the server's distance (${m.serverHops}): something nearer answered (the arrival TTL could not be measured).`);
      return middlebox(kmin - 1);
    }
    return unknown(`the replay drew it at the server's distance (TTL ${kmin}); that fits the server and a filter on the router before it (hop ${kmin - 1}) alike, and the arrival TTL that separates them could not be measured`);
  }

  if (m.timing !== null) {
    methods.add('timing');
    const { rttMs, answerAfterMs } = m.timing;
    if (rttMs >= 1 && answerAfterMs < rttMs / 2) {
      evidence.push(`the ${word} came ${answerAfterMs.toFixed(2)} ms after our send, under half the ${rttMs.toFixed(2)} ms round trip to the server: something nearer sent it.`);
      return middlebox(null);
    }
    evidence.push(`the ${word} came ${answerAfterMs.toFixed(2)} ms after our send, the round trip is ${rttMs.toFixed(2)} ms: timing cannot tell the server from a box near it.`);
  }
  return unknown('no hop-by-hop method could run');
}

function judgeSilence(m: LocateMeasurements): LocateVerdict {
  const kind = kindFor(m);
  const evidence: string[] = [];
  const methods: LocateMethod[] = [];
  const base = { hop: null, hopAddress: null, serverHops: m.serverHops, kind: null, methods, evidence } as const;
  const steps = [...m.replay].sort((a, b) => a.ttl - b.ttl);
  if (steps.length === 0) return { ...base, sender: 'unknown', summary: 'locate could not tell where the packets stop: no hop-by-hop method could run' };
  methods.push('ttl_replay');
  if (m.serverHops !== null) methods.push('syn_sweep');
  if (steps.some((s) => s.result === 'answer' || s.result === 'reply')) {
    evidence.push('the replay got an answer where the original probe got silence: the silence did not repeat.');
    return { ...base, sender: 'unknown', summary: 'locate could not tell where the packets stop: the silence did not repeat' };
  }
  let lastDied: number | null = null;
  for (const step of steps) {
    if (step.result !== 'died') break;
    lastDied = step.ttl;
  }
  if (lastDied === null) {
    evidence.push('no router answered a TTL-limited segment with ICMP time exceeded.');
    return { ...base, sender: 'unknown', summary: 'locate could not tell where the packets stop: no router on the path answers with ICMP' };
  }
  const hop = lastDied;
  evidence.push(`with TTL ${hop} the segment expired at ${hopText(m, hop)} (ICMP time exceeded); with TTL ${hop + 1} nothing came back at all.`);
  if (m.serverHops !== null && hop + 1 < m.serverHops) {
    evidence.push(`so it passes hop ${hop}'s TTL check but never reaches hop ${hop + 1}: hop ${hop} drops it.`);
    return {
      ...base,
      sender: 'middlebox',
      hop,
      hopAddress: addressOfHop(m, hop),
      kind,
      summary: `packets stop at ${hopText(m, hop)}; ${serverText(m)}: a middlebox drops this connection's packets${kind ? `: ${MIDDLEBOX_KINDS[kind].what}` : ''}`,
    };
  }
  const why =
    m.serverHops === null
      ? `they reach ${hopText(m, hop)} and no further, but without a connected SYN the server's distance is unknown (a dead server and a filter look alike)`
      : `they reach hop ${hop}, the last router before the server: the server and a filter on that router look alike`;
  return { ...base, sender: 'unknown', summary: `locate could not tell where the packets stop: ${why}` };
}
