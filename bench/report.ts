// Printing the figures: a table of throughput and latency, ratios against the two baselines, and
// a verdict per target. Plain text, so a run's output can be pasted into the README as it is.
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import type { Summary } from './stats.ts';

export const MB = 1024 * 1024;

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, ${osType()} ${release()}, Node ${process.version}`;
}

/** Other work on the machine skews every figure: the 1-minute load average says how much there was. */
export function load(): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
}

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(0)} MB`;
}

export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a';
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(0)}%`;
}

export interface Row {
  name: string;
  concurrency: number | string;
  summary: Summary;
  /** p50 minus the upstream call's p50 at the same concurrency. */
  overheadMs?: number;
  /** The server process's CPU time per request. */
  cpuMs?: number;
  note?: string;
}

export function table(rows: Row[]): string {
  const header = ['', 'conc', 'req/s', 'p50 ms', 'p99 ms', 'overhead p50 ms', 'CPU ms/req', ''];
  const lines = rows.map((row) => [
    row.name,
    String(row.concurrency),
    row.summary.perSecond.toFixed(0),
    ms(row.summary.p50),
    ms(row.summary.p99),
    row.overheadMs === undefined ? '' : ms(row.overheadMs),
    row.cpuMs === undefined ? '' : row.cpuMs.toFixed(2),
    row.note ?? '',
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column]!.length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) =>
        column === 0 || column === line.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [format(header), ...lines.map(format)].map((line) => `  ${line}`).join('\n');
}

export interface Verdict {
  target: string;
  pass: boolean | undefined;
  detail: string;
}

export function verdicts(list: Verdict[]): string {
  return list
    .map((v) => `  [${v.pass === undefined ? 'INFO' : v.pass ? 'PASS' : 'FAIL'}] ${v.target}: ${v.detail}`)
    .join('\n');
}
