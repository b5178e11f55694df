/**
 * The neutral payload of the payload differential: a harmless request of the same protocol as the
 * user's (GET / instead of the user's path and headers, PING for Redis). Pure: the planner asks
 * whether one exists that differs from what was sent; the probe side turns it into bytes.
 */
import type { Observation } from './observation.js';

export type NeutralPayload =
  | { kind: 'http_root'; what: string }
  | { kind: 'text'; text: string; what: string };

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE) /;

/** The neutral payload for this observation, or null when there is none that differs from what was sent. */
export function neutralPayloadFor(obs: Observation, sentText: string | null = null): NeutralPayload | null {
  const scheme = obs.scheme;
  const http = scheme === 'http' || scheme === 'https' || obs.options.send === 'http' || (sentText !== null && HTTP_METHOD.test(sentText));
  if (http) {
    // the default HTTP request to / is already neutral: nothing to compare it with
    if (obs.options.send === 'http' && pathOf(obs.target) === '/') return null;
    return { kind: 'http_root', what: 'GET / HTTP/1.1 request' };
  }
  if (scheme === 'redis' || scheme === 'rediss') {
    return obs.options.send === 'protocol' ? null : { kind: 'text', text: 'PING\r\n', what: 'Redis PING' };
  }
  if (obs.options.send === 'none' || obs.options.send === 'protocol') return null;
  return { kind: 'text', text: '\r\n', what: 'empty line' };
}

/** The path and query of a URL target; '/' for host:port targets. */
export function pathOf(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || !URL.canParse(target)) return '/';
  const url = new URL(target);
  return `${url.pathname || '/'}${url.search}`;
}
