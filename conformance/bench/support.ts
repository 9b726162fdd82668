// Shared shapes of the benchmarks: each bench script prints one result line that run.ts reads.

/** One measured figure, checked against the budget of a dg:perf:* row. */
export interface BenchResult {
  /** The spec row this figure is held against, e.g. `dg:perf:cpu-per-poll`. */
  id: string;
  /** What was measured, in words. */
  metric: string;
  value: number;
  unit: string;
  /** The row's budget, in `unit`. `value <= budget` passes. */
  budget: number;
  /** Further figures, for the report (not checked). */
  details: Record<string, unknown>;
}

/** The marker that starts the result line on a bench script's stdout. */
export const RESULT_MARKER = 'BENCH-RESULTS ';

/** Prints the results as one JSON line for run.ts; everything else on stdout is for people. */
export function emit(results: BenchResult[]): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(results)}\n`);
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0–100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** CPU time (user + system) in microseconds since `start`. */
export function cpuMicros(start: NodeJS.CpuUsage): number {
  const delta = process.cpuUsage(start);
  return delta.user + delta.system;
}

/** Rounds to `digits` decimals, for printing and the JSON file. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
