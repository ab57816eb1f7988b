/** Checks of request values against the model table, answering Azure's 400s. */
import type { IntRange, ModelSpec } from '@aoai-media/core';
import {
  badRequest,
  HttpError,
  invalidValue,
  missingParameter,
  operationNotSupported,
  unknownParameter,
} from './errors.js';

export function oneOf<T extends string>(
  param: string,
  value: unknown,
  allowed: readonly T[] | undefined,
  model: string,
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!allowed) throw unknownParameter(param, model);
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalidValue(param, value, allowed);
  return value as T;
}

/** An integer within the range; multipart sends numbers as text, so digits are accepted. */
export function intIn(param: string, value: unknown, range: IntRange): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw invalidValue(param, value, `Expected an integer between ${range.min} and ${range.max}.`);
  }
  if (n < range.min || n > range.max) {
    throw new HttpError(400, {
      code: n < range.min ? 'integer_below_min_value' : 'integer_above_max_value',
      message: `Invalid '${param}': ${n}. Expected a value between ${range.min} and ${range.max}.`,
      param,
      type: 'invalid_request_error',
    });
  }
  return n;
}

export function numberIn(param: string, value: unknown, range: IntRange): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < range.min || n > range.max) {
    throw invalidValue(param, value, `Expected a number between ${range.min} and ${range.max}.`);
  }
  return n;
}

export function requireString(param: string, value: unknown, maxLength?: number): string {
  if (value === undefined || value === null) throw missingParameter(param);
  if (typeof value !== 'string') throw invalidValue(param, value, 'Expected a string.');
  if (value.trim() === '') throw badRequest(`'${param}' must not be empty.`, param, 'invalid_value');
  if (maxLength !== undefined && value.length > maxLength) {
    throw new HttpError(400, {
      code: 'string_above_max_length',
      message: `Invalid '${param}': string too long. Expected a string with maximum length ${maxLength}, but got a string with length ${value.length} instead.`,
      param,
      type: 'invalid_request_error',
    });
  }
  return value;
}

export function optionalString(param: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(param, value, 'Expected a string.');
  return value;
}

/** Every field must be one the model accepts. */
export function onlyFields(fields: Record<string, unknown>, allowed: readonly string[], model: string): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (!allowed.includes(key)) throw unknownParameter(key, model);
  }
}

/** The deployment's model when it is of the wanted kind; Azure's OperationNotSupported otherwise. */
export function modelOfKind<K extends ModelSpec['kind']>(
  model: ModelSpec,
  kind: K,
  operation: string,
): Extract<ModelSpec, { kind: K }> {
  if (model.kind !== kind) throw operationNotSupported(operation, model.name);
  return model as Extract<ModelSpec, { kind: K }>;
}
