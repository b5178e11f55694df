/**
 * Real-world error lines collected from public issue trackers (each with its source URL in
 * test/data/explain-corpus.json) must resolve to the right error, and to the operation and probe
 * target where the line shows them.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { explain } from '../../src/diagnose/explain/explain.js';

interface CorpusCase {
  source: string;
  line: string;
  /** probe null: the line names no server to probe (a server's line about its client); peer and cause: whose side the line is from, and the first cause */
  expect: { error: string; operation?: string; probe?: string | null; peer?: 'client' | 'upstream' | 'server'; side?: 'client' | 'server' | 'proxy'; cause?: string };
}

const corpus = JSON.parse(readFileSync(new URL('../data/explain-corpus.json', import.meta.url), 'utf8')) as { cases: CorpusCase[] };

describe('the corpus', () => {
  it('has at least 60 lines, each with a public source or the local reproduction it came from', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
    for (const c of corpus.cases) expect(c.source).toMatch(/^(https:\/\/|reproduced locally (against|with) [a-z])/i);
  });

  it('covers every log family the issue names', () => {
    const all = corpus.cases.map((c) => c.line).join('\n');
    for (const marker of ['kex_exchange_identification: read: Connection reset by peer', 'could not receive data from client', "reading initial communication packet', system error: 104", 'idle-in-transaction timeout', 'SSL SYSCALL error: EOF detected', 'reset reason: connection termination', 'delayed connect error: 111', 'awselb/2.0', '-1 -1 -1 504', 'SH--', 'SD--', 'CD--', 'cD--', 'sC--', 'ERR_CONNECTION_RESET', 'ERR_EMPTY_RESPONSE', 'ERR_TIMED_OUT', 'ssh_exchange_identification: Connection closed by remote host', 'curl: (18)', 'did not properly respond after a period of time', 'socket hang up', 'Broker may not be available', 'DisconnectException', 'Error: read ECONNRESET', 'java.net.SocketException', 'read tcp', 'WinError 10054', 'SocketException (', 'curl: (56)', 'curl: (52)', 'curl: (35)', 'curl: (7)', 'curl: (28)', 'unexpected eof while reading', 'recv() failed', 'server closed the connection unexpectedly', 'Lost connection to MySQL', 'Redis', 'UNAVAILABLE', 'client timed out', 'upstream timed out', 'client prematurely closed connection']) {
      expect(all, marker).toContain(marker);
    }
  });
});

// Issue #9: at least 20 lines per format family where public trackers hold them; the minimums are a
// ratchet, so the corpus does not shrink. A family's marker names what its lines carry: HAProxy's
// health-check and no-server lines, PgBouncer's and the PostgreSQL drivers' (JDBC, libpq, Ruby pg),
// Java's PortUnreachableException for UDP, the classic ELB's access log and its 503 reason phrase.
const FAMILIES: readonly [name: string, marker: RegExp, min: number][] = [
  ['Envoy', /upstream connect error|response_flags|upstream_reset_|\b50[34] U[A-Z]|reset reason|no[ _]healthy[ _]upstream/i, 20],
  ['ssh', /exchange_identification|sshd|client_loop|packet_write_wait|\[preauth\]/, 20],
  ['MySQL', /MySQL|Aborted connection/, 20],
  ['Kafka', /Broker may not|DisconnectException|being disconnected|kafka|Disconnected|NoBrokersAvailable/i, 20],
  ['Chrome net::ERR_*', /ERR_[A-Z_]+/, 20],
  ['curl 18', /\(18\)|error 18|curl 18|transfer closed/, 20],
  ['HTTP statuses', /^\d{3}$|Bad Gateway|HTTP\/[\d.]+ 5|" 499 |cloudflare|504/i, 20],
  ['PostgreSQL', /could not (receive|send) data|connection to client lost|idle-in-transaction|SSL SYSCALL|server closed the connection unexpectedly|unexpected EOF on client|closing because: |server conn crashed|PSQLException|SSL connection has been closed unexpectedly|administrator command|no connection to the server/, 20],
  ['HAProxy', /haproxy|[CSPRIDUKLcs][RQCHDLT]--|^\s*[cCsS][DHC]\s*$|termination_state|status `sD`|is DOWN, reason: |has no server available|Health check for server|No server is available to handle|\bL[467](?:TOUT|CON|RSP|STS)\b|Layer[467] /, 20],
  ['UDP 10054', /UDP|recvfrom|ReceiveFrom|Udp|PortUnreachable/i, 20],
  ['AWS ALB/ELB', /awselb|app\/|elasticloadbalancing|Z my-loadbalancer|\bELB\b|Back-end server is at capacity|\.elb\.amazonaws\.com\b|^\d{4}-\d\d-\d\dT[\d:.]{8,16}Z \S{1,64} [\d.]{7,15}:\d{1,5} /, 20],
];

describe('the corpus per format family', () => {
  it.each(FAMILIES)('%s has at least its minimum number of lines', (_name, marker, min) => {
    expect(corpus.cases.filter((c) => marker.test(c.line)).length).toBeGreaterThanOrEqual(min);
  });
});

describe.each(corpus.cases)('$source', (c) => {
  it(`resolves to ${c.expect.error}${c.expect.operation ? ` on ${c.expect.operation}` : ''}`, async () => {
    const r = await explain(c.line);
    expect(r.ok, r.ok ? '' : r.failure.reason).toBe(true);
    if (!r.ok) return;
    expect(r.explanation.error.id).toBe(c.expect.error);
    if (c.expect.operation !== undefined) expect(r.explanation.operation).toBe(c.expect.operation);
    if (c.expect.probe !== undefined) expect(r.explanation.probeCommand).toBe(c.expect.probe === null ? null : `connreset probe ${c.expect.probe}`);
    if (c.expect.peer !== undefined) expect(r.explanation.peer).toBe(c.expect.peer);
    if (c.expect.side !== undefined) expect(r.explanation.side).toBe(c.expect.side);
    if (c.expect.cause !== undefined) expect(r.explanation.causes[0]?.id).toBe(c.expect.cause);
  });
});
