/**
 * Server and proxy timers that end a connection on their own schedule, as data: when a failure
 * comes back at the same delay every time, these are the settings that fit. `fires` says what the
 * client was doing when the timer ran out; `ends` how the server ends the connection. Each row
 * names its source.
 */

export type TimerTrigger =
  /** connected and said nothing */
  | 'silent_client'
  /** sent part of a request (or something the server did not take as a whole request) */
  | 'incomplete_request'
  /** sent a whole request; the answer never came before the timer */
  | 'after_request';

export interface ServerTimer {
  software: string;
  setting: string;
  /** the default, in ms; null when it has none (off unless set) */
  defaultMs: number | null;
  fires: readonly TimerTrigger[];
  /** how the connection ends when it fires */
  ends: 'close' | 'reset' | 'close_or_reset' | 'reply_then_close';
  /** how it ends with a reset, when a setting decides */
  note?: string;
  source: string;
}

export const SERVER_TIMERS: readonly ServerTimer[] = [
  {
    software: 'nginx',
    setting: 'client_header_timeout',
    defaultMs: 60_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close_or_reset',
    note: 'an RST with reset_timedout_connection on, else a close without reply',
    source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#client_header_timeout',
  },
  {
    software: 'nginx',
    setting: 'client_body_timeout',
    defaultMs: 60_000,
    fires: ['incomplete_request'],
    ends: 'close_or_reset',
    note: 'an RST with reset_timedout_connection on',
    source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#client_body_timeout',
  },
  {
    software: 'HAProxy',
    setting: 'timeout http-request',
    defaultMs: null,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'reply_then_close',
    note: 'answers 408 in mode http',
    source: 'https://docs.haproxy.org/2.8/configuration.html#4-timeout%20http-request',
  },
  {
    software: 'HAProxy',
    setting: 'timeout client',
    defaultMs: null,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://docs.haproxy.org/2.8/configuration.html#4-timeout%20client',
  },
  {
    software: 'HAProxy',
    setting: 'timeout server',
    defaultMs: null,
    fires: ['after_request'],
    ends: 'close_or_reset',
    note: 'mode tcp closes the client side; mode http answers 504',
    source: 'https://docs.haproxy.org/2.8/configuration.html#4-timeout%20server',
  },
  {
    software: 'PostgreSQL',
    setting: 'authentication_timeout',
    defaultMs: 60_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-AUTHENTICATION-TIMEOUT',
  },
  {
    software: 'MySQL',
    setting: 'connect_timeout',
    defaultMs: 10_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_connect_timeout',
  },
  {
    software: 'Apache httpd',
    setting: 'RequestReadTimeout header=',
    defaultMs: 20_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'reply_then_close',
    note: 'header=20-40,MinRate=500 by default; answers 408 once part of a request came',
    source: 'https://httpd.apache.org/docs/2.4/mod/mod_reqtimeout.html',
  },
  {
    software: 'Node.js http.Server',
    setting: 'headersTimeout',
    defaultMs: 60_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'reply_then_close',
    note: 'answers 408 Request Timeout (Node 18+)',
    source: 'https://nodejs.org/api/http.html#serverheaderstimeout',
  },
  {
    software: 'Node.js http.Server',
    setting: 'requestTimeout',
    defaultMs: 300_000,
    fires: ['incomplete_request'],
    ends: 'reply_then_close',
    source: 'https://nodejs.org/api/http.html#serverrequesttimeout',
  },
  {
    software: 'Go net/http',
    setting: 'Server.ReadHeaderTimeout / ReadTimeout',
    defaultMs: null,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://pkg.go.dev/net/http#Server',
  },
  {
    software: 'Gunicorn',
    setting: 'timeout (worker)',
    defaultMs: 30_000,
    fires: ['after_request'],
    ends: 'close_or_reset',
    note: 'the worker is killed and restarted',
    source: 'https://docs.gunicorn.org/en/stable/settings.html#timeout',
  },
  {
    software: 'OpenSSH',
    setting: 'LoginGraceTime',
    defaultMs: 120_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://man.openbsd.org/sshd_config#LoginGraceTime',
  },
  {
    software: 'Postfix',
    setting: 'smtpd_timeout',
    defaultMs: 300_000,
    fires: ['silent_client', 'incomplete_request'],
    ends: 'close',
    source: 'https://www.postfix.org/postconf.5.html#smtpd_timeout',
  },
];

/** Within 2 % (at least 50 ms) of a whole number of seconds, as a configured timer fires. */
export function isRoundSeconds(ms: number): boolean {
  if (ms < 900) return false;
  const nearest = Math.round(ms / 1000) * 1000;
  return Math.abs(ms - nearest) <= Math.max(50, ms * 0.02);
}

/**
 * The timers that fit a delay, a trigger and how the connection ended: those whose default matches
 * first, then those configurable to any value. A reset lists the timers that can reset first.
 */
export function matchTimers(delayMs: number, trigger: TimerTrigger, ended: 'close' | 'reset'): { timer: ServerTimer; atDefault: boolean }[] {
  const fits = SERVER_TIMERS.filter((t) => t.fires.includes(trigger) && (ended === 'reset' ? t.ends === 'reset' || t.ends === 'close_or_reset' : t.ends !== 'reset'));
  const atDefault = (t: ServerTimer): boolean => t.defaultMs !== null && Math.abs(delayMs - t.defaultMs) <= Math.max(100, t.defaultMs * 0.02);
  return fits.map((timer) => ({ timer, atDefault: atDefault(timer) })).sort((a, b) => Number(b.atDefault) - Number(a.atDefault));
}
