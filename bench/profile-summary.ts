// The top self-time functions of a V8 CPU profile (what `startProfile`/`stopProfile` write), so a
// run says where the list page's CPU goes without opening the profile in DevTools. Idle time and
// the profiler's own work are left out of the shares.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  where: string;
  ms: number;
  /** Of the CPU time the process was busy (idle left out). */
  share: number;
}

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
/** Not the app's work: waiting for events, and the inspector session that records the profile. */
const NOT_WORK = new Set(['(idle)', '(program)']);

export function place(frame: { functionName: string; url: string; lineNumber: number }): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.startsWith('file://') ? relative(REPOSITORY, fileURLToPath(frame.url)) : frame.url;
  return `${name} ${path.replace(/^node_modules\//, '')}:${frame.lineNumber + 1}`;
}

/** Microseconds of self time by function (idle, the profiler's own work and `(program)` left out). */
export function selfTimeByPlace(file: string): { busyMicros: number; byPlace: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byPlace = new Map<string, number>();
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    if (!frame || NOT_WORK.has(frame.functionName) || frame.url === 'node:inspector') return;
    busyMicros += micros;
    const where = place(frame);
    byPlace.set(where, (byPlace.get(where) ?? 0) + micros);
  });
  return { busyMicros, byPlace };
}

export function topSelfTime(file: string, count: number): { busyMs: number; top: SelfTime[] } {
  const { busyMicros, byPlace } = selfTimeByPlace(file);
  const top = [...byPlace]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, micros]) => ({ where, ms: micros / 1000, share: micros / Math.max(busyMicros, 1) }));
  return { busyMs: busyMicros / 1000, top };
}
