/**
 * Whose side a log line is written from, as data. The same errno means opposite things in a
 * client's log and in a server's: nginx's `client timed out (110: ...)` is nginx (the server)
 * giving up on a slow or idle CLIENT, while `upstream timed out (110: ...)` is nginx (acting as a
 * client) giving up on a slow UPSTREAM server. A perspective names the other end of the connection,
 * says so in a note, and ranks the causes that fit that side. The first row whose pattern matches
 * wins, so specific rows come before general ones. Patterns are linear (no nested quantifiers).
 */
import type { CauseId } from './causes.js';
import type { LogSource } from './log-patterns.js';

/** The other end of the connection, seen from the program that wrote the log. */
export type LogPeer = 'client' | 'upstream';

export interface LogPerspective {
  source: LogSource;
  re: RegExp;
  peer: LogPeer;
  /** one sentence for the reader: who wrote the line and who the other end is */
  note: string;
  /** causes that fit this side, most likely first; absent: the error's own ranking stands */
  causes?: readonly CauseId[];
  /**
   * which endpoint in the line is worth a `connreset probe`: 'upstream' only the backend the line
   * names as its upstream (not the server's own `server:` or `host:` address), 'none' nothing: a
   * server's line about its client names no server to probe (the client has no listening port).
   */
  probe: 'upstream' | 'none';
}

const NGINX_CLIENT =
  'nginx wrote this about its CLIENT (the browser, app, load balancer or proxy that connected to nginx), not about a server: nginx was the server here, and nginx was not slow.';
const NGINX_UPSTREAM =
  'nginx wrote this about its UPSTREAM (the backend server it proxies to): nginx was the client of that connection, so the other end is the backend named in `upstream:`.';

export const LOG_PERSPECTIVES: readonly LogPerspective[] = [
  // nginx's client_header_timeout / client_body_timeout / send_timeout expired
  {
    source: 'nginx',
    re: /\bclient timed out\b/,
    peer: 'client',
    note: `${NGINX_CLIENT} Its timer for the client expired: client_header_timeout (\`while waiting for request\`, \`while reading client request headers\`), client_body_timeout (\`while reading client request body\`) or send_timeout (\`while sending to client\`).`,
    causes: ['client_slow_or_gone', 'middlebox_idle_timeout'],
    probe: 'none',
  },
  // the client closed first (nginx's 499): usually its own timeout ran out while the upstream was slow
  {
    source: 'nginx',
    re: /\bclient prematurely closed connection\b|\bclient (?:[0-9A-Fa-f.:]{2,45} )?closed (?:keepalive )?connection\b/,
    peer: 'client',
    note: `${NGINX_CLIENT} The client closed its connection first: before nginx had answered (status 499 in the access log; when an upstream is named, it was still working on the reply), or, \`while waiting for request\` or on a keep-alive connection, without sending a request at all.`,
    causes: ['client_slow_or_gone', 'upstream_timeout', 'server_slow_or_overloaded'],
    // the upstream in the line, if any, is worth probing: its response time is what the client gave up on
    probe: 'upstream',
  },
  {
    source: 'nginx',
    re: /\bupstream timed out\b[^\n]{0,120}?\bwhile connecting to upstream\b/,
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend did not accept the connection within proxy_connect_timeout (default 60 s).`,
    causes: ['packet_filter_drop', 'connection_limit', 'routing_problem', 'upstream_timeout'],
    probe: 'upstream',
  },
  {
    source: 'nginx',
    re: /\bupstream timed out\b/,
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend accepted the request but did not answer within proxy_read_timeout (fastcgi_read_timeout, uwsgi_read_timeout for those upstreams; or took the request too slowly for proxy_send_timeout; all default to 60 s): the client sees 504.`,
    causes: ['upstream_timeout', 'server_slow_or_overloaded', 'middlebox_idle_timeout', 'packet_filter_drop'],
    probe: 'upstream',
  },
  {
    source: 'nginx',
    re: /\bupstream prematurely closed connection\b/,
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend closed the connection before its reply was complete: the client sees 502 (or a cut-off body).`,
    causes: ['upstream_keepalive_mismatch', 'app_error_close', 'server_crash_restart', 'upstream_reset'],
    probe: 'upstream',
  },
  // a reset while waiting for the reply: mostly a kept-alive connection the backend had just closed
  {
    source: 'nginx',
    re: /Connection reset by peer\) while (?:reading response header from upstream|sending request to upstream|reading upstream)\b/,
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend reset the connection before its reply was complete: the client sees 502.`,
    causes: ['upstream_keepalive_mismatch', 'upstream_reset', 'server_crash_restart', 'app_error_close'],
    probe: 'upstream',
  },
  // any other line about an upstream (recv() failed ... from upstream, connect() failed ... to upstream):
  // the error's own causes fit, the note says whose they are
  {
    source: 'nginx',
    re: /\b(?:from|to) upstream\b|\bwhile reading upstream\b|\bupstream: "/,
    peer: 'upstream',
    note: NGINX_UPSTREAM,
    probe: 'upstream',
  },
];

export function perspectiveOf(text: string): LogPerspective | null {
  return LOG_PERSPECTIVES.find((p) => p.re.test(text)) ?? null;
}
