/**
 * Payload differential: one probe with a neutral payload of the same protocol (src/diagnose/neutral.ts):
 * GET / instead of the user's path and headers, PING for Redis, an empty line otherwise.
 */
import { neutralPayloadFor } from '../../diagnose/neutral.js';
import { trial, type ExperimentModule } from './context.js';

export const neutralPayload: ExperimentModule = {
  async run(ctx) {
    const neutral = neutralPayloadFor(ctx.obs);
    if (!neutral) return [];
    const change = neutral.kind === 'http_root' ? { target: { path: '/' }, payload: { kind: 'http' as const } } : { payload: { kind: 'text' as const, text: neutral.text } };
    return [await trial(ctx, 'neutral', change)];
  },
};
