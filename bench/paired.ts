// The token list page and its ceiling, measured in alternating windows rather than once each: on a
// shared machine the speed of the cores drifts by a quarter or more over a minute, so figures
// taken minutes apart compare the machine, not the code. Each round measures both, back to back
// (which goes first alternates), and a verdict takes the median over the rounds.
import type { LoadResult } from './load.ts';
import { percentile } from './stats.ts';

export interface Pair {
  app: LoadResult;
  ceiling: LoadResult;
}

export async function alternate(
  rounds: number,
  measure: { app(): Promise<LoadResult>; ceiling(): Promise<LoadResult> },
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const ceiling = await measure.ceiling();
      pairs.push({ ceiling, app: await measure.app() });
    } else {
      const app = await measure.app();
      pairs.push({ app, ceiling: await measure.ceiling() });
    }
  }
  return pairs;
}

/** The middle value (of an even number, the lower of the two middle ones, as for latencies). */
export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values).sort(), 0.5);
}

/** The window whose figure is the median one (of an odd number), to show in the table as it is. */
export function medianWindow(runs: readonly LoadResult[], figure: (run: LoadResult) => number): LoadResult {
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const cpuOf = (run: LoadResult): number => run.cpuMsPerRequest ?? Number.NaN;
