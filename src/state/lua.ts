// Lua scripts are sent by their SHA1 (EVALSHA): a script travels once per Redis server rather than
// with every call (the rate limiter runs one on every request, the ledger on every change). A
// server that does not know it yet (NOSCRIPT: first use, a restart, SCRIPT FLUSH) gets the whole
// script once more.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

export async function runScript(
  redis: Redis,
  lua: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = shas.get(lua);
  if (!sha) shas.set(lua, (sha = createHash('sha1').update(lua).digest('hex')));
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(lua, keys.length, ...keys, ...args);
  }
}
