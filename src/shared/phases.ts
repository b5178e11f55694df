/** The phases of a probe, in order (a leaf: knowledge tables name phases without importing diagnose/). */
export const PHASES = ['resolve', 'connect', 'tls', 'banner', 'send', 'reply', 'idle', 'resume'] as const;
export type Phase = (typeof PHASES)[number];
