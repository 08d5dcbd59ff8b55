import type { AnyTask } from './task.ts';

/**
 * Every task() call registers its function under (module URL, name). A worker
 * imports the module, which re-runs the same task() calls, then finds the function
 * here. The map lives on globalThis so that two copies of concur in one program
 * (say dist/ and a bundled copy) still share it.
 */
const kRegistry = Symbol.for('concur.task-registry');
type Registry = Map<string, Map<string, AnyTask>>;
const holder = globalThis as { [kRegistry]?: Registry };
const registry: Registry = holder[kRegistry] ?? new Map();
holder[kRegistry] = registry;

export function registerTask(task: AnyTask): AnyTask | undefined {
  let byName = registry.get(task.moduleUrl);
  if (byName === undefined) {
    byName = new Map();
    registry.set(task.moduleUrl, byName);
  }
  const existing = byName.get(task.taskName);
  if (existing === undefined) byName.set(task.taskName, task);
  return existing;
}

export function lookupTask(moduleUrl: string, name: string): AnyTask | undefined {
  return registry.get(moduleUrl)?.get(name);
}
