// payoutStatusChanged: replay from the event log after a cursor, then live, with no gap and no
// duplicate. The live listener is attached before the replay starts; what arrives meanwhile waits
// in a buffer, and every entry at or before the last one delivered is skipped, so the hand-over
// from replay to live loses nothing and repeats nothing.
import { Repeater } from 'graphql-yoga';
import { ValidationError } from '../domain/errors.ts';
import type { ProviderName } from '../domain/provider.ts';
import { compareCursors, CURSOR, type EventState, type LogEntry } from '../state/types.ts';
import { decodeEvent, type StatusEvent } from './ledger.ts';

export interface DeliveredEvent extends StatusEvent {
  cursor: string;
}

export interface EventFilter {
  provider?: ProviderName | null;
  providerPayoutId?: string | null;
}

const REPLAY_PAGE = 500;

export async function statusEvents(
  events: EventState,
  filter: EventFilter,
  after: string | null,
): Promise<AsyncIterable<DeliveredEvent>> {
  if (after !== null) {
    if (!CURSOR.test(after)) throw new ValidationError('after', 'after must be an event’s cursor.');
    if (await events.trimmedAfter(after)) {
      throw new ValidationError(
        'after',
        'Events after this cursor are no longer kept; read the payouts again and subscribe without after.',
      );
    }
  }
  const matches = (e: StatusEvent) =>
    (!filter.provider || e.provider === filter.provider) &&
    (!filter.providerPayoutId || e.providerPayoutId === filter.providerPayoutId);

  return new Repeater<DeliveredEvent>(async (push, stop) => {
    let last = after;
    let live = false;
    let stopped = false;
    void stop.then(() => (stopped = true));
    const buffer: LogEntry[] = [];
    const deliver = (entry: LogEntry) => {
      if (last !== null && compareCursors(entry.cursor, last) <= 0) return;
      last = entry.cursor;
      const event = decodeEvent(entry.value);
      if (matches(event)) void push({ ...event, cursor: entry.cursor });
    };
    const listener = (event: CustomEvent<LogEntry>) => {
      if (live) deliver(event.detail);
      else buffer.push(event.detail);
    };
    events.live.addEventListener(events.topic, listener);
    try {
      for (let cursor = after; cursor !== null && !stopped;) {
        const page = await events.read(cursor, REPLAY_PAGE);
        page.forEach(deliver);
        cursor = page.length === REPLAY_PAGE ? page.at(-1)!.cursor : null;
      }
      buffer.splice(0).forEach(deliver);
      live = true;
      await stop;
    } catch (error) {
      stop(error);
    } finally {
      events.live.removeEventListener(events.topic, listener);
    }
  });
}
