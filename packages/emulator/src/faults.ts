/**
 * Injected faults: the next `count` requests that match answer with a chosen failure instead of
 * (or on top of) the normal response.
 */

export type FaultKind = 'status' | 'reset' | 'delay' | 'truncate' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = ['status', 'reset', 'delay', 'truncate', 'slow'];

export interface FaultMatch {
  method?: string;
  /** Substring of the request path (without the query). */
  path?: string;
  /** Operation name, e.g. `images.generate`, `videoJobs.get` (see the README's table). */
  operation?: string;
  deployment?: string;
}

export interface FaultSpec {
  match?: FaultMatch;
  /** How many matching requests it hits. Default 1. */
  count?: number;
  kind: FaultKind;
  /** `status`: the status code (default 500). */
  status?: number;
  /** `status`: extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
  /** `status`: the body; an object is sent as JSON. Default: Azure's error shape for the status. */
  body?: unknown;
  /** `delay`: wall-clock milliseconds to wait before answering normally. */
  delayMs?: number;
  /** `truncate`: bytes of the real body to send before closing the connection. Default: half. */
  truncateAt?: number;
  /** `slow`: the real body trickles out at this many bytes per wall-clock second. */
  bytesPerSecond?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  operation: string;
  deployment?: string | undefined;
}

export function checkFault(spec: FaultSpec): void {
  if (!spec || typeof spec !== 'object')
    throw new TypeError('fault must be an object with at least { kind }');
  if (spec.match !== undefined) {
    if (!spec.match || typeof spec.match !== 'object')
      throw new TypeError(`fault.match must be an object, got ${JSON.stringify(spec.match)}`);
    for (const [key, value] of Object.entries(spec.match)) {
      if (!['method', 'path', 'operation', 'deployment'].includes(key)) {
        throw new TypeError(
          `fault.match.${key} is not a match field; allowed: method, path, operation, deployment`,
        );
      }
      if (typeof value !== 'string')
        throw new TypeError(`fault.match.${key} must be a string, got ${JSON.stringify(value)}`);
    }
  }
  if (!FAULT_KINDS.includes(spec.kind)) {
    throw new TypeError(`fault.kind is ${JSON.stringify(spec.kind)}; allowed: ${FAULT_KINDS.join(', ')}`);
  }
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) {
    throw new TypeError(`fault.count must be a positive integer, got ${JSON.stringify(spec.count)}`);
  }
  if (
    spec.status !== undefined &&
    (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)
  ) {
    throw new TypeError(`fault.status must be an HTTP status 100-599, got ${JSON.stringify(spec.status)}`);
  }
  if (spec.delayMs !== undefined && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
    throw new TypeError(`fault.delayMs must be a non-negative number, got ${JSON.stringify(spec.delayMs)}`);
  }
  if (spec.kind === 'slow' && !(typeof spec.bytesPerSecond === 'number' && spec.bytesPerSecond > 0)) {
    throw new TypeError(
      `fault.bytesPerSecond must be a positive number for kind 'slow', got ${JSON.stringify(spec.bytesPerSecond)}`,
    );
  }
  if (spec.truncateAt !== undefined && !(Number.isInteger(spec.truncateAt) && spec.truncateAt >= 0)) {
    throw new TypeError(
      `fault.truncateAt must be a non-negative integer, got ${JSON.stringify(spec.truncateAt)}`,
    );
  }
}

export function matches(fault: Fault, t: FaultTarget): boolean {
  const m = fault.match ?? {};
  if (m.method && m.method.toUpperCase() !== t.method) return false;
  if (m.path && !t.path.includes(m.path)) return false;
  if (m.operation && m.operation !== t.operation) return false;
  if (m.deployment && m.deployment !== t.deployment) return false;
  return true;
}
