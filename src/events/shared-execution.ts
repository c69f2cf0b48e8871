// One status event, many subscribers: GraphQL executes a subscription's selection once per event
// and subscriber, which at a thousand subscribers is most of the fan-out's cost. Subscribers that
// sent the same document and variables under the same API key get the same result, so it is
// executed once per event for all of them (events/subscriptions.ts hands every live subscriber the
// same event object) and shared.
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Per event object: its result per subscription key, kept while any subscriber holds the event. */
const results = new WeakMap<object, Map<string, Result>>();
/** Where a document carries no source text, its identity names the query. */
const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** `source` mapped through `fn`, passing return() straight through (a pending next() must not block it). */
function mapEvents<T, U>(
  source: AsyncIterable<T>,
  fn: (value: T) => U | Promise<U>,
): AsyncIterableIterator<U> {
  const it = source[Symbol.asyncIterator]();
  const map = async (r: IteratorResult<T>): Promise<IteratorResult<U>> =>
    r.done ? { done: true, value: undefined } : { done: false, value: await fn(r.value) };
  return {
    next: () => it.next().then(map),
    return: async () => (it.return ? map(await it.return()) : { done: true, value: undefined }),
    throw: async (error: unknown) => {
      if (it.throw) return map(await it.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `keyOf(context)`: who is asking (results may differ by API key: authorization is per field). */
export function sharedEventExecution(keyOf: (context: unknown) => string | null): Plugin {
  const subscribe = async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const who = keyOf(args.contextValue);
    // The query's text (HTTP and WebSocket parse the same text into different documents).
    let query = args.document.loc?.source.body;
    if (query === undefined) {
      let id = documentIds.get(args.document);
      if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
      query = `#${id}`;
    }
    const key = JSON.stringify([query, args.operationName ?? null, args.variableValues ?? {}, who]);
    return mapEvents(stream, async (event) => {
      if (who === null || typeof event !== 'object' || event === null)
        return execute({ ...args, rootValue: event });
      let byKey = results.get(event);
      if (!byKey) results.set(event, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = execute({ ...args, rootValue: event })));
      // A copy each: what later plugins do to one subscriber's result stays with that subscriber.
      return { ...(await result) };
    });
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}
