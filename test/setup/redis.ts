// Decides once per run whether the Redis-backed variants of the suites run. Locally, a missing
// Redis drops them with a warning; under CI (CI set) a missing Redis fails the run instead.
import { Redis } from 'ioredis';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379/0';

async function reachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const ok = await reachable(REDIS_TEST_URL);
  if (!ok && process.env.CI) {
    throw new Error(
      `Redis is not reachable at ${REDIS_TEST_URL}, and CI is set: the Redis-backed tests must run.`,
    );
  }
  if (!ok)
    console.warn(`[tests] Redis not reachable at ${REDIS_TEST_URL}: running the in-memory state only.`);
  project.provide('redisUrl', ok ? REDIS_TEST_URL : '');
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
