/**
 * What a cause's title asserts about the timeline, as data: a cause whose title contradicts what
 * the timeline shows is never ranked ("closed the socket without replying" after a reply).
 */
import type { CauseId } from './causes.js';

/** 'no_reply': no byte answered our request before the connection ended; 'replied': some did. */
export type TimelineClaim = 'no_reply' | 'replied';

export const CAUSE_CLAIMS: Readonly<Partial<Record<CauseId, TimelineClaim>>> = {
  app_error_close: 'no_reply', // "The application closed the socket without replying"
  server_closes_after_reply: 'replied', // "... closes the connection after each reply"
  reset_after_reply: 'replied', // "... reset the connection after replying"
};
