import { Redis, type RedisOptions } from 'ioredis';

/** The connection the workers use: it waits out a Redis restart and carries on. */
export const REDIS = Symbol('REDIS');
/** The connection request handlers use: it fails fast, so a request never waits on a Redis that is down. */
export const REDIS_FOR_REQUESTS = Symbol('REDIS_FOR_REQUESTS');

/**
 * Connection settings shared by the workers' store and Bull. Commands wait for a reconnect instead
 * of failing after a few tries, so a Redis restart pauses work rather than failing jobs.
 */
export function redisOptions(url: string): RedisOptions & { host?: string; port?: number } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2000),
  };
}

export function createRedis(url: string): Redis {
  return new Redis(redisOptions(url));
}

/**
 * For request handlers: while Redis is unreachable a command fails at once (nothing is queued to
 * run when Redis returns, so a request answered 503 is never carried out later), and a command
 * that gets no answer fails after `commandTimeoutMs`.
 */
export function createRequestRedis(url: string, commandTimeoutMs: number): Redis {
  return new Redis({
    ...redisOptions(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
  });
}
