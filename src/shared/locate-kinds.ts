/**
 * The locate experiment's vocabulary (a leaf: src/knowledge/locate.ts keys its tables on these
 * without importing diagnose/). The records themselves are in src/diagnose/locate-types.ts.
 */

/** What ended the original probe, which locate tries to reproduce hop by hop. */
export type LocateAnswer = 'reset' | 'fin' | 'silence';

export type Sender = 'server' | 'middlebox' | 'unknown';

/** What kind of middlebox the evidence fits, by when it acted (see src/knowledge/locate.ts). */
export type MiddleboxKind = 'firewall_reject' | 'ips_payload' | 'conntrack_expiry' | 'firewall_drop' | 'payload_drop' | 'state_expiry_drop' | 'proxy_close';
