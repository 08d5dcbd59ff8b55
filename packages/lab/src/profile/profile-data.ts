/** What the profiled child writes at exit: ticks already mapped to original source lines. */
export interface LineProfile {
  /** Samples taken, idle and garbage collection included. */
  totalSamples: number;
  /** Microseconds between the first and the last sample. */
  durationMicros: number;
  functions: FunctionProfile[];
  /**
   * Samples outside the program's functions: (program), (garbage collector), (idle), native
   * functions, and the time tsx and the profiler itself took in the process ((tsx), (concur profile)).
   */
  other: { name: string; samples: number }[];
}

export interface FunctionProfile {
  name: string;
  /** URL of the original source (the .ts file for TypeScript). */
  url: string;
  /** 1-based line where the function starts. */
  line: number;
  /** Samples where this function was on top of the stack. */
  samples: number;
  lines: { line: number; samples: number }[];
}
