/**
 * The timeline under construction. Times come from performance.now() (monotonic) relative to the
 * probe's start, rounded to microseconds; they are taken inside the socket callbacks, so the time
 * of an event is when Node saw it, not when our code got round to it.
 */
import type { Phase, TimelineEvent } from '../diagnose/observation.js';
import { MAX_RECEIVED_EVENTS, PREVIEW_CHARS } from './defaults.js';
import { escapeBytes } from './preview.js';

type Distribute<T> = T extends unknown ? Omit<T, 't' | 'phase'> : never;
export type EventBody = Distribute<TimelineEvent>;

export class Recorder {
  readonly events: TimelineEvent[] = [];
  private readonly start = performance.now();
  private receivedEvents = 0;

  now(): number {
    return Math.round((performance.now() - this.start) * 1000) / 1000;
  }

  /** told of every event as it is recorded (tests stop a probe at a chosen phase with it) */
  listener: ((event: TimelineEvent) => void) | null = null;

  add(phase: Phase, body: EventBody, t: number = this.now()): void {
    const event = { t, phase, ...body } as TimelineEvent;
    this.events.push(event);
    this.listener?.(event);
  }

  /** Records received bytes; past the cap, chunks are added to the last received event. */
  received(phase: Phase, chunk: Uint8Array, t: number = this.now()): void {
    const last = this.events[this.events.length - 1];
    if (this.receivedEvents >= MAX_RECEIVED_EVENTS && last?.kind === 'received') {
      last.bytes += chunk.length;
      return;
    }
    this.receivedEvents++;
    this.add(phase, { kind: 'received', bytes: chunk.length, preview: escapeBytes(chunk, PREVIEW_CHARS) }, t);
  }
}
