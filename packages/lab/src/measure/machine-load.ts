import { availableParallelism, cpus, loadavg } from 'node:os';

/** How busy the machine was around the runs, judged without looking at the runs. */
export interface MachineLoad {
  cores: number;
  /** One-minute load average when the command started. */
  loadAverage: number;
  /**
   * Share of a core a short busy loop got on this process's main thread (the lowest of
   * the readings before and after the runs): near 1 on a machine with a core to spare.
   */
  referenceShare: number;
  /** When the command started (ISO 8601). */
  startedAt?: string;
}

/** The busy loop's length: long enough for the scheduler to show it, short next to any run. */
const REFERENCE_MS = 100;

/** Spins for REFERENCE_MS of wall time; returns the CPU it got over the wall time. */
export function referenceLoop(ms = REFERENCE_MS): number {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let x = 0;
  while (performance.now() - start < ms) x = (x + 1) % 1_000_003;
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return x < 0 ? 0 : Math.min(1, (used.user + used.system) / 1000 / wall);
}

/** Read before the runs; `after()` takes a second reading once they are done. */
export function machineLoad(): MachineLoad & { after(): MachineLoad } {
  const load: MachineLoad = {
    startedAt: new Date().toISOString(),
    cores: availableParallelism(),
    loadAverage: loadavg()[0] ?? 0,
    referenceShare: referenceLoop(),
  };
  return {
    ...load,
    after: () => ({ ...load, referenceShare: Math.min(load.referenceShare, referenceLoop()) }),
  };
}

/** Below this share, the reference loop waited for CPU that other programs held. */
const BUSY_SHARE = 0.8;

/**
 * The warning that the numbers understate this machine, when the reference loop was
 * starved of CPU. A run's own core share is no guide: a task that waits uses almost none.
 */
export function busyMachineNote(load: MachineLoad | undefined): string | undefined {
  if (load === undefined || load.referenceShare >= BUSY_SHARE) return undefined;
  return (
    `Other programs were using the CPU: a reference loop got only ${load.referenceShare.toFixed(2)} of a core ` +
    `(load average ${load.loadAverage.toFixed(2)} on ${load.cores} cores), so these numbers understate this machine; rerun it idle.`
  );
}

/** The machine line of a report. */
export function machineLine(load: MachineLoad): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${load.cores} cores (${model}), load average ${load.loadAverage.toFixed(2)} at the start, Node ${process.version}, started ${load.startedAt ?? new Date().toISOString()}`;
}
