/**
 * Building blocks for validators: issue builders with consistent wording, and small checks.
 * Every message names the field, the value and what is allowed.
 */
import type { Issue } from '../errors.js';
import type { IntRange } from '../models.js';

export type { Issue };

/** `a`, `a or b`, `a, b or c`. */
export function listWords(values: readonly (string | number)[]): string {
  const words = values.map(String);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A value as it appears in a message: strings quoted, others as JSON-ish text. */
export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

export function formatBytes(bytes: number): string {
  const MB = 1024 * 1024;
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

function make(path: string, code: string, message: string, allowed?: readonly (string | number)[]): Issue {
  return allowed ? { path, code, message, allowed: [...allowed] } : { path, code, message };
}

/** Issue builders. `subject` is the model name (or a phrase such as "image edits"). */
export const issues = {
  custom: make,
  required: (path: string, hint?: string): Issue =>
    make(path, 'required', `${path} is required${hint ? `; ${hint}` : ''}`),
  empty: (path: string): Issue => make(path, 'empty', `${path} must not be empty`),
  type: (path: string, value: unknown, expected: string): Issue =>
    make(path, 'invalid_type', `${path} must be ${expected} (got ${show(value)})`),
  integer: (path: string, value: unknown): Issue =>
    make(path, 'not_integer', `${path} must be an integer (got ${show(value)})`),
  range: (path: string, value: number, range: IntRange, subject?: string): Issue => {
    const by = subject ? ` for ${subject}` : '';
    const allowed = range.min === range.max ? `use ${range.min}` : `use ${range.min} to ${range.max}`;
    return make(path, 'out_of_range', `${path} ${value} is out of range${by}; ${allowed}`, [
      range.min,
      range.max,
    ]);
  },
  notAllowed: (path: string, value: unknown, allowed: readonly string[], subject: string): Issue =>
    make(
      path,
      'not_allowed',
      `${path} ${show(value)} is not supported by ${subject}; use ${listWords(allowed)}`,
      allowed,
    ),
  unsupportedField: (path: string, subject: string, supported: readonly string[]): Issue =>
    make(
      path,
      'unsupported_field',
      `${path} is not supported by ${subject}; it accepts ${listWords(supported)}`,
      supported,
    ),
  unknownField: (path: string, known: readonly string[]): Issue =>
    make(
      path,
      'unknown_field',
      `unknown field ${JSON.stringify(path)}; known fields are ${listWords(known)}`,
      known,
    ),
  tooLong: (path: string, length: number, max: number, subject: string): Issue =>
    make(path, 'too_long', `${path} is ${length} characters; ${subject} accepts at most ${max}`, [max]),
};

/** The same issue as a warning: Azure accepts the request; the message says what happens instead. */
export function asWarning(issue: Issue): Issue {
  // Built field by field: an object spread here was the costliest step of a valid request's check.
  const { path, code, message, allowed } = issue;
  return allowed
    ? { path, code, message, allowed, severity: 'warning' }
    : { path, code, message, severity: 'warning' };
}

/** Issues that stop a request. */
export function errorsOf(found: readonly Issue[]): Issue[] {
  return found.filter((i) => i.severity !== 'warning');
}

/** Issues that are reported but do not stop a request. */
export function warningsOf(found: readonly Issue[]): Issue[] {
  return found.filter((i) => i.severity === 'warning');
}

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'file' | 'files' | 'string[]' | 'any';

/** Checks that a field has its wire type; returns an issue or undefined. */
export function checkType(path: string, value: unknown, type: FieldType): Issue | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : issues.type(path, value, 'a string');
    case 'integer':
      if (typeof value !== 'number' || Number.isNaN(value)) return issues.type(path, value, 'an integer');
      return Number.isInteger(value) ? undefined : issues.integer(path, value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : issues.type(path, value, 'a number');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : issues.type(path, value, 'true or false');
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : issues.type(path, value, 'an array of strings');
    // Files, and fields of several shapes, are checked by the validator that knows their rules.
    case 'file':
    case 'files':
    case 'any':
      return undefined;
  }
}

/**
 * Generic object checks: the request is an object, every field is known and has its wire type,
 * and required fields are present. Returns the issues; fields with a wrong type are listed in `bad`.
 * `null` in a `nullable` field means "not set": the field is left out of `record`.
 */
export function checkShape(
  request: unknown,
  fields: Readonly<Record<string, FieldType>>,
  required: readonly string[],
  nullable: ReadonlySet<string> = NONE,
): { issues: Issue[]; bad: Set<string>; record: Record<string, unknown> } {
  const found: Issue[] = [];
  const bad = new Set<string>();
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return { issues: [issues.type('request', request, 'an object')], bad, record: {} };
  }
  const record = withoutNulls(request as Record<string, unknown>, nullable);
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    // A required field set to null is reported once, as missing, below.
    if (value === undefined || (value === null && required.includes(key))) continue;
    const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!type) {
      found.push(issues.unknownField(key, Object.keys(fields)));
      bad.add(key);
      continue;
    }
    const problem = checkType(key, value, type);
    if (problem) {
      found.push(problem);
      bad.add(key);
    }
  }
  for (const key of required) {
    const value = record[key];
    if (value === undefined || value === null) {
      found.push(issues.required(key));
      bad.add(key);
    } else if (typeof value === 'string' && value.trim() === '') {
      found.push(issues.empty(key));
      bad.add(key);
    }
  }
  return { issues: found, bad, record };
}

const NONE: ReadonlySet<string> = new Set();

/** The request without the nullable fields set to `null` (they mean "not set"). */
export function withoutNulls(
  record: Record<string, unknown>,
  nullable: ReadonlySet<string>,
): Record<string, unknown> {
  if (nullable.size === 0 || !hasNullIn(record, nullable)) return record;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!(v === null && nullable.has(k))) out[k] = v;
  return out;
}

function hasNullIn(record: Record<string, unknown>, nullable: ReadonlySet<string>): boolean {
  for (const key in record)
    if (record[key] === null && nullable.has(key) && Object.hasOwn(record, key)) return true;
  return false;
}

/** Checks a string value against a list the model allows. */
export function checkOneOf(
  out: Issue[],
  path: string,
  value: unknown,
  allowed: readonly string[] | undefined,
  subject: string,
): void {
  if (value === undefined || typeof value !== 'string') return;
  if (!allowed) return;
  if (!allowed.includes(value)) out.push(issues.notAllowed(path, value, allowed, subject));
}

/** Checks an integer value against a range. */
export function checkRange(
  out: Issue[],
  path: string,
  value: unknown,
  range: IntRange | undefined,
  subject?: string,
): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || !range) return;
  if (value < range.min || value > range.max) out.push(issues.range(path, value, range, subject));
}
