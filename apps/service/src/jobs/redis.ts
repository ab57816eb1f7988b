import { Redis, type RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * Connection settings shared by the job store and Bull. Commands wait for a reconnect instead of
 * failing after a few tries, so a Redis restart pauses work rather than failing jobs.
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
