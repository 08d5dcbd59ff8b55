import { type Movable, marks } from './transfer-marks.ts';

/**
 * Finds the values `transfer()` marked inside `value` (a call's arguments, a task's result)
 * and takes their marks: what postMessage must move. Walks arrays, plain objects, Maps and
 * Sets, as structured clone does; it stops as soon as every outstanding mark is found, and
 * never looks inside a typed array. Callers check `marks.pending > 0` first: a call without
 * transfers costs one property read.
 */
export function takeTransfers(value: unknown): Movable[] | undefined {
  if (marks.pending === 0) return undefined;
  const found: Movable[] = [];
  walk(value, found, new Set());
  return found.length === 0 ? undefined : found;
}

/** The call that took these is over (sent, cancelled, or run in this thread): they may be marked again. */
export function releaseTransfers(moved: readonly Movable[]): void {
  for (const value of moved) marks.moving.delete(value);
}

/** Lets go of the marks inside `value` without moving anything (a value that stays in this thread). */
export function dropTransfers(value: unknown): void {
  const moved = takeTransfers(value);
  if (moved !== undefined) releaseTransfers(moved);
}

function take(value: object, found: Movable[]): boolean {
  if (!marks.marked.has(value)) return false;
  marks.marked.delete(value);
  marks.pending--;
  marks.moving.add(value);
  found.push(value as Movable);
  return true;
}

function walk(value: unknown, found: Movable[], seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || marks.pending === 0 || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    take(value.buffer, found);
    return;
  }
  if (take(value, found)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], found, seen);
  } else if (value instanceof Map) {
    for (const [key, item] of value) {
      walk(key, found, seen);
      walk(item, found, seen);
    }
  } else if (value instanceof Set) {
    for (const item of value) walk(item, found, seen);
  } else if (!(value instanceof ArrayBuffer)) {
    for (const key of Object.keys(value))
      walk((value as Record<string, unknown>)[key], found, seen);
  }
}
