// The token list page and its ceiling, measured in alternating windows rather than once each: on a
// shared machine the speed of the cores drifts by a quarter or more over a minute, so figures
// taken minutes apart compare the machine, not the code. Each round measures both, back to back
// (which goes first alternates), and a verdict takes the median over the rounds.
import type { LoadResult } from './load.ts';

export interface Pair {
  app: LoadResult;
  ceiling: LoadResult;
}

export async function alternate(rounds: number, measure: { app(): Promise<LoadResult>; ceiling(): Promise<LoadResult> }): Promise<Pair[]> {
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The window whose figure is the median one (of an odd number), to show in the table as it is. */
export function medianWindow(runs: readonly LoadResult[], figure: (run: LoadResult) => number): LoadResult {
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const cpuOf = (run: LoadResult): number => run.cpuMsPerRequest ?? Number.NaN;
