// payoutStatusChanged: replay from the event log after a cursor, then live, with no gap and no
// duplicate. The live listener is attached before the replay starts; what arrives meanwhile waits
// in a buffer, and every entry at or before the last one delivered is skipped, so the hand-over
// from replay to live loses nothing and repeats nothing.
import { Repeater } from 'graphql-yoga';
import { InvalidStateError, ValidationError } from '../domain/errors.ts';
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

/**
 * Every listener of one announcement gets the same entry object: it is decoded once for all of
 * them, not once per subscriber, into one event object they all deliver (the payout snapshot is
 * read, never changed, by resolvers; shared-execution.ts executes once per event object).
 */
const decoded = new WeakMap<LogEntry, DeliveredEvent>();
function decodeOnce(entry: LogEntry): DeliveredEvent {
  let event = decoded.get(entry);
  if (!event) decoded.set(entry, (event = { ...decodeEvent(entry.value), cursor: entry.cursor }));
  return event;
}
/**
 * Live events a subscriber may leave unread. Past it the subscription ends with an error naming
 * the last cursor it received, so a stalled client costs bounded memory and can resume with `after`.
 */
const MAX_UNREAD = 1000;

async function checkCursor(events: EventState, after: string): Promise<void> {
  if (!CURSOR.test(after)) throw new ValidationError('after', 'after must be an event’s cursor.');
  const head = await events.head();
  if (head === null || compareCursors(after, head) > 0) {
    throw new ValidationError('after', 'after is not a cursor of this event log; subscribe without it.');
  }
  if (await events.trimmedAfter(after)) {
    throw new ValidationError(
      'after',
      'Events after this cursor are no longer kept; read the payouts again and subscribe without after.',
    );
  }
}

export async function statusEvents(
  events: EventState,
  filter: EventFilter,
  after: string | null,
): Promise<AsyncIterable<DeliveredEvent>> {
  if (after !== null) await checkCursor(events, after);
  const matches = (e: StatusEvent) =>
    (!filter.provider || e.provider === filter.provider) &&
    (!filter.providerPayoutId || e.providerPayoutId === filter.providerPayoutId);

  return new Repeater<DeliveredEvent>(async (push, stop) => {
    let last = after;
    let delivered = after;
    let live = false;
    let stopped = false;
    let unread = 0;
    void stop.then(() => (stopped = true));
    const buffer: LogEntry[] = [];
    /** The event to deliver for `entry`, or null for one already past or not matching. */
    const accept = (entry: LogEntry): DeliveredEvent | null => {
      if (last !== null && compareCursors(entry.cursor, last) <= 0) return null;
      last = entry.cursor;
      const event = decodeOnce(entry);
      return matches(event) ? event : null;
    };
    const listener = (message: CustomEvent<LogEntry>) => {
      if (!live) return void buffer.push(message.detail);
      // Runs inside the announcer (Redis's message handler): it must never throw.
      try {
        const event = accept(message.detail);
        if (!event || stopped) return;
        if (unread >= MAX_UNREAD) {
          stop(
            new InvalidStateError(
              `This subscriber fell ${MAX_UNREAD} events behind; subscribe again with after: "${delivered ?? ''}".`,
            ),
          );
          return;
        }
        unread++;
        push(event).then(
          () => {
            unread--;
            delivered = event.cursor;
          },
          () => {},
        );
      } catch (error) {
        stop(error);
      }
    };
    events.live.addEventListener(events.topic, listener);
    try {
      // The replay waits for the client to take each event: however long, it cannot overflow.
      for (let cursor = after; cursor !== null && !stopped;) {
        const page = await events.read(cursor, REPLAY_PAGE);
        for (const entry of page) {
          const event = accept(entry);
          if (event && !stopped) await push(event);
          delivered = last;
        }
        cursor = page.length === REPLAY_PAGE ? page.at(-1)!.cursor : null;
      }
      while (buffer.length && !stopped) {
        const event = accept(buffer.shift()!);
        if (event) await push(event);
        delivered = last;
      }
      live = true;
      await stop;
    } catch (error) {
      stop(error);
    } finally {
      events.live.removeEventListener(events.topic, listener);
    }
  });
}
