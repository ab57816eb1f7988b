/**
 * Structured JSON logs (pino). Keys and tokens are redacted by path; long base64 strings (image
 * payloads) are replaced wherever they appear, so a logged object can never carry media or secrets.
 */
import { pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

export const LOGGER = Symbol('LOGGER');
export type Log = Logger;

const REDACT = [
  'apiKey',
  '*.apiKey',
  'headers["api-key"]',
  'headers.authorization',
  '*.headers["api-key"]',
  '*.headers.authorization',
  'req.headers["api-key"]',
  'req.headers.authorization',
  'b64_json',
  '*.b64_json',
  '*.*.b64_json',
  'partial_image_b64',
  'result',
  'secret',
  '*.secret',
];

const BASE64_RUN = /[A-Za-z0-9+/]{200,}={0,2}/g;

/** Replace long base64 runs anywhere in a value (bounded depth). */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length >= 200 ? value.replace(BASE64_RUN, '[base64 removed]') : value;
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: scrub(value.message, depth + 1) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'aoai-media' },
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as never,
  );
}

/** Nest's own messages go through the same pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pinoLog: Logger) {}
  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.pinoLog[level]({ context }, typeof message === 'string' ? message : JSON.stringify(scrub(message)));
  }
  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
