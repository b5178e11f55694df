/**
 * Context rules, as data: when a pasted line's context (its product, who wrote it, the operation,
 * the error, timing words like "idle" or "under load") says more than the error alone, a rule puts
 * the causes that fit first. A rule applies when every condition it names holds; the first rule that
 * applies wins, so specific rules come first. Rules rank only lines whose perspective (explain-log-
 * perspectives.ts) or flag (explain-formats.ts) did not rank the causes itself.
 */
import { mayMatch } from '../shared/regex-literals.js';
import type { Operation } from './errors.js';
import type { ExplainCauseId } from './explain-causes.js';
import type { LogSide, Product } from './explain-log-perspectives.js';

export const TIMING_TAGS = ['idle', 'under_load', 'deploy', 'pre_auth', 'long_transfer', 'intermittent', 'first_request', 'mid_body'] as const;
export type TimingTag = (typeof TIMING_TAGS)[number];

/** Words that say when the failure happens. Linear patterns; several tags may apply. */
export const TIMING_WORDS: readonly { tag: TimingTag; hint: readonly string[]; re: RegExp }[] = [
  { tag: 'idle', hint: ['idle', 'keep', 'inactivity', 'stale', 'pooled', 'reused', 'quiet'], re: /\bidle\b|(?<!Connection: )\bkeep-?alive\b|\binactivity\b|\bstale connection|\bpooled connection|\breused connection|\bafter (?:a )?(?:long )?(?:quiet|idle) (?:period|time)/i },
  { tag: 'first_request', hint: ['first request', 'after a', 'after few', 'after some'], re: /\bfirst request after\b|\bafter (?:a )?(?:while|few minutes|some time) (?:of )?(?:no|without) (?:traffic|requests)/i },
  { tag: 'under_load', hint: ['load', 'stress', 'high ', 'many ', 'too many', 'concurrent'], re: /\bunder (?:heavy |high )?load\b|\bhigh (?:load|traffic|concurrency)\b|\bload test|\bstress test|\bmany (?:concurrent|parallel|simultaneous) (?:connections|requests|clients)\b|\btoo many connections\b|\bconcurrent (?:connections|requests)\b/i },
  { tag: 'deploy', hint: ['deploy', 'restart', 'rollout', 'rolling', 'upgrade', 'scale', 'shutdown', 'sigterm'], re: /\b(?:during|after|while) (?:a |the )?(?:deploy(?:ment|ing)?|restart(?:ing)?|rollout|rolling (?:update|restart)|upgrade|scale-?down)\b|\bgraceful shutdown\b|\bSIGTERM\b/i },
  { tag: 'pre_auth', hint: ['preauth', 'before authentication', 'exchange_identification', 'banner exchange'], re: /\[preauth\]|\bbefore authentication\b|\bkex_exchange_identification\b|\bssh_exchange_identification\b|\bbanner exchange\b/ },
  { tag: 'long_transfer', hint: ['large', 'big', 'huge', 'long', 'streaming'], re: /\b(?:large|big|huge) (?:upload|download|file|body|request|response)s?\b|\blong[- ]running\b|\bstreaming\b/i },
  // the connection ended inside a response body whose length was announced: curl 18 (lib/transfer.c,
  // "transfer closed with %ld bytes remaining to read" / "outstanding read data remaining"), git over
  // HTTP ("bytes of body are still expected"), Python http.client's IncompleteRead, Apache
  // HttpClient's "Premature end of Content-Length delimited message body", aiohttp's ContentLengthError
  { tag: 'mid_body', hint: ['transfer closed with', 'bytes of body are still expected', 'incompleteread', 'premature end of', 'contentlengtherror'], re: /\btransfer closed with (?:\d+ bytes remaining|outstanding read data)|\bbytes of body are still expected\b|\bIncompleteRead\(|\bPremature end of (?:Content-Length delimited message body|chunk coded message body)|\bContentLengthError\b/i },
  { tag: 'intermittent', hint: ['intermittent', 'sporadic', 'random', 'occasional', 'sometimes', 'time to time'], re: /\bintermittent(?:ly)?\b|\bsporadic(?:ally)?\b|\brandom(?:ly)?\b|\boccasional(?:ly)?\b|\bsometimes\b|\bfrom time to time\b/i },
];

export interface ContextRule {
  id: string;
  when: {
    error?: readonly string[];
    operation?: readonly Operation[];
    product?: readonly Product[];
    side?: readonly LogSide[];
    timing?: readonly TimingTag[];
  };
  causes: readonly ExplainCauseId[];
  /** why the rule ranks these first, for the docs and the JSON's lineContext.rankedBy */
  why: string;
}

const CLOSE_ERRORS = ['ECONNRESET', 'EPIPE', 'EOF', 'TLS_UNEXPECTED_EOF', 'ECONNABORTED'] as const;

export const CONTEXT_RULES: readonly ContextRule[] = [
  // closed while connecting (before any statement ran): no session existed to time out. The server is
  // down or restarting, over max_connections ("FATAL: sorry, too many clients already", runtime-config-connection),
  // refusing the client (pg_hba.conf, SSL required or not offered: libpq's sslmode), or a pooler or proxy in
  // front has no server behind it (https://www.postgresql.org/docs/current/runtime-config-connection.html)
  {
    id: 'database-client-closed-on-connect',
    when: { product: ['postgresql', 'mysql'], side: ['client'], error: CLOSE_ERRORS, operation: ['connect', 'tls_handshake'] },
    causes: ['server_crash_restart', 'connection_limit', 'tls_problem', 'firewall_intervention', 'wrong_service_on_port'],
    why: 'a database client whose connection closed while it was still connecting: no session existed yet to time out, so a server down or restarting, a connection limit, a TLS or access-rule refusal, or a pooler with no server behind it comes first',
  },
  {
    id: 'database-client-closed',
    when: { product: ['postgresql', 'mysql'], side: ['client'], error: CLOSE_ERRORS },
    causes: ['db_idle_timeout', 'server_crash_restart', 'middlebox_idle_timeout', 'connection_limit', 'app_error_close'],
    why: 'a database client whose server closed the connection: idle-session timeouts (wait_timeout, idle_in_transaction_session_timeout) and restarts come first, then a middlebox dropping the idle connection',
  },
  {
    id: 'database-client-refused',
    when: { product: ['postgresql', 'mysql'], side: ['client'], error: ['ECONNREFUSED'] },
    causes: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'wrong_service_on_port'],
    why: 'a database client that could not connect: the server is down or listens elsewhere (listen_addresses, bind-address)',
  },
  {
    id: 'idle-close',
    when: { error: CLOSE_ERRORS, timing: ['idle', 'first_request'] },
    causes: ['server_idle_timeout', 'middlebox_idle_timeout', 'wrote_after_peer_closed', 'server_crash_restart', 'app_error_close'],
    why: 'the line says the connection was idle (or reused after a quiet period): an idle timeout of the server or of a middlebox comes first',
  },
  {
    id: 'load-close-or-refuse',
    when: { error: ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EOF', 'EPIPE'], timing: ['under_load'] },
    causes: ['connection_limit', 'server_slow_or_overloaded', 'server_crash_restart', 'local_resource_exhaustion'],
    why: 'the line says it happens under load: a connection limit (backlog, max connections) or an overloaded server comes first',
  },
  {
    id: 'deploy-close-or-refuse',
    when: { error: ['ECONNRESET', 'ECONNREFUSED', 'EOF', 'EPIPE', 'HTTP_502', 'HTTP_503'], timing: ['deploy'] },
    causes: ['server_crash_restart', 'upstream_unavailable', 'nothing_listening', 'upstream_keepalive_mismatch'],
    why: 'the line says it happens during a deploy or restart: connections to stopping instances come first (drain them before stopping)',
  },
  // a body cut short: the sender stopped mid-response (a worker killed or restarted while streaming),
  // or something on the path cut a response that was still flowing or stalled (a proxy's read or send
  // timeout: nginx proxy_read_timeout / send_timeout, an ALB idle timeout while the server stalls), or
  // an IPS; an idle keep-alive timeout cannot strike in the middle of a response (RFC 9112 §6.3: an
  // incomplete message)
  {
    id: 'mid-body-close',
    when: { error: CLOSE_ERRORS, timing: ['mid_body'] },
    causes: ['server_crash_restart', 'upstream_timeout', 'middlebox_idle_timeout', 'firewall_intervention'],
    why: 'the connection ended in the middle of a response body: the server stopping mid-response (a crash or restart) or a timeout along the path comes first, not an idle timeout',
  },
  {
    id: 'long-transfer-reset',
    when: { error: ['ECONNRESET', 'EOF', 'ETIMEDOUT', 'EPIPE'], timing: ['long_transfer'] },
    causes: ['middlebox_idle_timeout', 'upstream_timeout', 'firewall_intervention', 'server_crash_restart'],
    why: 'the line says a large or long-running transfer: a timeout along the path (proxy read timeout, middlebox) comes first',
  },
  {
    id: 'proxy-upstream-reset',
    when: { side: ['proxy'], error: ['ECONNRESET', 'EOF', 'EPIPE'] },
    causes: ['upstream_keepalive_mismatch', 'upstream_reset', 'server_crash_restart', 'app_error_close'],
    why: 'a proxy\'s line about its upstream closing: the upstream closing idle keep-alive connections the proxy reuses comes first',
  },
];

export function timingTags(text: string, lower: string = text.toLowerCase()): TimingTag[] {
  return TIMING_WORDS.filter((t) => t.hint.some((h) => lower.includes(h)) && mayMatch(t.re, text, lower) && t.re.test(text)).map((t) => t.tag);
}
