/** One measured figure, printed as a row of `npm run bench` and written to its JSON. */
export interface BenchRow {
  /** What was measured, e.g. "battle engine, standard mix". */
  name: string;
  value: number;
  unit: string;
  /** The target from the issues, e.g. ">= 500000" or "< 40". */
  target?: string;
  /** Whether the value meets the target (undefined when there is none). */
  pass?: boolean;
  notes?: string;
}

export type BenchSuite = () => Promise<BenchRow[]>;
